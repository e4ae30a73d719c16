"""Whole-text scans made of bytes.translate and str.split rather than of the regex engine's work per
character, which is what counting a body's words and finding the names it mentions spent most on.

Each gives exactly what its plain form gives (tests/test_properties.py holds them to it on any text):
one translate table says of every ASCII character whether it is a separator, and the text's few
distinct other characters, found by deleting every ASCII byte, are looked at one by one.
"""
from __future__ import annotations

import re

RUN = re.compile(r"[\w'’-]+")  # a word with its apostrophes and hyphens (search's names are made of them)
# A news body holds a handful of other characters outside the runs (curly quotes, dashes, a no-break
# space); a text made of thousands of symbols would make word_runs read it once for each.
MAX_REPLACED = 16

_ASCII = bytes(range(128))
_ASCII_SEPARATORS = bytes(b for b in range(128) if not RUN.fullmatch(chr(b)))
_SEPARATORS_TO_SPACE = bytes.maketrans(_ASCII_SEPARATORS, b" " * len(_ASCII_SEPARATORS))
# For word_count: white space (as str.split sees it) to b" ", any other byte to b"x".
_ASCII_SPACE = bytes(b for b in range(128) if chr(b).isspace())
_SPACE_OR_MARK = bytes(0x20 if b in _ASCII_SPACE else 0x78 for b in range(256))


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate is one character, as in text


def _non_ascii(encoded: bytes) -> set[str]:
    """The distinct characters past ASCII in the text encoded is (UTF-8 never uses ASCII bytes in them)."""
    others = encoded.translate(None, _ASCII)
    return set(others.decode("utf-8", "surrogatepass")) if others else set()


def word_runs(text: str) -> list[str]:
    """RUN.findall(text): the words with their apostrophes and hyphens, in order, at about a third of
    its cost. Every character outside the runs becomes a space (the ASCII ones in one translate, each
    other one the text holds by a replace), then str.split cuts at them: any white space str.split
    knows of (a no-break space) is outside the runs too."""
    encoded = _encoded(text)
    separators = [char for char in _non_ascii(encoded) if RUN.match(char) is None]
    if len(separators) > MAX_REPLACED:  # each replace reads the whole text: past a few, one regex pass is faster
        return RUN.findall(text)
    spaced = encoded.translate(_SEPARATORS_TO_SPACE).decode("utf-8", "surrogatepass")
    for char in separators:
        spaced = spaced.replace(char, " ")
    return spaced.split()


def word_count(text: str) -> int:
    """len(text.split()) without making the list: the places where white space gives way to a word."""
    encoded = _encoded(text)
    if any(char.isspace() for char in _non_ascii(encoded)):  # a no-break space: rare, left to str.split
        return len(text.split())
    marks = encoded.translate(_SPACE_OR_MARK)
    return marks.count(b" x") + marks.startswith(b"x")
