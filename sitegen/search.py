"""The search index: small JSON files that the search page's script loads and searches in the browser.

Why our own rather than Pagefind: see docs/architecture.md ("Search"). In short, the index is made
of routes (rendered from their context, memoised, staged and committed like every page), so
incremental builds and the atomic output need nothing new, and searching needs no WebAssembly.

/search/index.json lists one shard per month (/search/2026-01.json; planned by routes.search_routes):
a new or edited story re-renders only its month's shard, not an index of the whole archive. A shard
holds what a digest shows (headline, summary, topics, outlet) and, from the body, the names it
mentions (people, places, organisations): what readers of news search for, at a fraction of the
size of full text.
"""
from __future__ import annotations

import html
import re
from collections import Counter
from typing import TYPE_CHECKING, Collection, Iterable

from sitegen.jsontext import compact_json
from sitegen.routes import Route, href
from sitegen.textscan import word_runs

if TYPE_CHECKING:
    from sitegen.render import RenderInput

INDEX_VERSION = 2
FIELDS = ("url", "title", "summary", "source", "tags", "date", "names")
MAX_NAMES = 25  # per article, the most mentioned first
CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december""".split())


def render_search_manifest(route: Route, data: "RenderInput") -> bytes:
    """The shards to load, newest month first, with their story counts."""
    shards = [{"url": href(data.config, path), "count": count} for path, count in route.context["shards"]]
    return compact_json({"version": INDEX_VERSION, "fields": FIELDS, "shards": shards})


def render_search_shard(route: Route, data: "RenderInput") -> bytes:
    """A month's articles as rows of FIELDS, newest first; tags joined by '|'; the date is the local day."""
    tz = data.config.tz
    rows = []
    for article in route.context["articles"]:
        view = data.views[article.path]
        shown = [view.title, view.summary, view.source.name if view.source else "",
                 "|".join(tag.name for tag in view.tags)]
        names = names_not_in(data.body_names(article.body_key), " ".join(shown))
        rows.append([view.url, *shown, view.date.astimezone(tz).date().isoformat(), " ".join(names)])
    return compact_json({"articles": rows})


def _char_class(chars: Iterable[str]) -> str:
    """A regex character class (without its brackets) of these characters, as ranges."""
    points = sorted(map(ord, chars))
    ranges, start = [], points[0]
    for before, cp in zip(points, points[1:] + [None]):
        if cp != before + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(before)) if before > start else ""))
            start = cp
    return "".join(ranges)


# Whole-text regular expressions, so that the work per word happens in C: a Python loop over every
# word of every body made a 10,000-article index take seconds.
_UPPER_CHARS = frozenset(filter(str.isupper, map(chr, range(0x10000))))  # of the Basic Multilingual Plane
_UPPER = _char_class(_UPPER_CHARS)
_REST = r"[\w'’-]*"
# A sentence's first word: after a line break (a tag, in plain_text) or a sentence's punctuation, in a
# text searched with "\n" before it. A character class first, rather than "(?:^|[...])" under re.M,
# lets the regex engine skip ahead to the places where one can start: 2.4 times faster.
_OPENING = re.compile(rf"[\n.!?:;“”\"‘(]\s*([{_UPPER}]{_REST})")
_LOWER = re.compile(rf"(?<![\w'’-])[^\W\d_{_UPPER}]{_REST}")
_LOWER_FIRST = re.compile(rf"[^\W\d_{_UPPER}]")
_TAG = re.compile(r"<[^>]+>")


def body_names(body_html: str, known: str) -> list[str]:
    """Names a body mentions ("Zelenskyy", "Kyiv", "NATO"), the most mentioned first, leaving out words
    already in known: capitalised words seen within a sentence and never written in lower case, so
    neither "The" nor a sentence-opening "Officials" counts."""
    return names_not_in(name_candidates(body_html), known)


def name_candidates(body_html: str) -> list[str]:
    """body_names before the known words are left out: it depends on the body alone, so the load stage
    finds it once per body, beside the Markdown (names_in_text, on the text render_markdown has made),
    and a shard only filters it."""
    return names_in_text(plain_text(body_html))


def plain_text(body_html: str) -> str:
    """The text of HTML, each tag a line break: a paragraph or an item starts a line, as a sentence."""
    return html.unescape(_TAG.sub("\n", body_html))


def names_in_text(text: str) -> list[str]:
    """name_candidates of plain_text(body_html)."""
    # The capitalised words are the runs that start with an upper-case letter, and those written in
    # lower case the runs that start with another letter (what _LOWER finds): one pass for the runs,
    # then dictionary work on the distinct ones.
    counts = Counter(word_runs(text))
    within = {run: count for run, count in counts.items() if run[0] in _UPPER_CHARS}
    for opening in _OPENING.findall("\n" + text):
        if opening in within:
            within[opening] -= 1
    names: dict[str, int] = {}  # a dict, not a Counter: its += calls a method in Python for each new key
    for word, count in within.items():
        if count <= 0:  # only ever seen opening a sentence
            continue
        name = _without_possessive(word) if word[-1] in "s'’-" else word  # no other ending is cut
        if name and not _written_in_lower_case(name.casefold(), counts):
            names[name] = names.get(name, 0) + count
    return sorted(names, key=names.__getitem__, reverse=True)  # as Counter.most_common: ties in order


def _without_possessive(word: str) -> str:
    """The word without its trailing apostrophes and hyphens and an "'s" or "’s" before them: "Kyiv's"
    and "Kyiv’s" name Kyiv."""
    bare = word.rstrip("'’-")
    return bare[:-2] if bare[-2:] in ("'s", "’s") else bare


def _written_in_lower_case(folded: str, runs: Collection[str]) -> bool:
    """Whether folded (a word in lower case) is one of the runs, as _LOWER would find it, or a calendar word."""
    return folded in CALENDAR or (folded in runs and _LOWER_FIRST.match(folded) is not None)


def names_not_in(candidates: list[str], known: str) -> list[str]:
    """The first MAX_NAMES candidates not written in lower case in known (a headline, a summary...)."""
    lower = set(_LOWER.findall(known.casefold()))
    return [name for name in candidates if name.casefold() not in lower][:MAX_NAMES]
