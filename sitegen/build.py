"""build(): load -> index -> plan -> render -> write. The one entry point serve and deploy use.

This module decides whether there is anything to do (sitegen.state); the stages themselves are in
sitegen.stages.
"""
from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sitegen.cache import CACHE_DIR, BuildCache
from sitegen.content_files import scan_content
from sitegen.errors import Problem, SiteError
from sitegen.output import output_lock, recover, take_replay_marker
from sitegen.state import forget_state, input_state, output_is_current, remember_state

if TYPE_CHECKING:
    from sitegen.routes import Route

OUTPUT_DIR = "build"
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class BuildOptions:
    output: Path | None = None  # default: <site>/build
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    now: dt.datetime | None = None  # what counts as "future"; tests pin it
    cache_dir: Path | None = None  # default: <site>/.sitegen-cache
    use_cache: bool = True  # False: a cold build with a throwaway cache
    jobs: int = 0  # worker processes; 0 means one per core
    progress: Progress | None = None  # called with (stage, done, total)
    strict: bool = False  # run `sitegen check` on the staged site; its problems and warnings stop the commit


@dataclass(frozen=True, slots=True)
class BuildResult:
    ok: bool
    output: Path
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()  # things worth telling that are not problems
    pages: int = 0  # routes and static files in the site
    parsed: int = 0  # content files read and parsed
    markup_rendered: int = 0  # Markdown bodies rendered
    pages_rendered: int = 0  # routes rendered through templates
    written: tuple[str, ...] = ()
    unchanged: int = 0
    removed: tuple[str, ...] = ()
    skipped: int = 0  # drafts and future articles left out
    duration: float = 0.0
    routes: tuple[Route, ...] = field(default=(), repr=False)  # planned; on a from_plan build, those re-planned
    from_plan: bool = False  # only the routes showing edited articles were planned again (see planmemo)


def build(site_dir: Path | str, options: BuildOptions = BuildOptions(), cache: BuildCache | None = None) -> BuildResult:
    """Build the site in site_dir. User mistakes come back as problems with ok=False and the old output intact."""
    started = time.perf_counter()
    site_dir = Path(site_dir).resolve()
    output = Path(options.output).resolve() if options.output else site_dir / OUTPUT_DIR
    options = replace(options, now=options.now or dt.datetime.now(dt.timezone.utc))
    with _open_cache(site_dir, options, cache) as memo:
        try:
            _check_output_location(site_dir, output)
            with output_lock(output):
                notes = recover(output)
                if take_replay_marker(output):
                    memo.forget_manifest(output)
                content, unreadable = scan_content(site_dir)
                state = input_state(site_dir, f"{options.drafts}|{options.future}|{options.base_url}|{output}", content)
                known_notes = output_is_current(memo, output, state, options.now)
                if known_notes is not None:
                    files = memo.manifest_size(output)
                    return BuildResult(True, output, notes=tuple(notes) + known_notes, pages=files, unchanged=files,
                                       duration=time.perf_counter() - started)
                forget_state(memo, output)  # until this build has committed, its output is not known
                # Imported here, not at the top: a build that stops at "nothing changed" never loads
                # Markdown, Jinja2 or feedgen, a third of its time.
                from sitegen.stages import run_stages

                result = run_stages(site_dir, content, unreadable, output, options, memo)
                remember_state(memo, output, state, result.pop("next_due"), result["notes"])
        except SiteError as exc:
            return BuildResult(False, output, exc.problems, duration=time.perf_counter() - started)
    return BuildResult(**{**result, "notes": tuple(notes) + result["notes"], "duration": time.perf_counter() - started})


class _open_cache:
    """The caller's cache as it is, or one opened (and closed) for this build."""

    def __init__(self, site_dir: Path, options: BuildOptions, cache: BuildCache | None):
        self.given, self.tmp = cache, None
        if cache is None and not options.use_cache:
            self.tmp = tempfile.TemporaryDirectory(prefix="sitegen-cache-")
        self.folder = Path(self.tmp.name) if self.tmp else (options.cache_dir or site_dir / CACHE_DIR)

    def __enter__(self) -> BuildCache:
        self.cache = self.given or BuildCache(self.folder)
        return self.cache

    def __exit__(self, *exc) -> None:
        if self.given is None:
            self.cache.close()
        if self.tmp:
            self.tmp.cleanup()


def _check_output_location(site_dir: Path, output: Path) -> None:
    """The output folder is rewritten by sitegen, so it must never be the site itself or hold the user's files."""
    guarded = [site_dir, *(site_dir / name for name in ("content", "templates", "static", CACHE_DIR))]
    for folder in guarded:
        if output == folder or folder.is_relative_to(output) or output.is_relative_to(folder) and folder != site_dir:
            raise SiteError([Problem(str(output), None, f"refusing to build into {output}: it would replace "
                                                        f"{folder}", "choose an output folder of its own")])
