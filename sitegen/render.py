"""render_route: one Route -> the bytes of its file. Pure apart from reading templates."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

import jinja2
from markupsafe import Markup

from sitegen import feeds
from sitegen.config import Config
from sitegen.routes import Route, absolute_url, archive_path, href, term_path
from sitegen.views import ArticleView, group_by_day, pager_view, term_link


@dataclass(frozen=True, slots=True)
class RenderInput:
    """What every page may use besides its route's context, built once per build."""

    config: Config
    views: Mapping[str, ArticleView]  # article path -> view (without the body)
    env: jinja2.Environment
    body_html: Callable[[str], str]  # body key -> HTML, from the Markdown memo

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
        "site": _site_globals(data),
        "kind": route.kind,
        "canonical": absolute_url(config, route.path),
        "path": route.path,
        "title": None,
        "description": config.description,
        "feed_url": href(config, "/feed.xml"),
        "feed_title": config.title,
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


def _article_context(route: Route, data: RenderInput) -> dict:
    article, older, newer = route.context["article"], route.context["older"], route.context["newer"]
    view = data.with_body(data.views[article.path], article.body_key)
    return {"article": view, "title": view.title, "description": view.summary,
            "older": data.views[older.path] if older else None, "newer": data.views[newer.path] if newer else None}


def _term_context(route: Route, data: RenderInput) -> dict:
    term = route.context["term"]
    label = "Topic" if term.kind == "tag" else "Source"
    feed = term_path(term.kind, term.slug) + "feed.xml"
    return {"term": term, "title": term.name, "description": f"{label}: {term.name}, {len(term.articles)} articles",
            "feed_url": href(data.config, feed), "feed_title": f"{data.config.title}: {term.name}"}


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


def _site_globals(data: RenderInput) -> dict:
    config = data.config
    return {
        "title": config.title, "description": config.description, "language": config.language,
        "base_url": config.base_url, "author": config.author, "params": config.params,
        "url": lambda path: href(config, path),
    }


_CONTEXT_BUILDERS: dict[str, Callable] = {
    "article": _article_context,
    "tag": _term_context,
    "source": _term_context,
    "tag-index": _terms_context,
    "source-index": _terms_context,
    "period": _period_context,
    "archives": _archives_context,
    "notfound": lambda r, d: {"title": "Page not found"},
    "home": lambda r, d: {"title": None},
}
