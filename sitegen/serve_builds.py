"""Rebuilds for `sitegen serve`: build() with a warm cache into serve's own folder, and what the browsers must do.

A failed build changes nothing on disk (build() swaps its output in only when it succeeds), so the last
good site stays served; what changes is the page decoration, which then carries an overlay naming each
problem, and the browsers reload to show it. The next good build removes the overlay the same way.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from sitegen import markup  # noqa: F401 - loaded before serve starts threads: while it loads, it hides Pygments
from sitegen.build import BuildOptions, BuildResult, build
from sitegen.cache import CACHE_DIR, BuildCache
from sitegen.config import load_config
from sitegen.errors import SiteError, format_problems
from sitegen.serve_pages import page_decorator

RELOAD_PAGE = "*"  # LiveReload's "reload the whole page"


@dataclass(frozen=True, slots=True)
class Rebuild:
    """One build in a serve session, for the terminal and the browsers."""

    number: int
    changed: tuple[str, ...]  # the source files that triggered it, relative to the site; () for the first
    result: BuildResult | None  # None when sitegen itself failed (a bug)
    error: str = ""  # the traceback of such a failure
    reload: tuple[str, ...] = ()  # RELOAD_PAGE, or the URL paths of stylesheets to swap in place

    @property
    def ok(self) -> bool:
        return self.result is not None and self.result.ok


@dataclass(frozen=True, slots=True)
class Failure:
    """What the overlay shows while the last build failed."""

    headline: str
    lines: tuple[str, ...]


class PreviewBuilder:
    """Builds site_dir into output with base_url = origin + the site's own path prefix, keeping one warm cache."""

    def __init__(self, site_dir: Path, output: Path, origin: str, options: BuildOptions = BuildOptions()):
        self.site_dir, self.output, self.origin = site_dir, output, origin.rstrip("/")
        self.options = replace(options, output=output)
        # The site's own cache: a preview of a big archive starts from what `sitegen build` already knows.
        self.cache = BuildCache(site_dir / CACHE_DIR)
        self.prefix = "/"  # the path part of site.yaml's base_url, kept from the last readable site.yaml
        self.failure: Failure | None = None
        self.decorate: Callable[[bytes], bytes] = page_decorator()
        self._count = 0

    def rebuild(self, changed: tuple[str, ...] = ()) -> Rebuild:
        self._count += 1
        failure_before, prefix_before = self.failure, self.prefix
        self.prefix = self._site_prefix()
        options = replace(self.options, base_url=self.origin + self.prefix)
        try:
            result, error = build(self.site_dir, options, cache=self.cache), ""
        except Exception:  # noqa: BLE001 - a bug in sitegen: reported, and the last good site stays served
            result, error = None, traceback.format_exc()
        self.failure = _failure_of(result, error)
        if self.failure != failure_before:
            self.decorate = page_decorator(self.failure.headline, self.failure.lines) if self.failure \
                else page_decorator()
        moved = self.prefix != prefix_before or self.failure != failure_before
        return Rebuild(self._count, tuple(changed), result, error, reload_targets(result, self.prefix, moved))

    def close(self) -> None:
        """Forget the temporary output in the shared cache, and let go of it."""
        self.cache.forget_manifest(self.output)
        self.cache.set_meta(f"state:{self.output}", "")
        self.cache.close()

    def _site_prefix(self) -> str:
        try:
            return load_config(self.site_dir).path_prefix
        except SiteError:
            return self.prefix  # the build reports the broken site.yaml; keep serving where we were


def _failure_of(result: BuildResult | None, error: str) -> Failure | None:
    if result is None:
        last_line = error.strip().splitlines()[-1] if error.strip() else "unknown error"
        return Failure("Internal error in sitegen (a bug; the traceback is in the terminal).", (last_line,))
    if result.ok:
        return None
    count = len(result.problems)
    return Failure(f"Build failed: {count} problem{'s' * (count != 1)}.", tuple(format_problems(result.problems)))


def reload_targets(result: BuildResult | None, prefix: str, page_changed: bool) -> tuple[str, ...]:
    """What the browsers reload: the page when anything it shows may differ; changed CSS alone is swapped in place."""
    if page_changed:
        return (RELOAD_PAGE,)
    if result is None or not result.ok or not (result.written or result.removed):
        return ()
    if not result.removed and all(path.endswith(".css") for path in result.written):
        return tuple(prefix + path for path in result.written)
    return (RELOAD_PAGE,)
