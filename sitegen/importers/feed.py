"""RSS 2.0, RSS 1.0 and Atom bytes -> Drafts.

feedparser reads the feed; it is always given the bytes, never a name, because given a string it
opens local files and URLs itself, without a timeout. Before it sees them, entity declarations are
refused outright (billion laughs, XXE): feedparser happens to neutralise those today, and the
guarantee should not rest on one library's internals. Titles, links, names and categories are
cleaned here, because feedparser sanitises only entry bodies.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException

from sitegen.config import Config
from sitegen.errors import Problem, SiteError
from sitegen.importers.draft import Draft, Harvest, clean_line
from sitegen.importers.feedhtml import html_to_markdown, plain_text
from sitegen.importers.mdtext import escape_text

FEED_ROOTS = {"rss", "feed", "RDF"}
MAX_TAG_CHARS = 60
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_EMAIL = re.compile(r"\S+@\S+")


def read_feed(name: str, data: bytes, config: Config, url: str | None = None, content_type: str = "") -> Harvest:
    """The entries of a feed as Drafts. url (after redirects) resolves relative links; content_type is the
    server's, for messages and the character set."""
    _refuse_entities(name, data)
    xml_problem = _xml_problem(name, data)
    headers = {"content-type": content_type or "application/xml", **({"content-location": url} if url else {})}
    # Relative links are resolved here, against each entry's own page rather than the feed's address.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, resolve_relative_uris=False)
    if not parsed.get("version"):
        raise SiteError([_not_a_feed(name, content_type, xml_problem)])
    warnings = [Problem(name, xml_problem.line, f"{xml_problem.message}; read leniently")] if xml_problem else []
    outlet = _outlet(parsed.feed, config, url)
    base = _http_url(parsed.feed.get("link"), url) or url
    drafts = []
    for number, entry in enumerate(parsed.entries, start=1):
        draft, warning = _entry_draft(f"{name} entry {number}", entry, outlet, base)
        drafts.extend([draft] if draft else [])
        warnings.extend([warning] if warning else [])
    if not parsed.entries:
        warnings.append(Problem(name, None, "the feed has no entries; nothing to import"))
    return Harvest(tuple(drafts), tuple(warnings))


def _refuse_entities(name: str, data: bytes) -> None:
    # NULs removed so that the check also sees UTF-16 and UTF-32 documents.
    for text in (data, data.replace(b"\0", b"")):
        match = _ENTITY_DECLARATION.search(text)
        if match:
            raise SiteError([Problem(name, text[:match.start()].count(b"\n") + 1,
                                     "refused: the feed declares XML entities (<!ENTITY …>), the way entity-"
                                     "expansion ('billion laughs') and external-entity (XXE) attacks do")])


def _xml_problem(name: str, data: bytes) -> Problem | None:
    """What keeps data from being a well-formed RSS or Atom document, or None."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True,
                                                 forbid_external=True)
    except DefusedXmlException as exc:
        raise SiteError([Problem(name, None, f"refused: the feed uses XML constructs that attacks use ({exc})")])
    except ParseError as exc:
        line, column = exc.position
        return Problem(name, line, f"not well-formed XML ({str(exc).split(':')[0]} at column {column + 1})")
    root_name = root.tag.rsplit("}", 1)[-1]
    return None if root_name in FEED_ROOTS else Problem(name, None, f"the document is <{root_name}>")


def _not_a_feed(name: str, content_type: str, xml_problem: Problem | None) -> Problem:
    kind = content_type.split(";")[0].strip()
    message = "not an RSS or Atom feed" + (f" (got {kind})" if kind else "")
    if xml_problem:
        return Problem(name, xml_problem.line, f"{message}: {xml_problem.message}")
    return Problem(name, None, message)


def _outlet(feed: dict, config: Config, url: str | None) -> str | None:
    """The outlet behind a feed: the configured source whose site is the feed's, else the feed's title."""
    link = _http_url(feed.get("link"), url) or url
    host = _host(link)
    for info in config.sources.values():
        if host and info.url and _host(info.url) == host:
            return info.name
    title = plain_text(feed.get("title", ""))
    return config.canonical_source(title) if title else host or None


def _host(url: str | None) -> str:
    host = urlsplit(url).hostname or "" if url else ""
    return host.removeprefix("www.")


def _entry_draft(origin: str, entry: dict, outlet: str | None, base: str | None) -> tuple[Draft | None, Problem | None]:
    title = plain_text(entry.get("title", ""))
    if not title:
        return None, Problem(origin, None, "entry has no title; left out")
    link = _http_url(entry.get("link"), base)
    content, summary = _entry_html(entry)
    try:
        body, rich = html_to_markdown(content, link or base)
    except RecursionError:  # markdownify walks the tree recursively; absurd nesting is an attack, not news
        body, rich = escape_text(plain_text(content)), False
    warning = None if rich else Problem(origin, None, f"'{title}': its HTML could not be made safe as Markdown; "
                                                      "imported as plain text")
    return Draft(title=title, body=body, origin=origin, date=_entry_date(entry), author=_author(entry),
                 sources=(outlet,) if outlet else (), source_url=link, tags=_categories(entry),
                 summary=(plain_text(summary) or None) if summary else None), warning


def _entry_html(entry: dict) -> tuple[str, str | None]:
    """(the fullest HTML body, a separate summary or None)."""
    contents = entry.get("content") or []
    html_parts = [c for c in contents if "html" in (c.get("type") or "")] or contents
    summary = entry.get("summary") or ""
    if html_parts and html_parts[0].get("value"):
        content = html_parts[0]["value"]
        return content, summary if summary and summary.strip() != content.strip() else None
    return summary, None


def _entry_date(entry: dict) -> dt.datetime | None:
    # dict.get: FeedParserDict.get maps a missing key to the other one, with a DeprecationWarning
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    return dt.datetime(*parsed[:6], tzinfo=dt.timezone.utc) if parsed else None


def _author(entry: dict) -> str | None:
    """'newsdesk@example.org (Ann Lee)' -> 'Ann Lee'; addresses are not shown on the site."""
    name = plain_text((entry.get("author_detail") or {}).get("name") or entry.get("author") or "")
    return clean_line(_EMAIL.sub(" ", name)).strip(" ()") or None


def _categories(entry: dict) -> tuple[str, ...]:
    names = (plain_text(tag.get("label") or tag.get("term") or "") for tag in entry.get("tags") or [])
    return tuple(dict.fromkeys(n for n in names if n and len(n) <= MAX_TAG_CHARS))


def _http_url(url: str | None, base: str | None) -> str | None:
    """url made absolute against base, if it is an http(s) URL; None for javascript:, data: and the like."""
    if not url or not isinstance(url, str):
        return None
    absolute = urljoin(base or "", clean_line(url))
    parts = urlsplit(absolute)
    return absolute if parts.scheme in ("http", "https") and parts.hostname else None
