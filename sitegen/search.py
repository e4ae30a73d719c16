"""The search index: one small JSON file that the search page's script loads and searches in the browser.

Why our own rather than Pagefind: see docs/architecture.md ("Search"). In short, the index is just
another route (rendered from its context, memoised, staged and committed like every page), so
incremental builds and the atomic output need nothing new, and searching needs no WebAssembly.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sitegen.routes import Route

if TYPE_CHECKING:
    from sitegen.render import RenderInput

INDEX_VERSION = 1
FIELDS = ("url", "title", "summary", "source", "tags", "date")


def render_search_index(route: Route, data: "RenderInput") -> bytes:
    """Every article as a row of FIELDS, newest first; tags joined by '|'; the date is the local day."""
    tz = data.config.tz
    rows = []
    for article in route.context["articles"]:
        view = data.views[article.path]
        rows.append([view.url, view.title, view.summary, view.source.name if view.source else "",
                     "|".join(tag.name for tag in view.tags), view.date.astimezone(tz).date().isoformat()])
    document = {"version": INDEX_VERSION, "fields": FIELDS, "articles": rows}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
