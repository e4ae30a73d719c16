"""Tags suggested from an article's text.

With `tagging:` rules in site.yaml a tag is suggested when any of its words occurs. Without rules:
the countries the article names (gazetteer.py) and the people and organisations it names more than
once, found as runs of capitalised words ('Vladimir Putin', 'Shanghai Cooperation Organisation') and
acronyms ('NATO'), with a later bare surname ('Putin') counted for the full name. A mention in the
headline counts as much as three in the text. Tags the origin gave come first; the total is bounded by
max_tags.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from typing import Iterable, Mapping

from sitegen.importers.gazetteer import countries
from sitegen.slugs import slugify

TITLE_WEIGHT = 3
MIN_SCORE = 2  # without rules, one passing mention is not what an article is about
MAX_NAME_WORDS = 4
_WORD = re.compile(r"[^\W\d_][\w’'.-]*")
_POSSESSIVE = re.compile(r"[’']s?$")
# Capitalised words that are not names: sentence starts, titles before a name, calendar words.
_NOT_NAMES = set("""
A An And As At But By For From He Her His How I If In Into It Its Of On Or Our She So That The Their Then There
These They This Those To We What When Where While Who Why With You After Before During Since Until Under Over
Also Asked However Meanwhile Still Speaking Yet Mr Mrs Ms Dr Sir Madam
President Prime Minister Ministers Chancellor Secretary Foreign Defence Defense Interior Finance State General
Special Envoy Spokesman Spokeswoman Spokesperson Premier King Queen Prince Princess Pope Chief Senator Governor
Mayor Deputy Vice Chairman Chair Leader Supreme Ambassador Commander Army Officials Monday Tuesday Wednesday
Thursday Friday Saturday Sunday January February March April May June July August September October November
December
""".split())


def suggest_tags(title: str, text: str, rules: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Tags for an article, most relevant first (not yet bounded)."""
    if rules:
        return _ranked(_rule_scores(title, text, rules), minimum=1)
    scores = _country_scores(title, text)
    scores.update(_name_scores(title, _without_countries(text)))
    return _ranked(scores, minimum=MIN_SCORE)


def merge_tags(given: Iterable[str], suggested: Iterable[str], limit: int) -> tuple[str, ...]:
    """Given tags first, all of them; then suggestions until there are `limit`; one tag per slug."""
    tags: dict[str, str] = {}
    for tag in given:
        tags.setdefault(slugify(tag), tag)
    for tag in suggested:
        if len(tags) >= limit:
            break
        tags.setdefault(slugify(tag), tag)
    return tuple(tags.values())


def _ranked(scores: Counter, minimum: int) -> list[str]:
    return [tag for tag, score in scores.most_common() if score >= minimum]  # ties keep first-found order


def _rule_scores(title: str, text: str, rules: Mapping[str, tuple[str, ...]]) -> Counter:
    scores = Counter()
    for tag, words in rules.items():
        pattern = _words_pattern(tuple(words) or (tag,))
        scores[tag] = len(pattern.findall(text)) + TITLE_WEIGHT * len(pattern.findall(title))
    return scores


@functools.lru_cache(maxsize=1024)
def _words_pattern(words: tuple[str, ...]) -> re.Pattern:
    """Any of words, whole. A word with a capital matches exactly ('US' is not 'us'); a lowercase one in any
    case ('ceasefire' matches 'Ceasefire')."""
    alternatives = [re.escape(w) if any(c.isupper() for c in w) else f"(?i:{re.escape(w)})"
                    for w in sorted(words, key=len, reverse=True)]
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)")


def _country_scores(title: str, text: str) -> Counter:
    return _rule_scores(title, text, countries())


def _without_countries(text: str) -> str:
    """Text with every country word replaced by a break, so 'Russian President Vladimir Putin' and
    'North Korea’s Kim Jong Un' give the names alone."""
    return _words_pattern(tuple(w for words in countries().values() for w in words)).sub(" | ", text)


def _name_scores(title: str, text: str) -> Counter:
    runs = Counter(_name_runs(text))
    full_names = [name for name in runs if " " in name]
    scores = Counter()
    for name, count in runs.items():
        if " " in name or _is_acronym(name):
            scores[name] += count
            continue
        owners = [full for full in full_names if full.rsplit(" ", 1)[1] == name]
        if owners:  # 'Putin' after 'Vladimir Putin': the most mentioned full name ending so
            scores[max(owners, key=runs.__getitem__)] += count
    for name in list(scores):
        scores[name] += TITLE_WEIGHT * len(_words_pattern((name, name.rsplit(" ", 1)[-1])).findall(title))
    return scores


def _name_runs(text: str) -> Iterable[str]:
    """Capitalised words standing next to each other, separated by single spaces only."""
    run: list[str] = []
    previous_end = None
    for match in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", match.group()).rstrip(".")
        adjacent = previous_end is not None and text[previous_end:match.start()] == " "
        if run and (not adjacent or not _is_name_word(word)):
            yield from _finished(run)
            run = []
        if _is_name_word(word):
            run.append(word)
        # a possessive or a trailing full stop ends the name ("Putin’s residence", "… with Xi. Then")
        previous_end = match.end() if word == match.group() else None
    yield from _finished(run)


def _finished(run: list[str]) -> Iterable[str]:
    if run and len(run) <= MAX_NAME_WORDS:
        yield " ".join(run)


def _is_name_word(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word not in _NOT_NAMES and "-" not in word


def _is_acronym(word: str) -> bool:
    return 2 <= len(word) <= 6 and word.isupper() and word.isalpha()
