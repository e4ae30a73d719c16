"""Follow every internal link and asset reference in a built site and list the ones that lead nowhere."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.refs.append(value)


def page_url(base_url: str, out: Path, file: Path) -> str:
    rel = file.relative_to(out).as_posix()
    if rel.endswith("index.html"):
        rel = rel[: -len("index.html")]
    return urljoin(base_url, rel)


def broken_links(out: Path, base_url: str) -> list[str]:
    """'page -> link' for every internal reference that does not resolve to a file under out."""
    base = urlsplit(base_url)
    broken = []
    for file in sorted(out.rglob("*.html")):
        parser = _Refs()
        parser.feed(file.read_text(encoding="utf-8"))
        here = page_url(base_url, out, file)
        for ref in parser.refs:
            target = urlsplit(urljoin(here, ref))
            if (target.scheme, target.netloc) != (base.scheme, base.netloc):
                continue
            if not target.path.startswith(base.path):
                broken.append(f"{file.relative_to(out)} -> {ref} (outside {base.path})")
                continue
            rel = unquote(target.path[len(base.path):])
            candidate = out / rel
            if rel == "" or rel.endswith("/"):
                candidate = candidate / "index.html"
            if not candidate.is_file():
                broken.append(f"{file.relative_to(out)} -> {ref}")
    return broken
