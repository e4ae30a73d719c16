"""build(): load -> index -> plan -> render -> write. The one entry point serve and deploy use."""
from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.cache import BuildCache
from sitegen.config import Config, load_config
from sitegen.content import load_articles
from sitegen.errors import Problem, SiteError
from sitegen.index import build_index, select_articles
from sitegen.output import output_lock, recover, write_site
from sitegen.render import RenderInput, render_route
from sitegen.routes import Route, StaticFile, find_collisions, plan_routes
from sitegen.statics import find_static_files
from sitegen.theme import make_environment, template_problem
from sitegen.views import article_view

OUTPUT_DIR = "build"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    output: Path | None = None  # default: <site>/build
    drafts: bool = False
    future: bool = False
    base_url: str | None = None
    now: dt.datetime | None = None  # what counts as "future"; tests pin it


@dataclass(frozen=True, slots=True)
class BuildResult:
    ok: bool
    output: Path
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()  # things worth telling that are not problems
    pages: int = 0
    parsed: int = 0
    markup_rendered: int = 0
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
    cache = cache if cache is not None else BuildCache()
    try:
        _check_output_location(site_dir, output)
        with output_lock(output):
            notes = recover(output)
            result = _run_stages(site_dir, output, options, cache)
    except SiteError as exc:
        return BuildResult(False, output, exc.problems, duration=time.perf_counter() - started)
    return BuildResult(**{**result, "notes": tuple(notes) + result.get("notes", ()),
                          "duration": time.perf_counter() - started})


def _run_stages(site_dir: Path, output: Path, options: BuildOptions, cache: BuildCache) -> dict:
    config = load_config(site_dir)
    if options.base_url:
        config = config.with_base_url(options.base_url)
    misses_before = cache.markup_misses
    everything, problems, parsed = load_articles(site_dir, config, cache, _config_key(config))
    now = options.now or dt.datetime.now(dt.timezone.utc)
    articles = select_articles(everything, drafts=options.drafts, future=options.future, now=now)
    index = build_index(articles, config)
    routes = plan_routes(index, config)
    statics = find_static_files(site_dir)
    problems += find_collisions(routes, statics)
    env = make_environment(site_dir, config)
    if problems:
        raise SiteError(problems)
    views = {a.path: article_view(a, cache.rendered(a.body), config) for a in index.articles}
    data = RenderInput(config, index, views, env, tuple(r for r in routes if r.output.endswith(".html")
                                                        and r.kind != "notfound"))
    files = _render_all(routes, data, site_dir)
    report = write_site(files, statics, output)
    skipped = len(everything) - len(articles)
    return dict(ok=True, output=output, pages=len(routes), parsed=parsed,
                markup_rendered=cache.markup_misses - misses_before, written=report.written,
                unchanged=report.unchanged, removed=report.removed, skipped=skipped, routes=tuple(routes),
                notes=(f"{skipped} draft or future articles left out (use --drafts / --future)",) if skipped else ())


def _render_all(routes: list[Route], data: RenderInput, site_dir: Path) -> dict[str, bytes]:
    """Render every route; template mistakes are gathered (once per template line) rather than stopping at the first."""
    files, problems, seen = {}, [], set()
    for route in routes:
        try:
            files[route.output] = render_route(route, data)
        except Exception as exc:  # noqa: BLE001 - sorted into user mistakes and bugs just below
            problem = template_problem(exc, site_dir, route.template or "", route.owner)
            if problem is None:
                raise
            if (problem.path, problem.line, problem.message) not in seen:
                seen.add((problem.path, problem.line, problem.message))
                problems.append(problem)
    if problems:
        raise SiteError(problems)
    return files


def _config_key(config: Config) -> str:
    return hashlib.sha256(repr(config).encode()).hexdigest()[:16]


def _check_output_location(site_dir: Path, output: Path) -> None:
    """The output folder is replaced whole, so it must never be the site itself or hold the user's files."""
    guarded = [site_dir, *(site_dir / name for name in ("content", "templates", "static"))]
    for folder in guarded:
        if output == folder or folder.is_relative_to(output) or output.is_relative_to(folder) and folder != site_dir:
            raise SiteError([Problem(str(output), None, f"refusing to build into {output}: it would replace "
                                                        f"{folder}", "choose an output folder of its own")])
