"""Draft: one article as an importer found it, before dates, tags and a file name are decided."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sitegen.errors import Problem


@dataclass(frozen=True, slots=True)
class Draft:
    """An imported article. `date` is a datetime when the origin gave a time, a date when it gave only the
    day (a digest's 'Posted on January 12, 2026'), None when it gave neither; `origin` names the input
    and line ('digest.txt:47') so that messages can point at it."""

    title: str
    body: str  # Markdown, safe to render: text is escaped, HTML has been sanitised
    origin: str
    date: dt.date | dt.datetime | None = None
    author: str | None = None
    sources: tuple[str, ...] = ()  # the outlets credited, first the main one; names as configured
    source_url: str | None = None
    tags: tuple[str, ...] = ()  # tags the origin itself gave (feed categories)
    summary: str | None = None  # plain text; None: the first paragraph of the body


def clean_line(text: str) -> str:
    """One line of plain text: runs of whitespace (newlines included) become one space."""
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Harvest:
    """What one input yielded: its articles, in input order, and what is worth telling about them."""

    drafts: tuple[Draft, ...]
    warnings: tuple[Problem, ...] = ()
