"""A day's stories arranged by topic, for the daily digest pages (/digest/2026-01-06/)."""
from __future__ import annotations

from collections import Counter
from typing import Mapping, Sequence

from sitegen.article import Article
from sitegen.slugs import slugify

OTHER_TOPIC = "Other stories"

# (topic name, tag slug or None for the "other" section, the stories), biggest topic first
Section = tuple[str, "str | None", tuple[Article, ...]]


def sections_by_topic(articles: Sequence[Article], tag_names: Mapping[str, str]) -> tuple[Section, ...]:
    """Each story once, under whichever of its tags the most stories of the day share.

    A story with several tags would otherwise appear several times; the day's busiest topics come
    first, so a story tagged [France, Ukraine] on a day of four Ukraine stories joins those.
    tag_names maps a tag's slug to the name the site shows it by.
    """
    slugs_of = {a.path: list(dict.fromkeys(slugify(tag) for tag in a.tags)) for a in articles}
    counts = Counter(slug for slugs in slugs_of.values() for slug in slugs)
    grouped: dict[str | None, list[Article]] = {}
    for article in articles:  # newest first, and each section keeps that order
        slugs = slugs_of[article.path]
        home = min(slugs, key=lambda s: (-counts[s], slugs.index(s))) if slugs else None
        grouped.setdefault(home, []).append(article)
    named = sorted((s for s in grouped if s is not None),
                   key=lambda s: (-len(grouped[s]), tag_names.get(s, s).casefold(), s))
    sections = [(tag_names.get(s, s), s, tuple(grouped[s])) for s in named]
    if None in grouped:
        sections.append((OTHER_TOPIC, None, tuple(grouped[None])))
    return tuple(sections)
