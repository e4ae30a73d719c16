"""Markdown -> HTML for article bodies, plus the plain-text summary and word count taken from it.

This is the expensive step of a build, so it is a pure function of (body, settings) that the cache
can memoise by hash.
"""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass

import markdown

from sitegen import __version__

EXTENSIONS = ("extra", "sane_lists")
SETTINGS_KEY = hashlib.sha256(f"{__version__}|{markdown.__version__}|{EXTENSIONS}".encode()).hexdigest()[:16]
SUMMARY_CHARS = 300

_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    summary: str  # plain text
    words: int


_converter = markdown.Markdown(extensions=list(EXTENSIONS), output_format="html")


def markup_key(body: str) -> str:
    """What a rendered body depends on: its text and the Markdown settings."""
    return hashlib.sha256(f"{SETTINGS_KEY}\0{body}".encode("utf-8")).hexdigest()


def render_markdown(body: str) -> Rendered:
    """Body Markdown -> Rendered; RecursionError for absurdly nested input is left to the caller."""
    html_text = _converter.reset().convert(body)
    plain = html.unescape(_TAG.sub(" ", html_text))
    return Rendered(html_text, first_paragraph_text(html_text), len(plain.split()))


def first_paragraph_text(html_text: str) -> str:
    """The first paragraph as plain text, cut at a word boundary near SUMMARY_CHARS."""
    match = _FIRST_PARAGRAPH.search(html_text)
    return shorten_summary(html.unescape(_TAG.sub("", match.group(1))) if match else "")


def shorten_summary(text: str) -> str:
    """Plain text on one line, cut at a word boundary near SUMMARY_CHARS."""
    text = " ".join(text.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    return text[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
