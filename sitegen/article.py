"""The article record and a content file's parse result: plain data, cheap to import (the cache
unpickles these on every build, including the ones that stop at "nothing changed")."""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field, fields
from typing import Any

from sitegen.errors import Problem


@dataclass(frozen=True, slots=True)
class Article:
    """One article as written by the newsroom, without its body (rendered once, kept in the cache).

    `path` is relative to the site root, POSIX style; `digest` identifies the file's exact text and
    `body_key` the Markdown body's rendering (see markup.markup_key).
    """

    path: str
    slug: str
    title: str
    date: dt.datetime
    digest: str = ""
    body_key: str = ""
    source: str | None = None
    source_url: str | None = None
    tags: tuple[str, ...] = ()
    summary: str | None = None
    author: str | None = None
    draft: bool = False
    updated: dt.datetime | None = None
    template: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # unknown front-matter keys, for templates
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line in the file

    def __reduce__(self):
        # Positional fields pickle three times faster than a slots dataclass's default state;
        # the cache unpickles every article on every build.
        return _unpickled_article, tuple(getattr(self, name) for name in ARTICLE_FIELDS)


ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


def _unpickled_article(path, slug, title, date, digest, body_key, source, source_url, tags, summary, author, draft,
                       updated, template, extra, lines) -> Article:
    # Tags, outlets and front-matter keys repeat across tens of thousands of articles: one string
    # each instead of one per article makes a 50,000-article build's articles a third smaller.
    intern = sys.intern
    return Article(path, slug, title, date, digest, body_key, source and intern(source), source_url,
                   tuple(map(intern, tags)), summary, author, draft, updated, template, extra,
                   _shared_lines(lines))


# The same goes for front-matter layouts: most files of a site put the same keys on the same lines, and
# a dict of them is a sixth of an article. Nothing changes these dicts (templates never see them).
_LAYOUTS: dict[tuple, dict[str, int]] = {}
MAX_LAYOUTS = 1_000  # a site whose files all differ keeps its dicts apart, as before


def _shared_lines(lines: dict[str, int]) -> dict[str, int]:
    layout = tuple(lines.items())
    shared = _LAYOUTS.get(layout)
    if shared is None:
        shared = {sys.intern(key): line for key, line in lines.items()}
        if len(_LAYOUTS) < MAX_LAYOUTS:
            _LAYOUTS[layout] = shared
    return shared


# Pickles are positional: the function above must take the fields in their order.
assert _unpickled_article.__code__.co_varnames[:len(ARTICLE_FIELDS)] == ARTICLE_FIELDS


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What one content file yielded: an article and its Markdown body, or the problems that kept it from being one."""

    article: Article | None
    body: str = ""
    problems: tuple[Problem, ...] = ()

    def __reduce__(self):
        return ParsedFile, (self.article, self.body, self.problems)
