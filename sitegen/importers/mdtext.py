"""Plain text -> Markdown that renders as exactly that text, and never as HTML, links or attributes.

Imported text is third-party: Python-Markdown passes raw HTML through, turns [x](javascript:…) into a
link and `{: onclick=…}` (attr_list, part of "extra") into an attribute. Escaping the few characters
that start such constructs keeps the text as it was while making it inert. `<` and `&` become
entities because Python-Markdown has no backslash escape for them.
"""
from __future__ import annotations

import re

_INLINE = re.compile(r"[\\`*_\[\]{}<]|&(?=#?\w+;)")
# What makes a line something other than a paragraph line: a heading, a quote, a list item, a setext
# underline, a code fence. The first character of such a start is escaped.
_BLOCK_START = re.compile(r"^(?=#|>|[-+](?:\s|$)|[-=]+\s*$|~~~)", re.M)
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)", re.M)


def _escape_char(match: re.Match) -> str:
    char = match.group()
    return {"<": "&lt;", "&": "&amp;"}.get(char, "\\" + char)


def escape_text(text: str) -> str:
    """Text (possibly several lines) as Markdown showing that very text."""
    text = _INLINE.sub(_escape_char, text)
    text = _ORDERED.sub(r"\1\\\2", text)  # "2022. That year" is a sentence, not list item 2022
    return _BLOCK_START.sub("\\\\", text)
