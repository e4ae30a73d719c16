"""Markdown -> HTML for article bodies, plus the plain-text summary and word count taken from it.

This is the expensive step of a build, so it is a pure function of (body, settings) that the cache
can memoise by hash.
"""
from __future__ import annotations

import contextlib
import hashlib
import html
import re
import sys
from dataclasses import dataclass

import markdown

from sitegen import __version__
from sitegen.prose import make_prose
from sitegen.search import plain_text
from sitegen.textscan import word_count
from sitegen.xmlchars import xml_text

EXTENSIONS = ("extra", "sane_lists")
# What the HTML of a body depends on besides its text; REVISION changes with render_markdown's own steps.
REVISION = 2  # 2: characters XML forbids are dropped before rendering
SETTINGS_KEY = hashlib.sha256(f"{__version__}|{REVISION}|{markdown.__version__}|{EXTENSIONS}".encode()).hexdigest()[:16]
SUMMARY_CHARS = 300
# Python-Markdown recurses once per level of lists and quotes: 1,000 levels take seconds and end in
# RecursionError, 2,000 take half a minute (reliability notes, finding 5). No article needs 100.
MAX_NESTING = 100

_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    summary: str  # plain text
    words: int
    text: str  # search.plain_text of the HTML: the words counted, and where the search names are found


class MarkupError(ValueError):
    """A body that cannot be rendered; line is 1-based within the body."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line


@contextlib.contextmanager
def _pygments_hidden():
    """Markdown's "extra" loads fenced_code, which imports codehilite, which imports Pygments when it is
    installed: a quarter of Markdown's import time, paid by every one-edit rebuild, for highlighting that
    only the codehilite extension does, and it is not on here. While this module loads, `import pygments`
    fails in every thread, and codehilite keeps believing Pygments is missing: `sitegen serve` imports
    this module before it starts threads."""
    if "pygments" in sys.modules:
        yield
        return
    sys.modules["pygments"] = None  # `import pygments` raises ImportError, as if it were not installed
    try:
        yield
    finally:
        del sys.modules["pygments"]


with _pygments_hidden():
    from sitegen import fastmarkdown

    from markdown.extensions import abbr, attr_list, def_list, fenced_code, footnotes, md_in_html, sane_lists, tables

    # EXTENSIONS as instances, in the order "extra" registers its parts: given a name, Markdown first lists
    # the entry points of every installed package (importlib.metadata, 20 ms of each command's start-up).
    _converter = markdown.Markdown(extensions=[
        fenced_code.FencedCodeExtension(), footnotes.FootnoteExtension(), attr_list.AttrListExtension(),
        def_list.DefListExtension(), tables.TableExtension(), abbr.AbbrExtension(),
        md_in_html.MarkdownInHtmlExtension(), sane_lists.SaneListExtension()], output_format="html")
# The same HTML as stock, faster (sitegen/fastmarkdown.py); stock processors on an unverified Markdown release.
fastmarkdown.install(_converter)
_CONTAINER_MARKER = re.compile(r">|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")


def markup_key(body: str) -> str:
    """What a rendered body depends on: its text and the Markdown settings."""
    return hashlib.sha256(f"{SETTINGS_KEY}\0{body}".encode("utf-8")).hexdigest()


def render_markdown(body: str) -> Rendered:
    """Body Markdown -> Rendered; MarkupError for input nested too deeply to render."""
    deep = too_deeply_nested(body)
    if deep:
        raise deep
    try:
        # Without the characters XML forbids (a pasted terminal colour code), the HTML can go into
        # feeds as it is, and no page carries them.
        source = xml_text(body)
        html_text = make_prose(source)  # plain prose without Markdown's tree (the same HTML, faster)
        if html_text is None:
            html_text = _converter.reset().convert(source)
    except RecursionError:  # nesting the check above does not count, such as definition lists
        raise MarkupError("Markdown nested too deeply to render", 1) from None
    text = plain_text(html_text)
    return Rendered(html_text, first_paragraph_text(html_text), word_count(text), text)


# Each level nesting_depth counts takes at least one character at the start of the line (a '>', a list
# marker, a tab, or four spaces), so only a line opening with more than MAX_NESTING such characters can
# be too deep: a search for one spares every ordinary body the walk over its lines. (Searching for "\n"
# first, rather than with re.M's "^", lets the regex engine skip ahead to each line: 8 times faster.)
_OPENING_RUN = r"[ \t>*+\-.)\d]{%d}" % (MAX_NESTING + 1)
_FIRST_LINE_MAYBE_TOO_DEEP = re.compile(_OPENING_RUN)
_LATER_LINE_MAYBE_TOO_DEEP = re.compile("\n" + _OPENING_RUN)


def too_deeply_nested(body: str) -> MarkupError | None:
    """The first line nested in more than MAX_NESTING lists or quotes, found before rendering is tried."""
    if not (_FIRST_LINE_MAYBE_TOO_DEEP.match(body) or _LATER_LINE_MAYBE_TOO_DEEP.search(body)):
        return None
    for number, line in enumerate(body.split("\n"), start=1):
        depth = nesting_depth(line)
        if depth > MAX_NESTING:
            return MarkupError(f"Markdown nested {depth} levels deep (lists or quotes); at most {MAX_NESTING} "
                               "can be rendered", number)
    return None


def nesting_depth(line: str) -> int:
    """At most how many lists and quotes a line sits in: each '>' or list marker that opens it, and each
    four columns of indentation (how Python-Markdown nests lists)."""
    text = line.expandtabs(4)
    depth = position = 0
    while True:
        rest = text[position:].lstrip(" ")
        depth += (len(text) - position - len(rest)) // 4
        marker = _CONTAINER_MARKER.match(rest)
        if not marker:
            return depth
        depth += 1
        position = len(text) - len(rest) + marker.end()


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
