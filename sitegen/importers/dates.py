"""Dates of imported articles: read from digests and --date, and given to the articles that lack one.

A day ('January 12, 2026', '2026-01-12') stays a `date` and a moment ('2026-01-12T18:00+01:00') a
`datetime`: the difference decides how articles sharing one are spread (see spread_dates).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Sequence
from zoneinfo import ZoneInfo

from sitegen.config import Config
from sitegen.content import parse_date

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
_TIME = r"(?:,?\s+(?:at\s+)?(?P<hour>\d{1,2}):(?P<minute>\d\d)(?:\s*(?P<half>[AaPp])\.?[Mm]\.?)?)?"
_MONTH_FIRST = re.compile(r"(?P<month>[^\W\d_]+)\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME)
_DAY_FIRST = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[^\W\d_]+)\.?,?\s+(?P<year>\d{4})" + _TIME)


def parse_day_or_moment(text: str, config: Config) -> dt.date | dt.datetime:
    """'January 12, 2026', '12 Jan 2026' or '2026-01-12' -> a date; with a time ('January 12, 2026 at 6:05 pm',
    ISO '2026-01-12T18:05:00+00:00') -> an aware datetime. ValueError with a message for the user otherwise."""
    text = text.strip()
    try:
        if _ISO_DAY.fullmatch(text):
            return dt.date.fromisoformat(text)
        for pattern in (_MONTH_FIRST, _DAY_FIRST):
            match = pattern.fullmatch(text)
            if match and (month := _month_number(match["month"])):
                return _calendar_date(match, month, config)
    except ValueError as exc:  # an impossible day like 'February 30, 2026'
        raise ValueError(f"'{text}' is not a date: {exc}") from None
    return parse_date(text, config)


def _calendar_date(match: re.Match, month: int, config: Config) -> dt.date | dt.datetime:
    day = dt.date(int(match["year"]), month, int(match["day"]))
    if match["hour"] is None:
        return day
    hour = int(match["hour"])
    if match["half"]:
        hour = hour % 12 + (12 if match["half"] in "Pp" else 0)
    return dt.datetime.combine(day, dt.time(hour, int(match["minute"])), config.tz)


def _month_number(word: str) -> int | None:
    """January, Jan, Jan., Sept -> 1, 1, 1, 9 (English, whatever the machine's locale)."""
    word = word.casefold()
    for number, name in enumerate(_MONTHS, start=1):
        if name == word or (len(word) >= 3 and name.startswith(word)):
            return number
    return None


def assign_dates(own: Sequence[dt.date | dt.datetime | None], given: Sequence[dt.date | dt.datetime],
                 now: dt.datetime, tz: ZoneInfo) -> list[dt.datetime]:
    """The date of each article: its own, else the one --date given for all, else the n-th of several
    --date values for the n-th undated article, else the time of import."""
    undated = [i for i, date in enumerate(own) if date is None]
    if len(given) > 1 and len(given) != len(undated):
        raise ValueError(f"{len(given)} dates given for {len(undated)} articles without a date of their own "
                         "(give one --date for all of them, or one for each)")
    bases = list(own)
    for position, index in enumerate(undated):
        bases[index] = given[position] if len(given) > 1 else given[0] if given else now
    return spread_dates(bases, tz)


def spread_dates(bases: Sequence[dt.date | dt.datetime], tz: ZoneInfo) -> list[dt.datetime]:
    """Articles sharing a date are a minute apart, the first in input order the newest, as a digest lists
    them. A day counts up from midnight, so every article stays on that day; a moment counts down from
    it, so that none lands in the future (a build leaves future articles out)."""
    sharing = defaultdict(list)
    for index, base in enumerate(bases):
        sharing[(type(base), base)].append(index)
    moments: list[dt.datetime] = [None] * len(bases)  # type: ignore[list-item]
    for (_, base), indices in sharing.items():
        for rank, index in enumerate(indices):
            if isinstance(base, dt.datetime):
                moment = base.astimezone(tz) - dt.timedelta(minutes=rank)
            else:
                moment = dt.datetime.combine(base, dt.time(), tz) + dt.timedelta(minutes=len(indices) - 1 - rank)
            moments[index] = moment.replace(microsecond=0)
    return moments
