"""The search index: one small JSON file that the search page's script loads and searches in the browser.

Why our own rather than Pagefind: see docs/architecture.md ("Search"). In short, the index is just
another route (rendered from its context, memoised, staged and committed like every page), so
incremental builds and the atomic output need nothing new, and searching needs no WebAssembly.

It holds what a digest shows (headline, summary, topics, outlet) and, from the body, the names it
mentions (people, places, organisations): what readers of news search for, at a fraction of the
size of full text.
"""
from __future__ import annotations

import html
import json
import re
from collections import Counter
from typing import TYPE_CHECKING

from sitegen.routes import Route

if TYPE_CHECKING:
    from sitegen.render import RenderInput

INDEX_VERSION = 1
FIELDS = ("url", "title", "summary", "source", "tags", "date", "names")
MAX_NAMES = 25  # per article, the most mentioned first
CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december""".split())

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[^\W_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;“”\"‘(\n]\s*)$")


def render_search_index(route: Route, data: "RenderInput") -> bytes:
    """Every article as a row of FIELDS, newest first; tags joined by '|'; the date is the local day."""
    tz = data.config.tz
    rows = []
    for article in route.context["articles"]:
        view = data.views[article.path]
        shown = [view.title, view.summary, view.source.name if view.source else "",
                 "|".join(tag.name for tag in view.tags)]
        names = body_names(data.body_html(article.body_key), " ".join(shown))
        rows.append([view.url, *shown, view.date.astimezone(tz).date().isoformat(), " ".join(names)])
    document = {"version": INDEX_VERSION, "fields": FIELDS, "articles": rows}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def body_names(body_html: str, known: str) -> list[str]:
    """Names a body mentions ("Zelenskyy", "Kyiv", "NATO"), the most mentioned first, leaving out words
    already in known: capitalised words seen within a sentence and never written in lower case, so
    neither "The" nor a sentence-opening "Officials" counts."""
    text = html.unescape(_TAG.sub("\n", body_html))
    lower, names = set(), Counter()
    for match in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", match.group()).strip("'’-")
        if not word:
            continue
        if not word[0].isupper():
            lower.add(word.casefold())
        elif not _SENTENCE_START.search(text, max(0, match.start() - 3), match.start()):
            names[word] += 1
    lower |= CALENDAR | {w.casefold() for w in _WORD.findall(known)}
    return [w for w, _ in names.most_common() if w.casefold() not in lower][:MAX_NAMES]
