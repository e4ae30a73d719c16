"""render_route: one Route -> the bytes of its file. Pure apart from reading templates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import jinja2
from markupsafe import Markup

from sitegen import feeds, sharing
from sitegen.config import Config
from sitegen.routes import Route, absolute_url, archive_path, digest_path, href, term_path
from sitegen.views import LONG_DATE, ArticleView, FeedLinks, TopicGroup, group_by_day, pager_view, term_link


@dataclass(frozen=True, slots=True)
class RenderInput:
    """What every page may use besides its route's context, built once per build."""

    config: Config
    views: Mapping[str, ArticleView]  # article path -> view (without the body)
    env: jinja2.Environment
    body_html: Callable[[str], str]  # body key -> HTML, from the Markdown memo
    body_names: Callable[[str], list[str]]  # body key -> search.name_candidates, from the same memo
    # What every page shares, made once per build rather than once per page (__post_init__).
    site: Mapping[str, Any] = field(init=False)
    site_feeds: tuple = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "site", self.env.globals["site"])
        object.__setattr__(self, "site_feeds", (_feed_links(self.config, "/", self.config.title),))

    def with_body(self, view: ArticleView, body_key: str) -> ArticleView:
        # Article HTML is the one place rendered content is marked safe: it is the site's own
        # Markdown (hand-written, or sanitised by the importer).
        return replace(view, html=Markup(self.body_html(body_key)))


def render_route(route: Route, data: RenderInput) -> bytes:
    """The file's bytes; exceptions from templates propagate for the caller to turn into problems."""
    if route.template is None:
        return feeds.render_machine_file(route, data)
    context = page_context(route, data)
    return data.env.get_template(route.template).render(context).encode("utf-8")


def page_context(route: Route, data: RenderInput) -> dict[str, Any]:
    config, views = data.config, data.views
    context: dict[str, Any] = {
        "site": data.site,
        "kind": route.kind,
        "canonical": absolute_url(config, route.path),
        "path": route.path,
        "title": None,
        "description": config.description,
        "feed_url": href(config, "/feed.xml"),
        "feed_title": config.title,
        "feeds": data.site_feeds,  # <link rel="alternate">s, the page's own first
        "og_type": "website",
        "structured_data": None,  # a JSON-LD document
        "robots": None,
    }
    builder: Callable = _CONTEXT_BUILDERS.get(route.kind, lambda r, d: {})
    context.update(builder(route, data))
    if "page" in route.context:
        page = route.context["page"]
        items = tuple(views[a.path] for a in page.items)
        context.update(items=items, days=group_by_day(items, config), pager=pager_view(page, config))
        if page.number > 1 and context["title"]:
            context["title"] = f"{context['title']} (page {page.number})"
    return context


def _feed_links(config: Config, page_path: str, title: str) -> FeedLinks:
    return FeedLinks(title, href(config, page_path + "feed.xml"), href(config, page_path + "feed.json"))


def _article_context(route: Route, data: RenderInput) -> dict:
    context, views = route.context, data.views
    article, older, newer = context["article"], context["older"], context["newer"]
    view = data.with_body(views[article.path], article.body_key)
    day = view.date.astimezone(data.config.tz).date()
    return {"article": view, "title": view.title, "description": view.summary, "og_type": "article",
            "older": views[older.path] if older else None, "newer": views[newer.path] if newer else None,
            "related": tuple(views[a.path] for a in context["related"]),
            "also_reported": tuple(views[a.path] for a in context["also_reported"]),
            "digest_url": href(data.config, digest_path(day)),
            "structured_data": sharing.news_article(view, data.config)}


def _term_context(route: Route, data: RenderInput) -> dict:
    term, config = route.context["term"], data.config
    label = "Topic" if term.kind == "tag" else "Source"
    own = _feed_links(config, term_path(term.kind, term.slug), feeds.feed_title(config, term))
    return {"term": term, "title": term.name, "description": f"{label}: {term.name}, {len(term.articles)} articles",
            "feed_url": own.atom, "json_feed_url": own.json, "feed_title": own.title,
            "feeds": (own, _feed_links(config, "/", config.title))}


def _digest_context(route: Route, data: RenderInput) -> dict:
    context, config, views = route.context, data.config, data.views
    day, older, newer = context["day"], context["older_day"], context["newer_day"]
    sections = tuple(TopicGroup(name, term_link(config, "tag", name) if slug else None,
                                tuple(views[a.path] for a in items), f"topic-{slug}" if slug else "untagged")
                     for name, slug, items in context["sections"])
    heading = day.strftime(LONG_DATE)
    return {"title": f"Digest for {heading}", "heading": heading, "day": day, "sections": sections,
            "count": context["count"], "description": f"{context['count']} stories from {heading}, by topic",
            "older_url": href(config, digest_path(older)) if older else None, "older_day": older,
            "newer_url": href(config, digest_path(newer)) if newer else None, "newer_day": newer}


def _home_context(route: Route, data: RenderInput) -> dict:
    first = route.context["page"].number == 1
    return {"title": None, "structured_data": sharing.website(data.config) if first else None}


def _terms_context(route: Route, data: RenderInput) -> dict:
    kind = route.context["kind"]
    terms = [(t, term_link(data.config, kind, t.name)) for t in route.context["terms"]]
    return {"terms": terms, "term_kind": kind, "title": "Topics" if kind == "tag" else "Sources"}


def _period_context(route: Route, data: RenderInput) -> dict:
    archive = route.context["archive"]
    title = str(archive.year) if not archive.month else dt.date(archive.year, archive.month, 1).strftime("%B %Y")
    return {"archive": archive, "title": title}


def _archives_context(route: Route, data: RenderInput) -> dict:
    months = route.context["months"]
    years = [(y, href(data.config, archive_path(y)),
              [(m, href(data.config, archive_path(m))) for m in months if m.year == y.year])
             for y in route.context["years"]]
    return {"years": years, "title": "Archive"}


_CONTEXT_BUILDERS: dict[str, Callable] = {
    "article": _article_context,
    "tag": _term_context,
    "source": _term_context,
    "tag-index": _terms_context,
    "source-index": _terms_context,
    "period": _period_context,
    "archives": _archives_context,
    "digest": _digest_context,
    "notfound": lambda r, d: {"title": "Page not found", "robots": "noindex"},
    "search": lambda r, d: {"title": "Search", "robots": "noindex",
                            "description": f"Search the stories of {d.config.title}"},
    "home": _home_context,
}
