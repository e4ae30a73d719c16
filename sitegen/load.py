"""The load stage: every content file parsed (or taken from the memo) and every new body rendered to HTML.

Parsing and Markdown are the only expensive, per-article steps, so they are done together, once per
changed file, in parallel worker processes when there are many, with the results kept in the cache.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sitegen.cache import BuildCache
from sitegen.config import Config
from sitegen.article import Article, ParsedFile
from sitegen.content import read_article
from sitegen.content_files import CONTENT_DIR, ContentFile
from sitegen.errors import Problem
from sitegen import markup
from sitegen.markup import MarkupError, render_markdown
from sitegen.search import names_in_text
from sitegen.workers import map_in_workers

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Loaded:
    articles: tuple[Article, ...]
    problems: tuple[Problem, ...]
    parsed: int  # files read and parsed this time
    rendered: int  # bodies rendered to HTML this time
    files: tuple[tuple[str, str, Article | None], ...] = ()  # (file, file_key, its article) per file


def file_key(file: ContentFile, config_key: str) -> str:
    """The parse memo's key for a version of a file: an edit, a touch, another config or other Markdown
    settings is another key (a parse holds its body's key, which names the body's HTML under the
    settings it was rendered with)."""
    return f"{file.path}\0{file.mtime_ns}\0{file.size}\0{config_key}\0{markup.SETTINGS_KEY}"


def load_content(site_dir: Path, files: list[ContentFile], config: Config, cache: BuildCache, config_key: str,
                 jobs: int, progress: Progress | None = None) -> Loaded:
    """Articles of the listed content files with their problems; parses and renders only what changed."""
    if not (site_dir / CONTENT_DIR).is_dir():
        problem = Problem(f"{CONTENT_DIR}/", None, "folder not found", "create it and put your articles in it")
        return Loaded((), (problem,), 0, 0)
    keyed = {file_key(f, config_key): f.path for f in files}
    memo = cache.parsed_files()
    return _load(site_dir, keyed, memo, [k for k in memo if k not in keyed], config, cache, jobs, progress)


def load_changed(site_dir: Path, files: list[ContentFile], replaced: list[str], config: Config, cache: BuildCache,
                 config_key: str) -> Loaded:
    """Only these files, the others being known as they were; `replaced` are the memo keys of their
    earlier versions, dropped from the memo."""
    keyed = {file_key(f, config_key): f.path for f in files}
    memo = cache.parsed_files(keyed)
    return _load(site_dir, keyed, memo, [k for k in replaced if k not in keyed], config, cache, 1, None)


def _load(site_dir: Path, keyed: dict[str, str], memo: dict, stale: list[str], config: Config, cache: BuildCache,
          jobs: int, progress: Progress | None) -> Loaded:
    missing = [(key, Path(path)) for key, path in keyed.items() if key not in memo]
    fresh, rendered = _parse_and_render(site_dir, config, cache, missing, jobs, progress)  # stored as they came
    cache.forget_parsed(stale)
    results = [fresh.get(key) or memo[key] for key in keyed]
    articles = tuple(r.article for r in results if r.article)
    problems = tuple(p for r in results for p in r.problems)
    files = tuple((path, key, r.article) for (key, path), r in zip(keyed.items(), results))
    return Loaded(articles, problems, len(missing), rendered, files)


def _parse_and_render(site_dir: Path, config: Config, cache: BuildCache, missing: list[tuple[str, Path]],
                      jobs: int, progress: Progress | None) -> tuple[dict[str, ParsedFile], int]:
    fresh: dict[str, ParsedFile] = {}
    rendered = 0

    def work(chunk: list[tuple[str, Path]]) -> list[tuple[str, ParsedFile, bool]]:
        read = [(key, read_article(site_dir, path, config)) for key, path in chunk]
        # A body already rendered (a touched file, a moved article) is not rendered again: one query a chunk.
        known = cache.markup_known([parsed.article.body_key for _, parsed in read if parsed.article is not None])
        out, rows = [], []
        for key, parsed in read:
            rendered_now = False
            if parsed.article is not None and parsed.article.body_key not in known:
                try:
                    html = render_markdown(parsed.body)
                except MarkupError as exc:
                    problem = Problem(parsed.article.path, None, exc.message)
                    out.append((key, ParsedFile(None, problems=(problem,)), False))
                    continue
                rows.append((parsed.article.body_key, html.html, html.summary, html.words,
                             "\n".join(names_in_text(html.text))))
                rendered_now = True
            out.append((key, ParsedFile(parsed.article, "", parsed.problems), rendered_now))  # the body is not kept
        # Stored by the worker itself: the HTML never travels back through the parent, and the parent's
        # serial part of the load stage does not grow with the number of files.
        cache.put_parsed_and_markup([(key, parsed) for key, parsed, _ in out], rows)
        return out

    done = 0
    for results in map_in_workers(work, missing, jobs, chunk_size=64):
        for key, parsed, was_rendered in results:
            fresh[key] = parsed
            rendered += was_rendered
        done += len(results)
        if progress:
            progress("parse", done, len(missing))
    return fresh, rendered
