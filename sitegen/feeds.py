"""Machine-read files: Atom feeds (through feedgen), JSON Feeds, the sitemap and its index, and robots.txt."""
from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator

from sitegen import __version__
from sitegen.config import Config
from sitegen.jsontext import compact_json
from sitegen.article import Article
from sitegen.index import Term
from sitegen.routes import Route, absolute_url, term_path
from sitegen.search import render_search_manifest, render_search_shard
from sitegen.xmlchars import xml_text

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)

if TYPE_CHECKING:
    from sitegen.render import RenderInput


def render_machine_file(route: Route, data: "RenderInput") -> bytes:
    if route.kind == "feed":
        return render_atom(route, data)
    if route.kind == "jsonfeed":
        return render_json_feed(route, data)
    if route.kind == "search-index":
        return render_search_manifest(route, data)
    if route.kind == "search-shard":
        return render_search_shard(route, data)
    if route.kind == "sitemap":
        return render_sitemap(route, data)
    if route.kind == "sitemap-index":
        return render_sitemap_index(route, data)
    if route.kind == "robots":
        return render_robots(data)
    raise ValueError(f"no renderer for route kind {route.kind}")


def render_atom(route: Route, data: "RenderInput") -> bytes:
    """An Atom feed of the newest articles of the site, a tag or a source, with full content."""
    config, term = data.config, route.context["term"]
    articles = route.context["articles"][:config.feed_entries]
    page_path = term_path(term.kind, term.slug) if term else "/"
    feed = FeedGenerator()
    feed.id(absolute_url(config, route.path))
    feed.title(xml_text(feed_title(config, term)))
    feed.subtitle(xml_text(config.description or config.title))
    feed.link(href=absolute_url(config, page_path), rel="alternate", type="text/html")
    feed.link(href=absolute_url(config, route.path), rel="self", type="application/atom+xml")
    feed.language(config.language)
    feed.generator("sitegen", __version__)
    if config.author:
        feed.author({"name": xml_text(config.author)})
    # A fixed 'updated' keeps the feed's bytes stable between builds when nothing changed.
    feed.updated(max((a.updated or a.date for a in articles), default=EPOCH))
    for article in reversed(articles):  # feedgen prepends entries
        view = data.views[article.path]
        entry = feed.add_entry()
        entry.id(view.abs_url)
        entry.title(xml_text(article.title))
        # One link only: feedgen 1.0 drops the rel of entry links, so a second (rel=via) one would
        # read as the article's own link. The original story is linked from the content instead.
        entry.link(href=view.abs_url)
        entry.published(article.date)
        entry.updated(article.updated or article.date)
        entry.author({"name": xml_text(_entry_author(article, config))})
        entry.summary(xml_text(view.summary))
        # The body's HTML has no character XML forbids (render_markdown drops them), nor what
        # _full_content adds: it is not cleaned again for each feed the article is in.
        entry.content(_full_content(article, data), type="html")
        if article.tags:  # in one call: feedgen remakes its list of categories on each
            entry.category([{"term": tag, "label": tag} for tag in map(xml_text, article.tags)])
    return feed.atom_str(pretty=True)


def render_json_feed(route: Route, data: "RenderInput") -> bytes:
    """A JSON Feed 1.1 with the same entries as the Atom feed beside it; external_url is the original story."""
    config, term = data.config, route.context["term"]
    page_path = term_path(term.kind, term.slug) if term else "/"
    feed = {"version": JSON_FEED_VERSION, "title": feed_title(config, term),
            "home_page_url": absolute_url(config, page_path), "feed_url": absolute_url(config, route.path),
            "description": config.description or config.title, "language": config.language,
            "favicon": absolute_url(config, "/assets/favicon.svg")}
    if config.author:
        feed["authors"] = [{"name": config.author}]
    feed["items"] = [_json_item(article, data) for article in route.context["articles"][:config.feed_entries]]
    # Compact, as the search index: an indent would make it larger and slower to write.
    return compact_json(feed) + b"\n"


def _json_item(article: Article, data: "RenderInput") -> dict:
    view = data.views[article.path]
    item = {"id": view.abs_url, "url": view.abs_url, "title": article.title,
            "content_html": _full_content(article, data), "summary": view.summary,
            "date_published": _rfc3339(article.date), "date_modified": _rfc3339(article.updated or article.date),
            "authors": [{"name": _entry_author(article, data.config)}]}
    if article.source_url:
        item["external_url"] = article.source_url
    if article.tags:
        item["tags"] = list(article.tags)
    return item


def feed_title(config: Config, term: Term | None) -> str:
    return f"{config.title}: {term.name}" if term else config.title


def _entry_author(article: Article, config: Config) -> str:
    return article.author or article.source or config.author or config.title


def _full_content(article: Article, data: "RenderInput") -> str:
    """The body's HTML (the site's own, see RenderInput.with_body) and where the story comes from;
    neither holds a character XML forbids."""
    return data.body_html(article.body_key) + xml_text(_attribution(article.source, article.source_url))


def _rfc3339(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _attribution(source: str | None, url: str | None) -> str:
    if not url:
        return f"<p>Source: {html.escape(source)}</p>" if source else ""
    return f'<p>Source: <a href="{html.escape(url)}">{html.escape(source or url)}</a></p>'


def render_sitemap(route: Route, data: "RenderInput") -> bytes:
    """Every HTML page of the site, articles with their last-modified date."""
    config = data.config
    return _sitemaps_org("urlset", (
        f"<url><loc>{html.escape(absolute_url(config, path), quote=False)}</loc>"
        + (f"<lastmod>{stamp}</lastmod>" if stamp else "") + "</url>"
        for path, stamp in route.context["entries"]))


def render_sitemap_index(route: Route, data: "RenderInput") -> bytes:
    """The sitemap of a site with more pages than one sitemap file holds: a list of its parts."""
    return _sitemaps_org("sitemapindex", (
        f"<sitemap><loc>{html.escape(absolute_url(data.config, path), quote=False)}</loc></sitemap>"
        for path in route.context["parts"]))


def _sitemaps_org(root: str, rows) -> bytes:
    """A sitemaps.org 0.9 document: root around the rows, one a line."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
             *(f"  {row}" for row in rows), f"</{root}>\n"]
    return "\n".join(lines).encode("utf-8")


def render_robots(data: "RenderInput") -> bytes:
    return (f"User-agent: *\nAllow: /\n\nSitemap: {absolute_url(data.config, '/sitemap.xml')}\n").encode("utf-8")
