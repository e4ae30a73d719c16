"""The links of a built site: where each one leads, and which source file and line it came from.

A link is judged as a browser would follow it from the page's real address (base URL, path prefix
included), so a root-relative '/tags/x/' in a site served under '/digest/' leads out of the site.
Problems are reported where the newsroom can fix them: the article's Markdown, the template, the
static file; only what none of them contains is reported at the generated page.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator, Mapping
from urllib.parse import unquote, urljoin, urlsplit

from sitegen.config import CONFIG_FILE, Config
from sitegen.content import decode_text
from sitegen.htmlscan import StartTag, start_tags, url_scheme
from sitegen.routes import Route, StaticFile
from sitegen.sitedirs import builtin_theme_dir

INTERNAL, EXTERNAL, OTHER = "internal", "external", "other"
_REFERENCE_ATTRIBUTES = ("href", "src")


@dataclass(frozen=True)  # no slots: cached_property keeps its values in __dict__
class SiteOutput:
    """A built site as the checks see it, whether it sits in a folder of its own or is still being staged."""

    site_dir: Path
    config: Config
    routes: tuple[Route, ...]
    statics: tuple[StaticFile, ...]
    files: Mapping[str, Path]  # output path -> the file holding its bytes
    body_html: Callable[[str], str]  # body key -> the article's HTML

    @cached_property
    def route_of(self) -> dict[str, Route]:
        return {route.output: route for route in self.routes}

    @cached_property
    def owner_of(self) -> dict[str, str]:
        return {static.output: static.owner for static in self.statics}


@dataclass(frozen=True, slots=True)
class Reference:
    page: str  # output path of the page it is on
    line: int  # in that page
    tag: str
    url: str


def page_references(page: str, tags: list[StartTag]) -> Iterator[Reference]:
    """Every href and src of a page, and each candidate of a srcset."""
    for start in tags:
        for name in _REFERENCE_ATTRIBUTES:
            value = start.get(name)
            if value is not None:
                yield Reference(page, start.line, start.tag, value.strip())
        for candidate in (start.get("srcset") or "").split(","):
            if candidate.strip():
                yield Reference(page, start.line, start.tag, candidate.split()[0])


class LinkResolver:
    """Where a URL on a page of the site leads, and what is wrong with it when it leads nowhere."""

    def __init__(self, config: Config, files: Mapping[str, Path], ids: Mapping[str, set[str]]):
        self.files, self.ids = files, ids
        self.prefix = config.path_prefix
        parts = urlsplit(config.base_url)
        self.site = (parts.scheme, parts.netloc.lower())
        self.root = f"{parts.scheme}://{parts.netloc}"
        self._judged: dict[tuple[str, str], tuple[str, str | None]] = {}

    def judge(self, page: str, url: str) -> tuple[str, str | None]:
        """(INTERNAL, why it leads nowhere or None), (EXTERNAL, its absolute URL) or (OTHER, None)."""
        # The same navigation links stand on every page: a URL that does not depend on the page is judged once.
        key = ("", url) if url.startswith("/") or url_scheme(url) else (page.rpartition("/")[0], url)
        if key not in self._judged:
            self._judged[key] = self._judge(page, url)
        return self._judged[key]

    def _judge(self, page: str, url: str) -> tuple[str, str | None]:
        if url_scheme(url) not in ("", "http", "https"):
            return OTHER, None  # mailto:, tel:, data: … lead to no page; script ones are warned about elsewhere
        absolute = urljoin(self.page_url(page), url)
        parts = urlsplit(absolute)
        if (parts.scheme, parts.netloc.lower()) != self.site:
            return EXTERNAL, absolute.split("#", 1)[0]
        return INTERNAL, self._failure(parts.path, unquote(parts.fragment))

    def page_url(self, page: str) -> str:
        path = page[: -len("index.html")] if page == "index.html" or page.endswith("/index.html") else page
        return f"{self.root}{self.prefix}{path}"

    def _failure(self, path: str, fragment: str) -> str | None:
        if not (path + "/").startswith(self.prefix):
            return f"it leads out of the site's base path {self.prefix}"
        target = self.target(unquote(path[len(self.prefix):]))
        if target is None:
            return "there is no such file in the site"
        if fragment and fragment != "top" and target.endswith(".html") and fragment not in self.ids.get(target, ()):
            return f"{target} has no element with id '{fragment}'"
        return None

    def target(self, rel: str) -> str | None:
        """The output file a site path is served from (a folder without its slash is redirected to it)."""
        for candidate in (rel + "index.html" if rel == "" or rel.endswith("/") else rel, rel + "/index.html"):
            if candidate in self.files:
                return candidate
        return None


def scan_page(page: str, path: Path) -> tuple[list[Reference], set[str]]:
    """The references of a built page and the ids its anchors can point at."""
    tags = start_tags(path.read_text(encoding="utf-8", errors="replace"))
    return list(page_references(page, tags)), page_ids(tags)


def page_ids(tags: list[StartTag]) -> set[str]:
    return {value for start in tags for name, value in start.attrs if name == "id" or name == "name" and start.tag == "a"}


class SourceFinder:
    """The source file and line behind something on a built page: the article, a template, site.yaml, a static file."""

    def __init__(self, site: SiteOutput):
        self.site = site
        self._lines: dict[Path, list[str]] = {}
        self._templates: list[tuple[str, Path]] | None = None

    def locate(self, page: str, page_line: int | None, needles: list[str]) -> tuple[str, int | None]:
        route = self.site.route_of.get(page)
        if route is None:  # copied as it is: its lines are the source's own
            return self.site.owner_of.get(page, page), page_line
        if route.owner:
            line = self.line_of(route.owner, needles)
            if line:
                return route.owner, line
        for shown, path in [*self.templates(route.template), (CONFIG_FILE, self.site.site_dir / CONFIG_FILE)]:
            line = self.line_of(path, needles)
            if line:
                return shown, line
        return f"(page {route.path})", page_line

    def line_of(self, path: Path | str, needles: list[str]) -> int | None:
        """The first line holding one of needles (as written, or HTML-escaped), case-insensitively."""
        lines = self.lines(self.site.site_dir / path)
        for needle in needles:
            for variant in {needle.lower(), html.escape(needle).lower()}:
                for number, text in enumerate(lines, start=1):
                    if variant and variant in text:
                        return number
        return None

    def lines(self, path: Path) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = decode_text(str(path), path.read_bytes())[0].lower().split("\n")
            except OSError:
                self._lines[path] = []
        return self._lines[path]

    def templates(self, first: str | None) -> list[tuple[str, Path]]:
        """(shown name, path) of every template: the page's own first, the site's before the theme's."""
        if self._templates is None:
            self._templates = []
            for folder, shown in ((self.site.site_dir / "templates", "templates/"),
                                  (builtin_theme_dir(), "(built-in theme) ")):
                if folder.is_dir():
                    self._templates += [(shown + p.relative_to(folder).as_posix(), p)
                                        for p in sorted(folder.rglob("*.html"))]
        own = {f"templates/{first}", f"(built-in theme) {first}"}
        return sorted(self._templates, key=lambda item: item[0] not in own)
