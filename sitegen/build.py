"""build(): load -> index -> plan -> render -> write. The one entry point serve and deploy use."""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import signal
import threading
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from sitegen.cache import CACHE_DIR, BuildCache
from sitegen.config import load_config
from sitegen.content_files import ContentFile, scan_content
from sitegen.errors import Problem, SiteError
from sitegen.index import build_index, select_articles
from sitegen.keys import build_key, route_key, templates_key
from sitegen.load import load_content
from sitegen.output import OutputWriter, output_lock, recover, take_replay_marker, write_problem
from sitegen.related import Relations, find_relations, relation_inputs, relations_as_paths, relations_from_paths
from sitegen.render import RenderInput, render_route
from sitegen.routes import Route, StaticFile, find_collisions, plan_routes
from sitegen.state import forget_state, input_state, output_is_current, remember_state
from sitegen.statics import find_static_files, read_static, static_stat
from sitegen.theme import make_environment, template_dirs, template_problem
from sitegen.views import ArticleViews
from sitegen.workers import default_jobs, map_in_workers

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
    routes: tuple[Route, ...] = field(default=(), repr=False)


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
                    files = len(memo.manifest(output))
                    return BuildResult(True, output, notes=tuple(notes) + known_notes, pages=files, unchanged=files,
                                       duration=time.perf_counter() - started)
                forget_state(memo, output)  # until this build has committed, its output is not known
                result = _run_stages(site_dir, content, unreadable, output, options, memo)
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


def _run_stages(site_dir: Path, content: list[ContentFile], unreadable: list[Problem], output: Path,
                options: BuildOptions, cache: BuildCache) -> dict:
    config = load_config(site_dir)
    if options.base_url:
        config = config.with_base_url(options.base_url)
    jobs = options.jobs or default_jobs()
    config_key = hashlib.sha256(repr(config).encode()).hexdigest()
    loaded = load_content(site_dir, content, config, cache, config_key, jobs, options.progress)
    now = options.now
    articles = select_articles(loaded.articles, drafts=options.drafts, future=options.future, now=now)
    index = build_index(articles, config, relate=lambda ordered, lists: _memo_relations(cache, ordered, lists))
    routes = plan_routes(index, config)
    statics = find_static_files(site_dir)
    problems = unreadable + list(loaded.problems) + find_collisions(routes, statics)
    env = make_environment(site_dir, config)
    if problems:
        raise SiteError(problems)
    data = RenderInput(config, ArticleViews(index.articles, loaded.digests, config), env, cache.markup_html)
    site_key = build_key(config_key, templates_key(template_dirs(site_dir)))
    verify = None
    if options.strict:
        from sitegen.check import strict_verifier  # check builds through this module

        verify = strict_verifier(site_dir, config, routes, statics, cache.markup_html)
    outcome = _write(routes, statics, data, site_dir, output, cache, site_key, jobs, options.progress, verify)
    skipped = len(loaded.articles) - len(articles)
    next_due = None if options.future else min((a.date for a in loaded.articles if a.date > now), default=None)
    return dict(ok=True, output=output, pages=len(routes) + len(statics), parsed=loaded.parsed, next_due=next_due,
                markup_rendered=loaded.rendered, routes=tuple(routes), skipped=skipped,
                notes=(f"{skipped} draft or future articles left out (use --drafts / --future)",) if skipped else (),
                **outcome)


def _memo_relations(cache: BuildCache, ordered, tag_lists) -> Relations:
    """Related stories read headlines, tags, outlets and dates only: reuse them when none of those changed."""
    key = f"relations:{relation_inputs(ordered)}"
    saved = cache.meta(key)
    if saved:
        return relations_from_paths(saved, ordered)
    relations = find_relations(ordered, tag_lists)
    cache.drop_meta_prefix("relations:")
    cache.set_meta(key, relations_as_paths(relations))
    return relations


def _write(routes: list[Route], statics: list[StaticFile], data: RenderInput, site_dir: Path, output: Path,
           cache: BuildCache, site_key: str, jobs: int, progress: Progress | None,
           verify: Callable[[dict[str, Path]], None] | None = None) -> dict:
    """Render what may have changed, stage what did change, commit, and remember it all for next time."""
    keys = {route.output: route_key(route, site_key) for route in routes}
    keys.update({s.output: _static_key(s) for s in statics})
    memo = cache.route_shas()
    writer = OutputWriter(output, cache.manifest(output))
    try:
        todo = [r for r in routes if not writer.is_current(r.output, memo.get(keys[r.output]))]
        todo_statics = [s for s in statics if not writer.is_current(s.output, memo.get(keys[s.output]))]
        results = _render_and_stage(todo, data, writer, site_dir, jobs, progress)
        results += [(s.output, *writer.put(s.output, read_static(s))) for s in todo_statics]
        if verify:  # the site as it will be after the commit: changed files staged, the others in place
            changed = {rel for rel, _, fresh in results if fresh}
            verify({rel: (writer.stage if rel in changed else output) / rel for rel in keys})
    except BaseException:
        writer.discard()
        raise
    written = [rel for rel, _, changed in results if changed]
    with _ctrl_c_deferred():  # past the commit point, finishing is the only way to "unchanged or new"
        if writer.first:
            cache.forget_manifest(output)  # whatever it said was about a folder that is gone
        report = writer.commit(written, set(keys))
        shas = {rel: sha for rel, sha, _ in results}
        live = set(keys.values())
        cache.update_routes({keys[rel]: sha for rel, sha in shas.items()}, stale=[k for k in memo if k not in live])
        cache.update_manifest(output, _manifest_rows(output, shas, report.manifest, writer.manifest), report.removed)
        writer.finish()
    return dict(pages_rendered=len(todo), written=report.written, unchanged=report.unchanged, removed=report.removed)


def _render_and_stage(routes: list[Route], data: RenderInput, writer: OutputWriter, site_dir: Path, jobs: int,
                      progress: Progress | None) -> list[tuple[str, str, bool]]:
    """Render routes (in worker processes when there are many) and stage their bytes; gather template mistakes."""
    def work(chunk: list[Route]):
        done, problems = [], []
        for route in chunk:
            try:
                data_bytes = render_route(route, data)
            except Exception as exc:  # noqa: BLE001 - sorted into user mistakes and bugs just below
                problem = template_problem(exc, site_dir, route.template or "", route.owner)
                if problem is None:
                    raise
                problems.append(problem)
                continue
            done.append((route.output, *writer.put(route.output, data_bytes)))
        return done, problems

    results, problems, count = [], {}, 0  # a dict: one broken template is one problem, not one per page
    for done, found in map_in_workers(work, routes, jobs, chunk_size=100):
        results += done
        problems.update(dict.fromkeys(found))
        count += len(done) + len(found)
        if progress:
            progress("render", count, len(routes))
    if problems:
        raise SiteError(list(problems))
    return results


@contextlib.contextmanager
def _ctrl_c_deferred():
    """Hold Ctrl-C until the block is done (only the main thread can; serve builds elsewhere)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _manifest_rows(output: Path, shas: dict, written: dict, previous: dict) -> dict:
    """(size, mtime, sha) for files written now, and for unchanged files the manifest did not know yet."""
    rows = {}
    for rel, sha in shas.items():
        if rel in written:
            rows[rel] = (*written[rel], sha)
        elif rel not in previous or previous[rel][2] != sha:
            try:
                stat = (output / rel).stat()
            except OSError as exc:
                raise write_problem(exc, output) from None
            rows[rel] = (stat.st_size, stat.st_mtime_ns, sha)
    return rows


def _static_key(static: StaticFile) -> str:
    stat = static_stat(static)
    return hashlib.sha256(f"static\0{static.source}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()


def _check_output_location(site_dir: Path, output: Path) -> None:
    """The output folder is rewritten by sitegen, so it must never be the site itself or hold the user's files."""
    guarded = [site_dir, *(site_dir / name for name in ("content", "templates", "static", CACHE_DIR))]
    for folder in guarded:
        if output == folder or folder.is_relative_to(output) or output.is_relative_to(folder) and folder != site_dir:
            raise SiteError([Problem(str(output), None, f"refusing to build into {output}: it would replace "
                                                        f"{folder}", "choose an output folder of its own")])
