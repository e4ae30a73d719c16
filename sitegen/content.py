"""Articles: Markdown files with YAML front matter -> validated, frozen Article records."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from sitegen.article import ARTICLE_FIELDS, Article, ParsedFile  # noqa: F401 - re-exported
from sitegen.config import Config
from sitegen.errors import Problem
from sitegen.markup import markup_key, too_deeply_nested
from sitegen.slugs import is_safe_slug, slugify
from sitegen.yamldoc import YamlError, load_yaml, type_name

MAX_FILE_BYTES = 5 * 1024 * 1024
KNOWN_KEYS = {"title", "date", "source", "source_url", "tags", "summary", "author", "draft", "slug", "updated",
              "template"}
DATE_HINT = "use 2026-01-06 or 2026-01-06T18:00:00+00:00"


def read_article(site_dir: Path, path: Path, config: Config) -> ParsedFile:
    """Read and validate one content file."""
    rel = path.relative_to(site_dir).as_posix()
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(site_dir.resolve()):
            return ParsedFile(None, problems=(Problem(rel, None, "symlink points outside the site; not followed"),))
        raw = path.read_bytes()
    except OSError as exc:
        return ParsedFile(None, problems=(Problem(rel, None, f"cannot read file: {exc.strerror}"),))
    text, problem = decode_text(rel, raw)
    if problem:
        return ParsedFile(None, problems=(problem,))
    return parse_article(rel, text, config, digest=hashlib.sha256(rel.encode() + b"\0" + raw).hexdigest())


def decode_text(rel: str, raw: bytes) -> tuple[str, Problem | None]:
    """Bytes -> text with LF line endings, or the problem that makes it unreadable."""
    if len(raw) > MAX_FILE_BYTES:
        return "", Problem(rel, None, f"file is {len(raw) / 2**20:.1f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit")
    if _looks_like_utf16(raw):
        return "", Problem(rel, 1, "UTF-16 text, not UTF-8", "save the file as UTF-8")
    if b"\0" in raw:
        nul = raw.index(b"\0")
        return "", Problem(rel, raw[:nul].count(b"\n") + 1, f"binary file (NUL byte at offset {nul}), not Markdown")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return "", Problem(rel, line, f"not valid UTF-8 (byte {raw[exc.start]:#x} at offset {exc.start})",
                           "save the file as UTF-8")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _looks_like_utf16(raw: bytes) -> bool:
    """A BOM, or text whose every other byte is NUL (what Windows editors save as "Unicode")."""
    halves = (raw[0:200:2], raw[1:200:2])
    return raw.startswith((b"\xff\xfe", b"\xfe\xff")) or len(raw) >= 8 and any(h.count(0) >= 0.9 * len(h) for h in halves)


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter, body, line where the body starts); ValueError with a message when malformed."""
    if not text.strip():
        raise ValueError("empty file: no front matter (title and date are required)")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise ValueError("missing front matter: expected '---' on line 1")
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1:]), number + 2
    raise ValueError("front matter opened here is never closed with '---'")


def parse_article(rel: str, text: str, config: Config, digest: str = "") -> ParsedFile:
    """Text of a content file -> Article, or every problem found in it; digest: the sha256 of the file
    that read_article gives (see Article.digest)."""
    try:
        front, body, body_line = split_front_matter(text)
    except ValueError as exc:
        return ParsedFile(None, problems=(Problem(rel, 1, str(exc)),))
    # Checked before anything renders: Python-Markdown takes seconds to fail on such bodies.
    deep = too_deeply_nested(body)
    body_problems = (Problem(rel, body_line + deep.line - 1, deep.message),) if deep else ()
    try:
        doc = load_yaml(front, first_line=2)
    except YamlError as exc:
        return ParsedFile(None, problems=(Problem(rel, exc.line or 1, exc.message), *body_problems))
    if not isinstance(doc.data, dict):
        problem = Problem(rel, 2, f"front matter must be a mapping of keys, got {type_name(doc.data)}")
        return ParsedFile(None, problems=(problem, *body_problems))
    parsed = _validate(rel, doc.data, doc.key_lines, doc.raw, body, config, digest)
    return replace(parsed, article=None, problems=parsed.problems + body_problems) if body_problems else parsed


def _validate(rel: str, meta: dict, lines: dict, raw: dict, body: str, config: Config, digest: str) -> ParsedFile:
    problems: list[Problem] = []

    def check(key: str, convert, required: bool = False):
        if key not in meta or meta[key] is None or meta[key] == "":
            if required:
                hint = DATE_HINT if key == "date" else ""
                problems.append(Problem(rel, lines.get(key, 1), f"{key} is required", hint))
            return None
        try:
            return convert(meta[key])
        except ValueError as exc:
            # YAML read `no` as false and `1.10` as 1.1: quoting keeps the text as it was written.
            quoted = convert is _text and key in raw and isinstance(meta[key], (bool, int, float))
            problems.append(Problem(rel, lines.get(key), f"{key}: {exc}", f'quote it: "{raw[key]}"' if quoted else ""))
            return None

    title = check("title", _text, required=True)
    date = check("date", lambda v: parse_date(v, config), required=True)
    updated = check("updated", lambda v: parse_date(v, config))
    source = check("source", _text)
    source_url = check("source_url", _url)
    tags = check("tags", _tags) or ()
    summary = check("summary", _text)
    author = check("author", _text)
    draft = check("draft", _bool) or False
    slug = check("slug", _slug)
    template = check("template", _template_name)
    if problems:
        return ParsedFile(None, problems=tuple(problems))
    extra = {k: v for k, v in meta.items() if k not in KNOWN_KEYS}
    return ParsedFile(Article(
        path=rel, slug=slug or slugify(Path(rel).stem), title=title, date=date, digest=digest,
        body_key=markup_key(body), source=config.canonical_source(source) if source else None,
        source_url=source_url, tags=tags, summary=summary, author=author, draft=draft, updated=updated,
        template=template, extra=extra, lines=lines,
    ), body)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be text, got {type_name(value)}")
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


def _slug(value: Any) -> str:
    text = str(value)
    if not is_safe_slug(text):
        raise ValueError(f"'{text}' is not allowed (lowercase letters, digits and '-' only, e.g. '{slugify(text)}')")
    return text


def _template_name(value: Any) -> str:
    name = _text(value)
    if not re.fullmatch(r"[\w-]+(/[\w-]+)*\.html", name):
        raise ValueError(f"'{name}' is not a template name like 'article.html'")
    return name


def _url(value: Any) -> str:
    url = _text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{url}' is not an http(s) URL")
    return url


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):  # `tags: Ukraine` is one tag, as Hugo and Jekyll read it
        value = [value]
    if not isinstance(value, list):
        raise ValueError(f"must be a list of text, got {type_name(value)}")
    tags = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
            raise ValueError(f"must be a list of text, got {item!r} in it")
        if str(item).strip() not in tags:
            tags.append(str(item).strip())
    return tuple(tags)


_OFFSET = re.compile(r"([+-])(\d\d):?(\d\d)$")


def parse_date(value: Any, config: Config) -> dt.datetime:
    """A front-matter date -> an aware datetime; a bare date is midnight in the site's timezone."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        moment = _parse_date_text(value.strip())
    else:
        raise ValueError(f"{value!r} is not a date ({DATE_HINT})")
    moment = moment if moment.tzinfo else moment.replace(tzinfo=config.tz)
    try:  # every later stage compares dates in UTC and shows them in the site's timezone
        moment.astimezone(dt.timezone.utc), moment.astimezone(config.tz)
    except OverflowError:
        raise ValueError(f"'{value}' is out of range: it must stay within the years 1 to 9999 in UTC and in "
                         f"the site's timezone ({config.timezone})") from None
    return moment


def _parse_date_text(text: str) -> dt.datetime:
    match = _OFFSET.search(text)
    if match and (int(match.group(2)) > 23 or int(match.group(3)) > 59):
        raise ValueError(f"'{text}' has an invalid UTC offset {match.group(0)}")
    candidate = text.replace(" ", "T", 1) if re.match(r"\d{4}-\d\d-\d\d \d", text) else text
    try:
        return dt.datetime.fromisoformat(candidate)
    except ValueError as exc:
        # For text shaped like a date ('2026-13-45') Python's reason ("month must be in 1..12") helps.
        detail = f": {exc}" if re.match(r"\d{4}-\d\d-\d\d", text) else ""
        raise ValueError(f"'{text}' is not a date{detail} ({DATE_HINT})") from None


def dump_article(meta: dict, body: str) -> str:
    """Front matter and body as file text; used by importers and `sitegen new`, read back by parse_article."""
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    return f"---\n{front}---\n{body.strip()}\n"

