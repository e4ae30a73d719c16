"""The start tags of an HTML document, with their lines: what link checks and script checks look at.

Python's html.parser reads HTML as browsers do (unclosed tags, entities in attributes), is fast
enough for a site of thousands of pages, and knows the line of every tag.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Iterable

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "background", "xlink:href", "srcset"}
SAFE_SCHEMES = {"http", "https", "mailto", ""}


@dataclass(frozen=True, slots=True)
class StartTag:
    line: int  # 1-based, in the document
    tag: str  # lowercase
    attrs: tuple[tuple[str, str], ...]  # lowercase names, entity-decoded values ('' for bare attributes)

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.attrs if key == name), None)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[StartTag] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(StartTag(self.getpos()[0], tag, tuple((k, v or "") for k, v in attrs)))


def start_tags(html_text: str) -> list[StartTag]:
    collector = _Collector()
    collector.feed(html_text)
    collector.close()
    return collector.tags


@dataclass(frozen=True, slots=True)
class Risk:
    line: int
    what: str  # for messages: "<script>", "onerror= on <img>", "href='javascript:…' on <a>"
    text: str  # what to look for in a source file: the element, the attribute or the URL


def risky_markup(tags: Iterable[StartTag], elements: set[str]) -> list[Risk]:
    """What could run script: the given elements, on* attributes, URLs whose scheme is not http(s)
    or mailto (javascript:, data:, vbscript: …)."""
    found = []
    for start in tags:
        if start.tag in elements:
            found.append(Risk(start.line, f"<{start.tag}>", f"<{start.tag}"))
        for name, value in start.attrs:
            if name.startswith("on"):
                found.append(Risk(start.line, f"{name}= on <{start.tag}>", name))
            elif name in URL_ATTRIBUTES and url_scheme(value) not in SAFE_SCHEMES:
                found.append(Risk(start.line, f"{name}={value!r} on <{start.tag}>", value))
    return found


def url_scheme(url: str) -> str:
    """The scheme as a browser sees it ('' when relative): browsers ignore tabs, newlines and leading spaces."""
    compact = re.sub(r"[\x00-\x20]", "", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", compact)
    return match.group(1).lower() if match else ""
