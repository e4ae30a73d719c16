"""Everything derived from the articles, computed once: order, tags, sources, archives, days, neighbours, relations."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from sitegen.config import Config
from sitegen.article import Article
from sitegen.related import Relations, find_relations
from sitegen.slugs import slugify


@dataclass(frozen=True, slots=True)
class Term:
    """A tag or a source: every spelling that slugifies alike is one term, shown by its commonest spelling."""

    kind: str  # "tag" or "source"
    name: str
    slug: str
    articles: tuple[Article, ...]
    url: str | None = None  # a source's homepage, from site.yaml


@dataclass(frozen=True, slots=True)
class Archive:
    """Articles of one year (month=None) or one month, newest first."""

    year: int
    month: int | None
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Index:
    articles: tuple[Article, ...]  # newest first
    tags: tuple[Term, ...]  # by name
    sources: tuple[Term, ...]
    years: tuple[Archive, ...]  # newest first
    months: tuple[Archive, ...]
    neighbours: Mapping[str, tuple[Article | None, Article | None]]  # path -> (older, newer)
    days: tuple[tuple[dt.date, tuple[Article, ...]], ...]  # local days with stories, newest first
    relations: Relations | None  # None in index_but_relations


def select_articles(articles: Iterable[Article], *, drafts: bool, future: bool, now: dt.datetime) -> list[Article]:
    """Leave out drafts and articles dated after `now` unless asked for."""
    return [a for a in articles if (drafts or not a.draft) and (future or a.date <= now)]


def order_articles(articles: Iterable[Article]) -> tuple[Article, ...]:
    """Newest first; equal times fall back to title and path so the order never depends on the filesystem."""
    by_title = sorted(articles, key=lambda a: (a.title.casefold(), a.path))
    return tuple(sorted(by_title, key=lambda a: a.date, reverse=True))


def build_index(articles: Iterable[Article], config: Config, relate=find_relations) -> Index:
    """Everything derived from the articles; relate is find_relations or a memo of it."""
    index = index_but_relations(articles, config)
    return replace(index, relations=relate(index.articles, [t.articles for t in index.tags]))


def index_but_relations(articles: Iterable[Article], config: Config) -> Index:
    """build_index without the relations (None): a build plans the routes that need none while its
    workers find them."""
    ordered = order_articles(articles)
    tags = _group_terms("tag", ((a, t) for a in ordered for t in a.tags), config)
    sources = _group_terms("source", ((a, a.source) for a in ordered if a.source), config)
    return Index(
        articles=ordered, tags=tags, sources=sources,
        years=_archives(ordered, config, by_month=False), months=_archives(ordered, config, by_month=True),
        neighbours=_neighbours(ordered), days=_days(ordered, config), relations=None,
    )


def _neighbours(ordered: tuple[Article, ...]) -> dict:
    padded = (None, *ordered, None)
    return {a.path: (padded[i + 2], padded[i]) for i, a in enumerate(ordered)}


def _days(ordered: tuple[Article, ...], config: Config) -> tuple[tuple[dt.date, tuple[Article, ...]], ...]:
    groups: dict[dt.date, list[Article]] = defaultdict(list)
    for article in ordered:
        groups[article.date.astimezone(config.tz).date()].append(article)
    return tuple((day, tuple(arts)) for day, arts in groups.items())  # ordered is newest first


def _group_terms(kind: str, pairs, config: Config) -> tuple[Term, ...]:
    members: dict[str, list[Article]] = defaultdict(list)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for article, name in pairs:
        slug = slugify(name)
        if not members[slug] or members[slug][-1] is not article:
            members[slug].append(article)
        spellings[slug][name] += 1
    terms = []
    for slug, arts in members.items():
        name = max(sorted(spellings[slug]), key=lambda s: spellings[slug][s])
        url = config.sources[name].url if kind == "source" and name in config.sources else None
        terms.append(Term(kind, name, slug, tuple(arts), url))
    return tuple(sorted(terms, key=lambda t: (t.name.casefold(), t.slug)))


def _archives(ordered: tuple[Article, ...], config: Config, by_month: bool) -> tuple[Archive, ...]:
    groups: dict[tuple, list[Article]] = defaultdict(list)
    for article in ordered:
        local = article.date.astimezone(config.tz)
        groups[(local.year, local.month if by_month else None)].append(article)
    return tuple(Archive(y, m, tuple(arts)) for (y, m), arts in
                 sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0), reverse=True))


def paginate(items: tuple, per_page: int) -> list[tuple]:
    """Split items into pages of per_page; an empty list still has one (empty) page."""
    return [items[i:i + per_page] for i in range(0, len(items), per_page)] or [()]
