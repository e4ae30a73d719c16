"""`sitegen import` and `sitegen new` as a library: digests and feeds -> dated, tagged Markdown files in content/.

    read each input (digest.py, feed.py over fetch.py) -> Drafts -> dates (dates.py) -> tags and summary
    (tagging.py) -> front matter -> plan and write files (write.py)

Every input is read before anything is written: one bad input means no file is written at all.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from sitegen.config import Config, load_config
from sitegen.errors import Problem, SiteError
from sitegen.importers.dates import assign_dates, parse_day_or_moment
from sitegen.importers.digest import read_digest
from sitegen.importers.draft import Draft, Harvest, clean_line
from sitegen.importers.feed import read_feed
from sitegen.importers.feedhtml import plain_text
# `download`, not `fetch`: that name must stay the submodule sitegen.importers.fetch
from sitegen.importers.fetch import FetchError, FetchLimits, size_text
from sitegen.importers.fetch import fetch as download
from sitegen.importers.tagging import merge_tags, suggest_tags
from sitegen.importers.write import EDITED, IMPORTED, OWN, REPEAT, WRITE, Planned, plan_files, write_planned
from sitegen.markup import MarkupError, render_markdown, shorten_summary

__all__ = ["ImportOptions", "ImportReport", "Planned", "import_inputs", "new_article", "FetchLimits",
           "WRITE", "IMPORTED", "EDITED", "OWN", "REPEAT"]

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    dates: tuple[str, ...] = ()  # one for every undated article, or one each in order
    tags: tuple[str, ...] = ()  # added to every article
    dry_run: bool = False
    limits: FetchLimits = FetchLimits()
    now: dt.datetime | None = None  # the time of import; tests pin it


@dataclass(frozen=True, slots=True)
class ImportReport:
    planned: tuple[Planned, ...]
    warnings: tuple[Problem, ...]
    dry_run: bool


def import_inputs(site_dir: Path, inputs: Sequence[str], options: ImportOptions = ImportOptions()) -> ImportReport:
    """Import digests and feeds (paths or http(s) URLs) into site_dir/content. SiteError with every problem."""
    config = load_config(site_dir)
    given = _parse_dates(options.dates, config)
    harvests, problems = [], []
    for item in inputs:
        try:
            harvests.append(read_input(item, config, options.limits))
        except SiteError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SiteError(problems)
    drafts = [draft for harvest in harvests for draft in harvest.drafts]
    try:
        moments = assign_dates([d.date for d in drafts], given, _now(options.now), config.tz)
    except ValueError as exc:
        raise SiteError([Problem("--date", None, str(exc))]) from None
    articles, problems = [], []
    for draft, moment in zip(drafts, moments):
        try:
            articles.append((front_matter(draft, moment, config, options.tags), draft.body))
        except MarkupError as exc:
            problems.append(Problem(draft.origin, None, f"'{draft.title}': {exc.message}"))
    if problems:
        raise SiteError(problems)
    planned = plan_files(site_dir, articles, config)
    if not options.dry_run:
        write_planned(site_dir, planned)
    return ImportReport(tuple(planned), tuple(w for h in harvests for w in h.warnings), options.dry_run)


def read_input(item: str, config: Config, limits: FetchLimits = FetchLimits()) -> Harvest:
    """One input: an http(s) URL of a feed, or the path of a feed or digest file."""
    if _URL.match(item):
        try:
            fetched = download(item, limits)
        except FetchError as exc:
            raise SiteError([Problem(item, None, str(exc))]) from None
        return read_feed(item, fetched.data, config, fetched.url, fetched.content_type)
    path = Path(item)
    try:
        if path.stat().st_size > limits.max_bytes:
            raise SiteError([Problem(item, None, f"file is over the {size_text(limits.max_bytes)} limit")])
        raw = path.read_bytes()
    except OSError as exc:
        raise SiteError([Problem(item, None, f"cannot read: {exc.strerror or exc}")]) from None
    if _looks_like_xml(raw):
        return read_feed(item, raw, config)
    return read_digest(item, raw, config)


def _looks_like_xml(raw: bytes) -> bool:
    """A feed starts with '<' (after a BOM and blanks), in UTF-8 or UTF-16; a digest with text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raw = raw[:400].decode("utf-16", errors="replace").encode("utf-8")
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def front_matter(draft: Draft, moment: dt.datetime, config: Config, extra_tags: Sequence[str] = ()) -> dict:
    """The front matter of an imported article: tags and summary worked out from its text."""
    rendered = render_markdown(draft.body)
    suggested = suggest_tags(draft.title, plain_text(rendered.html), config.tagging)
    meta = {
        "title": draft.title,
        "date": moment.isoformat(),
        "source": draft.sources[0] if draft.sources else None,
        "sources": list(draft.sources) if len(draft.sources) > 1 else None,  # every outlet of '(AFP/Reuters)'
        "source_url": draft.source_url,
        "author": draft.author,
        "tags": list(merge_tags([*extra_tags, *draft.tags], suggested, config.max_tags)),
        "summary": shorten_summary(draft.summary) if draft.summary else rendered.summary or None,
    }
    return {key: value for key, value in meta.items() if value is not None}


def new_article(site_dir: Path, title: str, source: str | None = None, tags: Sequence[str] = (),
                date: str | None = None, now: dt.datetime | None = None) -> Path:
    """Create content/<slug>.md with every front-matter key, for an editor to fill in; its path."""
    config = load_config(site_dir)
    title = clean_line(title)
    if not title:
        raise SiteError([Problem("new", None, "the headline is empty")])
    given = _parse_dates((date,) if date else (), config)
    moment = assign_dates([None], given, _now(now), config.tz)[0]
    meta = {"title": title, "date": moment.isoformat(),
            "source": config.canonical_source(clean_line(source)) if source and source.strip() else "",
            "source_url": "", "author": config.author or "", "tags": list(merge_tags(tags, (), len(tags))),
            "summary": "", "draft": False}
    planned = plan_files(site_dir, [(meta, "")], config, stamp=False)[0]
    if planned.action != WRITE:
        raise SiteError([Problem(planned.path, None, "an article with this headline from this outlet is already here")])
    write_planned(site_dir, [planned])
    return site_dir / planned.path


def _parse_dates(values: Sequence[str], config: Config) -> list[dt.date | dt.datetime]:
    dates, problems = [], []
    for value in values:
        try:
            dates.append(parse_day_or_moment(value, config))
        except ValueError as exc:
            problems.append(Problem("--date", None, str(exc)))
    if problems:
        raise SiteError(problems)
    return dates


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.timezone.utc)
