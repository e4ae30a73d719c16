"""Related stories, and the same story as told by other outlets, found from tags and headlines.

Pure and deterministic: computed once per build from the ordered articles and their tags, then
carried in each article route's context, so a page re-renders exactly when what it shows changes.

Scores are accumulated over short windows of each tag's and each headline word's article list
(newest first) rather than over all pairs: news is related to news of about the same time, and the
windows keep the work linear in the number of articles (all pairs would be quadratic).
"""
from __future__ import annotations

import hashlib
import heapq
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from sitegen.article import Article
from sitegen.jsontext import compact_json
from sitegen.slugs import fold_accents

RELATED_LIMIT = 5
WINDOW = 8  # neighbours on each side in one tag's or word's list that are considered
SAME_STORY_SIMILARITY = 0.6  # weighted Dice of headline words
SAME_STORY_MIN_SHARED = 3  # headline words in common, so two short headlines don't match by chance
SAME_STORY_HOURS = 48
MIN_RELATED_SCORE = 0.12
RECENCY_DAYS = 30  # a story this many days apart counts half as much
COMMON_WORD_SHARE, COMMON_WORD_MIN = 0.05, 20  # headline words in more articles than both are ignored

MapChunks = Callable[[Callable[[list[int]], list], Sequence[int]], Iterator[list]]

_WORD = re.compile(r"\w+")
STOP_WORDS = frozenset("""a an and are as at be been but by for from has have in into is it its of on or over
says said than that the their this to was were will with after amid new""".split())


@dataclass(frozen=True, slots=True)
class Relations:
    related: Mapping[str, tuple[Article, ...]]  # article path -> related stories, best first
    also_reported: Mapping[str, tuple[Article, ...]]  # article path -> the same story from other outlets


def headline_words(title: str) -> frozenset[str]:
    """Content words of a headline, accents folded, case and plural 's' ignored: 'Talks' ~ 'talk'."""
    words = set()
    for word in _WORD.findall(fold_accents(title).casefold().replace("\u2019", "'")):
        if word in STOP_WORDS or len(word) < 2 or word.isdigit():
            continue
        words.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return frozenset(words)


def find_relations(articles: Sequence[Article], tag_lists: Iterable[Sequence[Article]],
                   limit: int = RELATED_LIMIT, map_chunks: MapChunks | None = None) -> Relations:
    """Related stories and same-story reports for every article; articles are newest first.

    tag_lists holds, per tag, its articles in the same order (the index's tag terms). map_chunks, when
    given, runs a function on chunks of a list and yields its results in any order (the build's worker
    processes, workers.map_in_workers): each article's relations are found independently of the others'.
    """
    number = {a.path: i for i, a in enumerate(articles)}
    tags = _Lists([[number[a.path] for a in members] for members in tag_lists], len(articles))
    words_of = [headline_words(a.title) for a in articles]
    words = _Lists(_word_lists(words_of), len(articles))
    stamps = [a.date.timestamp() for a in articles]
    # What the search reads of an article, in lists: workers that read the Articles themselves would
    # copy every page holding one (reading changes reference counts).
    sources, paths = [a.source for a in articles], [a.path for a in articles]

    def relate(chunk: list[int]) -> list[tuple[int, list[int], list[int]]]:
        found = []
        for i in chunk:
            tag_scores, word_scores = tags.shared_weight(i), words.shared_weight(i)
            same = _same_story(i, sources, paths, stamps, word_scores, words, words_of)
            for j in same:
                tag_scores.pop(j, None)
                word_scores.pop(j, None)
            found.append((i, _best_related(i, stamps, tag_scores, word_scores, tags, words, limit), same))
        return found

    numbers = range(len(articles))
    chunks = map_chunks(relate, numbers) if map_chunks else [relate(list(numbers))]
    by_number = sorted(found for chunk in chunks for found in chunk)  # workers finish in any order
    return Relations({articles[i].path: tuple(articles[j] for j in best) for i, best, _ in by_number},
                     {articles[i].path: tuple(articles[j] for j in same) for i, _, same in by_number})


class _Lists:
    """Per term (a tag or a headline word), the numbers of its articles, with idf weights."""

    def __init__(self, lists: list[list[int]], count: int):
        self.weights = [math.log((count + 1) / (len(members) + 1)) + 1 for members in lists]
        self.lists = lists
        self.places: list[list[tuple[int, int]]] = [[] for _ in range(count)]  # article -> (list, position)
        self.norm = [0.0] * count
        for term, members in enumerate(lists):
            for position, article in enumerate(members):
                self.places[article].append((term, position))
                self.norm[article] += self.weights[term]
        self.root_norm = [math.sqrt(n) for n in self.norm]

    def shared_weight(self, article: int) -> dict[int, float]:
        """Nearby articles sharing a term with article -> summed weight of the terms shared."""
        found: dict[int, float] = defaultdict(float)
        for term, position in self.places[article]:
            weight = self.weights[term]
            for other in self.lists[term][max(0, position - WINDOW):position + WINDOW + 1]:
                found[other] += weight
        found.pop(article, None)
        return found


def _word_lists(words_of: list[frozenset[str]]) -> list[list[int]]:
    """Articles per headline word; words in most headlines ("faces", "backs") only add noise and time."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, words in enumerate(words_of):
        for word in words:
            members[word].append(i)
    common = max(COMMON_WORD_MIN, len(words_of) * COMMON_WORD_SHARE)
    return [members[word] for word in sorted(members) if len(members[word]) <= common]


def _same_story(i: int, sources: list[str | None], paths: list[str], stamps: list[float],
                word_scores: dict[int, float], words: _Lists, words_of: list[frozenset[str]]) -> list[int]:
    """Articles from other outlets with nearly the same headline within two days, oldest report first."""
    source, norm = sources[i], words.norm
    if not source:
        return []
    found = [j for j, shared in word_scores.items()
             if 2 * shared >= SAME_STORY_SIMILARITY * (norm[i] + norm[j])  # weighted Dice, cheapest test first
             and abs(stamps[j] - stamps[i]) <= SAME_STORY_HOURS * 3600
             and sources[j] and sources[j] != source
             and len(words_of[i] & words_of[j]) >= SAME_STORY_MIN_SHARED]
    return sorted(found, key=lambda j: (stamps[j], paths[j]))


def _best_related(i: int, stamps: list[float], tag_scores: dict[int, float], word_scores: dict[int, float],
                  tags: _Lists, words: _Lists, limit: int) -> list[int]:
    """Shared tags (cosine of idf weights) plus headline similarity (weighted Dice), damped by distance in
    time. Takes word_scores apart: the candidates sharing a tag, then those sharing only words (one
    pass over each dictionary, rather than over a union of their keys with two lookups per candidate)."""
    tag_root, word_norm, me = tags.root_norm, words.norm, stamps[i]
    my_root, my_norm, half_life = tag_root[i], word_norm[i], RECENCY_DAYS * 86400
    scored = []
    for j, shared in tag_scores.items():
        score = shared / (my_root * tag_root[j])
        word = word_scores.pop(j, None)
        if word is not None:
            score += 2 * word / (my_norm + word_norm[j])
        score /= 1 + abs(stamps[j] - me) / half_life
        if score >= MIN_RELATED_SCORE:
            scored.append((score, stamps[j], -j))  # ties: the newer story, then the earlier in site order
    for j, word in word_scores.items():
        score = 2 * word / (my_norm + word_norm[j]) / (1 + abs(stamps[j] - me) / half_life)
        if score >= MIN_RELATED_SCORE:
            scored.append((score, stamps[j], -j))
    return [-j for *_, j in heapq.nlargest(limit, scored)]


def relation_inputs(articles: Sequence[Article]) -> str:
    """A hash of all that find_relations reads (not bodies): an edit to a body leaves it, and the relations, alone."""
    digest = hashlib.sha256(f"{RELATED_LIMIT}|{SAME_STORY_MIN_SHARED}|{MIN_RELATED_SCORE}".encode())
    for a in articles:
        digest.update(f"{a.path}\0{a.title}\0{a.source}\0{a.date.isoformat()}\0{'|'.join(a.tags)}\n".encode())
    return digest.hexdigest()


def relations_as_paths(relations: Relations) -> str:
    # compact_json: 5 MB at 10,000 articles, written while the other core waits (json took 45 ms).
    return compact_json({"related": {k: [a.path for a in v] for k, v in relations.related.items()},
                         "also": {k: [a.path for a in v] for k, v in relations.also_reported.items()}}).decode("utf-8")


def relations_from_paths(text: str, articles: Sequence[Article]) -> Relations:
    by_path = {a.path: a for a in articles}
    data = json.loads(text)
    return Relations({k: tuple(by_path[p] for p in v) for k, v in data["related"].items()},
                     {k: tuple(by_path[p] for p in v) for k, v in data["also"].items()})
