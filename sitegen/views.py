"""What templates see: plain read-only views with URLs already worked out for the site's base path."""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from markupsafe import Markup

from sitegen.config import Config
from sitegen.article import Article
from sitegen.routes import Page, absolute_url, article_path, digest_path, href, term_path
from sitegen.slugs import slugify

WORDS_PER_MINUTE = 230
LONG_DATE = "%A %-d %B %Y"  # Tuesday 6 January 2026


@dataclass(frozen=True, slots=True)
class Link:
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class ArticleView:
    file: str
    url: str
    abs_url: str
    title: str
    date: dt.datetime
    updated: dt.datetime | None
    source: Link | None  # the outlet's page on this site
    source_url: str | None  # the original story
    tags: tuple[Link, ...]
    summary: str
    author: str | None
    words: int
    reading_minutes: int
    extra: Mapping[str, Any]
    html: Markup = Markup("")  # the body, filled in only where a page shows it (render.with_body)


@dataclass(frozen=True, slots=True)
class FeedLinks:
    """A listing's two feeds, for <link rel="alternate"> and visible links."""

    title: str
    atom: str
    json: str


@dataclass(frozen=True, slots=True)
class PagerView:
    number: int
    count: int
    prev_url: str | None
    next_url: str | None


@dataclass(frozen=True, slots=True)
class DayGroup:
    day: dt.date
    date: dt.datetime  # midnight of that day, for the date filters
    items: tuple[ArticleView, ...]
    digest_url: str  # the day's digest page

    @property
    def anchor(self) -> str:
        return f"day-{self.day.isoformat()}"


@dataclass(frozen=True, slots=True)
class TopicGroup:
    """One topic's stories on a daily digest page; link is None for the stories without a topic."""

    name: str
    link: Link | None
    items: tuple[ArticleView, ...]
    anchor: str


def article_view(article: Article, digest: tuple[str, int], config: Config,
                 link: Callable[[str, str], Link]) -> ArticleView:
    """The view of an article; digest is its body's (summary, words) from the Markdown memo. link(kind,
    name) makes its tag and source links (a memo of term_link that all views share)."""
    summary, words = digest
    path = article_path(config, article)
    return ArticleView(
        file=article.path, url=href(config, path), abs_url=absolute_url(config, path), title=article.title,
        date=article.date, updated=article.updated,
        source=link("source", article.source) if article.source else None,
        source_url=article.source_url, tags=tuple(link("tag", t) for t in article.tags),
        summary=article.summary or summary, author=article.author, words=words,
        reading_minutes=max(1, round(words / WORDS_PER_MINUTE)), extra=article.extra,
    )


def term_link(config: Config, kind: str, name: str) -> Link:
    return Link(name, href(config, term_path(kind, slugify(name))))


def pager_view(page: Page, config: Config) -> PagerView:
    return PagerView(page.number, page.count,
                     href(config, page.prev_path) if page.prev_path else None,
                     href(config, page.next_path) if page.next_path else None)


def group_by_day(items: tuple[ArticleView, ...], config: Config) -> tuple[DayGroup, ...]:
    """Consecutive articles of the same local day, as a digest shows them."""
    groups = []
    for day, members in itertools.groupby(items, key=lambda v: v.date.astimezone(config.tz).date()):
        groups.append(DayGroup(day, dt.datetime.combine(day, dt.time(), config.tz), tuple(members),
                               href(config, digest_path(day))))
    return tuple(groups)


class ArticleViews(Mapping):
    """Article path -> ArticleView, made on first use: a small rebuild only needs the views of the pages it renders."""

    def __init__(self, articles, digest_of: Callable[[str], tuple[str, int]], config: Config):
        """digest_of: body key -> (summary, words), asked once per view (the cache's, in each worker)."""
        self._articles = {a.path: a for a in articles}
        self._digest_of, self._config, self._made = digest_of, config, {}
        self._links: dict[tuple[str, str], Link] = {}  # one Link per tag and source, shared by all views

    def __getitem__(self, path: str) -> ArticleView:
        view = self._made.get(path)
        if view is None:
            article = self._articles[path]
            view = self._made[path] = article_view(article, self._digest_of(article.body_key), self._config,
                                                   self._link)
        return view

    def _link(self, kind: str, name: str) -> Link:
        link = self._links.get((kind, name))
        if link is None:
            link = self._links[kind, name] = term_link(self._config, kind, name)
        return link

    def __iter__(self):
        return iter(self._articles)

    def __len__(self) -> int:
        return len(self._articles)
