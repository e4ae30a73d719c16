"""The stages of a build that has something to do: load -> index -> plan -> render -> write.

build.build() decides whether there is anything to do and calls run_stages; this module holds the
stages' wiring, and is imported only then (it pulls in Markdown, Jinja2 and feedgen).
"""
from __future__ import annotations

import contextlib
import hashlib
import signal
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from sitegen.cache import BuildCache
from sitegen.config import Config, load_config
from sitegen.content_files import ContentFile
from sitegen.errors import Problem, SiteError
from sitegen.index import index_but_relations, select_articles
from sitegen.keys import build_key, route_key, templates_key
from sitegen.load import Loaded, file_key, load_changed, load_content
from sitegen.output import OutputWriter, write_problem
from sitegen.planmemo import (PlanReader, SavedPlan, article_shape, forget_plan, open_plan, plan_frame,
                              save_plan_record, save_plan_rows)
from sitegen.related import Relations, find_relations, relation_inputs, relations_as_paths, relations_from_paths
from sitegen.render import RenderInput, render_route
from sitegen.routes import Route, StaticFile, find_collisions, plan_article_routes, plan_other_routes
from sitegen.sitedirs import template_dirs
from sitegen.state import output_intact
from sitegen.statics import find_static_files, read_static, static_stat
from sitegen.theme import make_environment, template_problem
from sitegen.views import ArticleViews
from sitegen.workers import default_jobs, map_in_workers

if TYPE_CHECKING:
    from sitegen.build import BuildOptions

Progress = Callable[[str, int, int], None]
TEMPLATE_CACHE = "templates"  # compiled templates, in the cache folder


def run_stages(site_dir: Path, content: list[ContentFile], unreadable: list[Problem], output: Path,
               options: BuildOptions, cache: BuildCache) -> dict:
    config = load_config(site_dir)
    if options.base_url:
        config = config.with_base_url(options.base_url)
    config_key = hashlib.sha256(repr(config).encode()).hexdigest()
    site_key = build_key(config_key, templates_key(template_dirs(site_dir)))
    statics = find_static_files(site_dir)
    frame = plan_frame(site_key, f"{options.drafts}|{options.future}|{options.base_url}|{output}", content, statics)
    tried = None
    if not (unreadable or options.strict):
        plan = open_plan(cache, output, frame, options.now)
        if plan is not None:
            result, tried = _follow_plan(plan, site_dir, content, output, options, cache, config, config_key,
                                         site_key, statics)
            if result is not None:
                return result
    forget_plan(cache, output)  # until this build has committed, no plan describes the output
    result = _plan_and_build(site_dir, content, unreadable, output, options, cache, config, config_key, site_key,
                             statics, frame)
    if tried is not None:  # what the attempt to follow the plan parsed is in the memo now, but was done now
        result.update(parsed=result["parsed"] + tried.parsed,
                      markup_rendered=result["markup_rendered"] + tried.rendered)
    return result


def _plan_and_build(site_dir: Path, content: list[ContentFile], unreadable: list[Problem], output: Path,
                    options: BuildOptions, cache: BuildCache, config: Config, config_key: str, site_key: str,
                    statics: list[StaticFile], frame: str) -> dict:
    """The full build: every article loaded, indexed and planned, every route keyed; the plan saved."""
    jobs = options.jobs or default_jobs()
    loaded = load_content(site_dir, content, config, cache, config_key, jobs, options.progress)
    now = options.now
    articles = select_articles(loaded.articles, drafts=options.drafts, future=options.future, now=now)
    index = index_but_relations(articles, config)
    shown: dict[str, list[str]] = {}  # route output -> the paths of the articles it shows (route_key's)
    others: dict[str, Any] = {}

    def plan_others() -> None:  # while the workers find the relations: 0.3 s at 10,000 articles, that was serial
        routes = plan_other_routes(index, config)
        others.update(routes=routes, keys=_route_keys(routes, site_key, shown))

    index = replace(index, relations=_memo_relations(cache, index.articles, [t.articles for t in index.tags], jobs,
                                                     plan_others))
    article_routes = plan_article_routes(index, config)
    routes = article_routes + others["routes"]
    problems = unreadable + list(loaded.problems) + find_collisions(routes, statics)
    env = make_environment(site_dir, config, cache.folder / TEMPLATE_CACHE)
    if problems:
        raise SiteError(problems)
    memo = cache.markup_digests(a.body_key for a in index.articles)  # before the fork: the workers share it
    data = RenderInput(config, ArticleViews(index.articles, memo.digest, config), env, cache.markup_html, memo.names)
    verify = None
    if options.strict:
        from sitegen.check import strict_verifier  # check builds through this module

        verify = strict_verifier(site_dir, config, routes, statics, cache.markup_html)
    keys = _route_keys(article_routes, site_key, shown)  # in the order of routes: articles first
    keys.update(others.pop("keys"))  # (shown has the others first: only its rows' contents matter)
    shared = [*index.tags, *index.sources, *index.years, *index.months]
    # The plan's rows are made while the workers render (0.8 s at 10,000 articles, that was serial).
    outcome = _write(routes, keys, statics, data, site_dir, output, cache, jobs, options.progress, None, verify,
                     meanwhile=lambda: save_plan_rows(cache, output, loaded.files, routes, keys, shown, shared))
    skipped = len(loaded.articles) - len(articles)
    next_due = None if options.future else min((a.date for a in loaded.articles if a.date > now), default=None)
    with _ctrl_c_deferred():  # the output has changed: an interrupt now would be reported as "unchanged"
        save_plan_record(cache, output, frame, next_due, skipped, outcome["pages"])
    return dict(ok=True, output=output, parsed=loaded.parsed, next_due=next_due,
                markup_rendered=loaded.rendered, routes=tuple(routes), skipped=skipped, notes=_skip_notes(skipped),
                **outcome)


def _follow_plan(plan: SavedPlan, site_dir: Path, content: list[ContentFile], output: Path, options: BuildOptions,
                 cache: BuildCache, config: Config, config_key: str, site_key: str,
                 statics: list[StaticFile]) -> tuple[dict | None, Loaded | None]:
    """The build by the saved plan, when every changed file keeps its shape, and what was loaded trying it.
    The result is None when a full build is needed: a file changed shape or has problems, or the output
    is not what the manifest says."""
    if len(plan.files) != len(content) or any(f.path not in plan.files for f in content):
        return None, None
    changed = [f for f in content if plan.files[f.path] != file_key(f, config_key)]
    loaded = load_changed(site_dir, changed, [plan.files[f.path] for f in changed], config, cache, config_key)
    # Every file of the site is listed (a lost row would hide a lost file) and as sitegen left it.
    if loaded.problems or cache.manifest_size(output) != plan.pages \
            or not output_intact(output, cache.manifest_stamps(output)):
        return None, loaded
    planned = cache.plan_file_shapes(output, (f.path for f in changed))
    fresh = {}
    for file, _, article in loaded.files:
        if article is None or file not in planned or article_shape(article) != planned[file][0]:
            return None, loaded
        fresh[article.path] = article
    rels = list(dict.fromkeys(rel for _, routes in planned.values() for rel in routes.split("\n") if rel))
    reader = PlanReader(cache, plan, str(site_dir), fresh)
    try:
        routes = reader.routes(rels)
    except LookupError:  # the memo lost rows (a deleted or damaged cache file): plan afresh
        return None, loaded
    new_keys = {route.output: route_key(route, site_key) for route in routes}
    views = ArticleViews(reader.articles.values(), cache.markup_digest, config)
    env = make_environment(site_dir, config, cache.folder / TEMPLATE_CACHE)
    data = RenderInput(config, views, env, cache.markup_html, cache.markup_names)
    # Only these routes and the static files: every other file of the output stays as it is.
    manifest = cache.manifest(output, [*new_keys, *(s.output for s in statics)])
    outcome = _write(routes, new_keys, statics, data, site_dir, output, cache, 1, options.progress, plan.pages,
                     manifest=manifest)
    cache.update_plan(output, {path: key for path, key, _ in loaded.files}, new_keys)
    return dict(ok=True, output=output, parsed=loaded.parsed, next_due=plan.until,
                markup_rendered=loaded.rendered, routes=tuple(routes), skipped=plan.skipped,
                notes=_skip_notes(plan.skipped), from_plan=True, **outcome), loaded


def _skip_notes(skipped: int) -> tuple[str, ...]:
    return (f"{skipped} draft or future articles left out (use --drafts / --future)",) if skipped else ()


def _route_keys(routes: list[Route], site_key: str, shown: dict[str, list[str]]) -> dict[str, str]:
    return {route.output: route_key(route, site_key, shown.setdefault(route.output, [])) for route in routes}


def _memo_relations(cache: BuildCache, ordered, tag_lists, jobs: int, meanwhile: Callable[[], None]) -> Relations:
    """Related stories read headlines, tags, outlets and dates only: reuse them when none of those changed.
    meanwhile() runs while the workers find them (at once when they are reused)."""
    key = f"relations:{relation_inputs(ordered)}"
    saved = cache.meta(key)
    if saved:
        meanwhile()
        return relations_from_paths(saved, ordered)
    # Two chunks per worker, so that a worker that is done early takes over from a slower one.
    chunk = max(1, -(-len(ordered) // (2 * jobs)))
    relations = find_relations(ordered, tag_lists, map_chunks=lambda work, numbers: map_in_workers(
        work, numbers, jobs, chunk, meanwhile=meanwhile))
    cache.drop_meta_prefix("relations:")
    cache.set_meta(key, relations_as_paths(relations))
    return relations


def _write(routes: list[Route], route_keys: dict[str, str], statics: list[StaticFile], data: RenderInput,
           site_dir: Path, output: Path, cache: BuildCache, jobs: int, progress: Progress | None,
           site_pages: int | None = None, verify: Callable[[dict[str, Path]], None] | None = None,
           manifest: dict | None = None, meanwhile: Callable[[], None] | None = None) -> dict:
    """Render what may have changed, stage what did change, commit, and remember it all for next time.

    route_keys holds the key of every route in routes. site_pages is None when routes are every route
    of the site; a build of part of it (by the saved plan) gives the number of files in the site and
    the manifest rows of its routes and static files, and leaves every other file as it is. meanwhile()
    runs while the routes render."""
    keys = {**route_keys, **{s.output: _static_key(s) for s in statics}}
    whole = site_pages is None
    # Only a build that planned every route knows which memo rows are of routes that are gone.
    memo = cache.route_shas() if whole else cache.route_shas(keys.values())
    writer = OutputWriter(output, cache.manifest(output) if manifest is None else manifest)
    try:
        # A static file replaces a route of the same output (a site's own robots.txt): only it is staged.
        replaced = {s.output for s in statics}
        todo = [r for r in routes
                if r.output not in replaced and not writer.is_current(r.output, memo.get(keys[r.output]))]
        todo_statics = [s for s in statics if not writer.is_current(s.output, memo.get(keys[s.output]))]
        results = _render_and_stage(todo, data, writer, site_dir, jobs, progress, meanwhile)
        results += [(s.output, *writer.put(s.output, read_static(s))) for s in todo_statics]
        if verify:  # the site as it will be after the commit: changed files staged, the others in place
            changed = {rel for rel, _, stamp in results if stamp}
            verify({rel: (writer.stage if rel in changed else output) / rel for rel in keys})
    except BaseException:
        writer.discard()
        raise
    staged = {rel: stamp for rel, _, stamp in results if stamp}
    with _ctrl_c_deferred():  # past the commit point, finishing is the only way to "unchanged or new"
        if writer.first:
            cache.forget_manifest(output)  # whatever it said was about a folder that is gone
        report = writer.commit(staged, set(keys) if whole else None)
        shas = {rel: sha for rel, sha, _ in results}
        live = set(keys.values())
        cache.update_routes({keys[rel]: sha for rel, sha in shas.items()},
                            stale=[k for k in memo if k not in live] if whole else [])
        cache.update_manifest(output, _manifest_rows(output, shas, report.manifest, writer.manifest), report.removed)
        writer.finish()
    # Files in the site: one per output path (a static robots.txt replaces the generated one).
    pages = len(keys) if whole else site_pages
    return dict(pages=pages, pages_rendered=len(todo), written=report.written, unchanged=pages - len(staged),
                removed=report.removed)


def _render_and_stage(routes: list[Route], data: RenderInput, writer: OutputWriter, site_dir: Path, jobs: int,
                      progress: Progress | None, meanwhile: Callable[[], None] | None = None
                      ) -> list[tuple[str, str, tuple[int, int] | None]]:
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

    # Machine-read files first: a feed or a search shard takes 10 to 30 times a page's work, and a chunk
    # of them dealt last kept one worker busy for half a second after the other had finished.
    routes = sorted(routes, key=lambda route: route.template is not None)
    results, problems, count = [], {}, 0  # a dict: one broken template is one problem, not one per page
    for done, found in map_in_workers(work, routes, jobs, chunk_size=100, meanwhile=meanwhile):
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
