"""Slugs for articles, tags and sources: readable, Unicode-aware, safe as one path segment.

Latin accents fold away ("Zürich" and "Zurich" are one tag) while other scripts stay readable
("Москва" stays Cyrillic) instead of becoming transliteration soup. python-slugify does the
word splitting and length limit; we add the accent folding and a never-empty fallback.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from slugify import slugify as _slugify

MAX_LENGTH = 80
# A file name may take 255 bytes: 80 characters of a four-byte script would not fit, and the slug
# also names folders and files ('-2' and '.md' added by imports).
MAX_BYTES = 200


def fold_accents(text: str) -> str:
    """Drop combining marks after canonical decomposition: 'Côte' -> 'Cote'."""
    if text.isascii():  # nothing to decompose (most headlines and tags): a walk over every letter spared
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# What python-slugify gives back as it is: an article's file name ("2026-01-06-talks-in-kyiv") most
# often, slugified for every article of a cold build (10 us each through the library).
_ALREADY_A_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str) -> str:
    """A lowercase slug of letters, digits and '-', at most 80 characters and 200 bytes, never empty."""
    if type(text) is str and len(text) <= MAX_LENGTH and _ALREADY_A_SLUG.fullmatch(text):
        return text
    return _slugify_text(text)


@functools.lru_cache(maxsize=65536)
def _slugify_text(text: str) -> str:
    """slugify through python-slugify."""
    slug = _slugify(fold_accents(str(text)), allow_unicode=True, max_length=MAX_LENGTH, word_boundary=True,
                    save_order=True)
    while len(slug.encode("utf-8")) > MAX_BYTES:
        slug = slug[:-1].rstrip("-")
    if slug:
        return slug
    digest = hashlib.sha1(str(text).encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"item-{digest}"


def is_safe_slug(slug: str) -> bool:
    """True when slug is a single harmless path segment (what `slug:` in front matter may be)."""
    return bool(slug) and slug == slugify(slug) and len(slug) <= MAX_LENGTH and len(slug.encode()) <= MAX_BYTES
