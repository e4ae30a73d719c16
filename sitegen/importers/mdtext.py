"""Plain text -> Markdown that renders as exactly that text, and never as HTML, links or attributes.

Imported text is third-party: Python-Markdown passes raw HTML through, turns [x](javascript:…) into a
link and `{: onclick=…}` (attr_list, part of "extra") into an attribute. Escaping the few characters
that start such constructs keeps the text as it was while making it inert. `<` and `&` become
entities because Python-Markdown has no backslash escape for them.
"""
from __future__ import annotations

import re

_INLINE = re.compile(r"[\\`*_\[\]{}<|&]")  # "|" would start a table ("extra"); "&#0" shows as a character
# What makes a line something other than a paragraph line: a heading, a quote, a list item, a setext
# underline or a rule ('--- -'), a code fence, a definition (def_list, in "extra"). Its first
# character is escaped.
_BLOCK_START = re.compile(r"^([ ]{0,3})([#>]|[-+](?=\s|$)|-(?=[-\s]*$)|=(?=[=\s]*$)|~(?=~~)|:(?=\s))", re.M)
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)", re.M)
# Python-Markdown has backslash escapes for some characters only; '\=' would show its backslash.
_ENTITIES = {"<": "&lt;", "&": "&amp;", "=": "&#61;", "~": "&#126;", ":": "&#58;"}


def _escape_char(match: re.Match) -> str:
    char = match.group()
    return _ENTITIES.get(char, "\\" + char)


def _escape_block_start(match: re.Match) -> str:
    return match.group(1) + _ENTITIES.get(match.group(2), "\\" + match.group(2))


def escape_text(text: str) -> str:
    """Text (possibly several lines) as Markdown showing that very text."""
    text = _INLINE.sub(_escape_char, text)
    text = _ORDERED.sub(r"\1\\\2", text)  # "2022. That year" is a sentence, not list item 2022
    return _BLOCK_START.sub(_escape_block_start, text)
