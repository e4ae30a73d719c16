"""plan_routes: one Route per output file, every URL and path decided before anything renders."""
from __future__ import annotations

import datetime as dt
import functools
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from urllib.parse import quote

from sitegen.config import Config
from sitegen.article import Article
from sitegen.daily import sections_by_topic
from sitegen.errors import Problem
from sitegen.index import Archive, Index, Term, paginate

SEARCH_PATH = "/search/"
SEARCH_INDEX_PATH = "/search/index.json"


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paginated listing."""

    number: int
    count: int
    items: tuple[Article, ...]
    first_path: str  # site path of page 1

    def path_of(self, number: int) -> str:
        return self.first_path if number == 1 else f"{self.first_path}page/{number}/"

    @property
    def prev_path(self) -> str | None:
        return self.path_of(self.number - 1) if self.number > 1 else None

    @property
    def next_path(self) -> str | None:
        return self.path_of(self.number + 1) if self.number < self.count else None


@dataclass(frozen=True, slots=True)
class Route:
    """One output file: its site path (without the base-URL prefix), file path, template and view data."""

    kind: str
    path: str
    output: str
    template: str | None = None
    context: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    owner: str | None = None  # the content file it comes from, for messages


@dataclass(frozen=True, slots=True)
class StaticFile:
    source: Path
    output: str
    owner: str


# sitemaps.org allows 50,000 URLs in one sitemap file (a site of about 27,000 articles has that many
# pages); smaller parts keep the work of rendering any one of them small.
SITEMAP_URLS_PER_FILE = 10_000


def output_for(path: str) -> str:
    """'/a/b/' -> 'a/b/index.html'; '/feed.xml' -> 'feed.xml'."""
    rel = path.lstrip("/")
    return rel + "index.html" if path.endswith("/") else rel


def href(config: Config, path: str) -> str:
    """A root-relative link for a site path, with the base-URL prefix and percent-encoding."""
    return _quoted(config.path_prefix + path.lstrip("/"))


@functools.lru_cache(maxsize=65536)
def _quoted(path: str) -> str:
    return quote(path, safe="/#?=&")


def absolute_url(config: Config, path: str) -> str:
    return config.origin + href(config, path)


def article_path(config: Config, article: Article) -> str:
    local = article.date.astimezone(config.tz)
    return config.permalink.format(year=f"{local.year:04d}", month=f"{local.month:02d}", day=f"{local.day:02d}",
                                   slug=article.slug)


def term_path(kind: str, slug: str) -> str:
    return f"/{'tags' if kind == 'tag' else 'sources'}/{slug}/"


def archive_path(archive: Archive) -> str:
    return f"/{archive.year:04d}/" + (f"{archive.month:02d}/" if archive.month else "")


def digest_path(day: dt.date) -> str:
    return f"/digest/{day.isoformat()}/"


def plan_routes(index: Index, config: Config) -> list[Route]:
    """Every page, feed and file of the site, in a stable order.

    A route's context holds everything its rendering may show (besides config and templates):
    the route memo's keys are computed from it, so nothing may be read from elsewhere.
    """
    return plan_article_routes(index, config) + plan_other_routes(index, config)


def plan_article_routes(index: Index, config: Config) -> list[Route]:
    """The articles' pages, first in plan_routes: the only routes that read index.relations."""
    return [_article_route(a, index, config) for a in index.articles]


def plan_other_routes(index: Index, config: Config) -> list[Route]:
    """The routes after the articles' in plan_routes. They need no relations, so a build plans them
    while its workers look for related stories; the sitemap lists the articles' pages by their paths."""
    routes = _paged("home", "/", "home.html", index.articles, config, {})
    routes += _term_routes("tag", index.tags, config)
    routes += _term_routes("source", index.sources, config)
    routes.append(Route("archives", "/archive/", "archive/index.html", "archive.html",
                        MappingProxyType({"years": index.years, "months": index.months})))
    for archive in (*index.years, *index.months):
        routes += _paged("period", archive_path(archive), "period.html", archive.articles, config,
                         {"archive": archive})
    routes += _digest_routes(index)
    routes += [
        *_feed_routes("/", index.articles, None, config),
        *search_routes(index.months),
        Route("notfound", "/404.html", "404.html", "404.html"),
        Route("robots", "/robots.txt", "robots.txt"),
    ]
    articles = tuple((article_path(config, a), _stamp(a)) for a in index.articles)
    return routes + sitemap_routes(articles + _sitemap_entries(routes))


def sitemap_routes(entries: tuple[tuple[str, str | None], ...]) -> list[Route]:
    """/sitemap.xml listing every entry, or, past SITEMAP_URLS_PER_FILE, a sitemap index of numbered parts."""
    if len(entries) <= SITEMAP_URLS_PER_FILE:
        return [Route("sitemap", "/sitemap.xml", "sitemap.xml", None, MappingProxyType({"entries": entries}))]
    starts = range(0, len(entries), SITEMAP_URLS_PER_FILE)
    paths = tuple(f"/sitemap-{number}.xml" for number in range(1, len(starts) + 1))
    parts = [Route("sitemap", path, output_for(path), None,
                   MappingProxyType({"entries": entries[at:at + SITEMAP_URLS_PER_FILE]}))
             for path, at in zip(paths, starts)]
    return [Route("sitemap-index", "/sitemap.xml", "sitemap.xml", None, MappingProxyType({"parts": paths})), *parts]


def _article_route(article: Article, index: Index, config: Config) -> Route:
    path = article_path(config, article)
    older, newer = index.neighbours[article.path]
    context = {"article": article, "older": older, "newer": newer,
               "related": index.relations.related[article.path],
               "also_reported": index.relations.also_reported[article.path]}
    return Route("article", path, output_for(path), article.template or "article.html",
                 MappingProxyType(context), article.path)


def _feed_routes(page_path: str, articles: tuple[Article, ...], term: Term | None, config: Config) -> list[Route]:
    """The Atom feed and the JSON Feed of a listing page, with the same newest entries."""
    context = MappingProxyType({"articles": articles[:config.feed_entries], "term": term})
    return [Route("feed", page_path + "feed.xml", output_for(page_path + "feed.xml"), None, context),
            Route("jsonfeed", page_path + "feed.json", output_for(page_path + "feed.json"), None, context)]


def search_routes(months: tuple[Archive, ...]) -> list[Route]:
    """The search page, the index's manifest and one shard per month (see search.py).

    A shard's context holds its articles themselves, not the Archive (keyed by its size alone in
    keys._describe), so an edited story re-renders its month's shard and no other.
    """
    shards = tuple((f"/search/{m.year:04d}-{m.month:02d}.json", m.articles) for m in months)
    return [Route("search", SEARCH_PATH, output_for(SEARCH_PATH), "search.html"),
            Route("search-index", SEARCH_INDEX_PATH, output_for(SEARCH_INDEX_PATH), None,
                  MappingProxyType({"shards": tuple((path, len(articles)) for path, articles in shards)})),
            *(Route("search-shard", path, output_for(path), None, MappingProxyType({"articles": articles}))
              for path, articles in shards)]


def _digest_routes(index: Index) -> list[Route]:
    """One page per local day with stories, by topic, linked to the days before and after."""
    names = {t.slug: t.name for t in index.tags}
    days = index.days
    routes = []
    for number, (day, articles) in enumerate(days):
        newer = days[number - 1][0] if number > 0 else None
        older = days[number + 1][0] if number + 1 < len(days) else None
        context = {"day": day, "sections": sections_by_topic(articles, names), "count": len(articles),
                   "older_day": older, "newer_day": newer}
        routes.append(Route("digest", digest_path(day), output_for(digest_path(day)), "digest.html",
                            MappingProxyType(context)))
    return routes


def _sitemap_entries(routes: list[Route]) -> tuple[tuple[str, str | None], ...]:
    """(path, last modified) of every HTML page a search engine should know, of these routes."""
    entries = []
    for route in routes:
        if route.output.endswith(".html") and route.kind not in ("notfound", "search"):  # both are noindex
            article = route.context.get("article")
            entries.append((route.path, _stamp(article) if article else None))
    return tuple(entries)


def _stamp(article: Article) -> str:
    return (article.updated or article.date).isoformat(timespec="seconds")


def _term_routes(kind: str, terms: tuple[Term, ...], config: Config) -> list[Route]:
    plural = "tags" if kind == "tag" else "sources"
    routes = [Route(f"{kind}-index", f"/{plural}/", f"{plural}/index.html", "terms.html",
                    MappingProxyType({"kind": kind, "terms": terms}))]
    for term in terms:
        base = term_path(kind, term.slug)
        routes += _paged(kind, base, "term.html", term.articles, config, {"term": term})
        routes += _feed_routes(base, term.articles, term, config)
    return routes


def _paged(kind: str, base: str, template: str, items: tuple[Article, ...], config: Config, extra: dict) -> list[Route]:
    pages = paginate(items, config.per_page)
    routes = []
    for number, chunk in enumerate(pages, start=1):
        page = Page(number, len(pages), chunk, base)
        path = page.path_of(number)
        routes.append(Route(kind, path, output_for(path), template, MappingProxyType({**extra, "page": page})))
    return routes


def find_collisions(routes: list[Route], statics: list[StaticFile]) -> list[Problem]:
    """Two outputs at one path, or a path that would leave the output folder, are problems."""
    problems, seen = [], {}
    for route in routes:
        normal = posixpath.normpath(route.output)
        if normal.startswith("../") or normal == ".." or posixpath.isabs(route.output):
            problems.append(Problem(route.owner or "site.yaml", None,
                                    f"URL {route.path} would be written outside the output folder"))
            continue
        key = normal.casefold()  # case-insensitive filesystems (macOS, Windows) would merge these
        if key in seen:
            first = seen[key]
            problems.append(Problem(route.owner or first.owner or "site.yaml", _line(route),
                                    f"URL {route.path} is also produced by {first.owner or 'the ' + first.kind + ' page'}",
                                    "set a different slug: in front matter" if route.owner else ""))
        else:
            seen[key] = route
    for static in statics:
        key = posixpath.normpath(static.output).casefold()
        if key in seen and seen[key].kind != "robots":
            problems.append(Problem(static.owner, None, f"{static.output} is also a generated page ({seen[key].path})"))
    return problems


def _line(route: Route) -> int | None:
    article = route.context.get("article")
    return 1 if article is None else article.lines.get("slug", 1)
