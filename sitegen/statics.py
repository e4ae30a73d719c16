"""Files copied as they are: the theme's assets, then the site's static/ folder (the site wins)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sitegen.errors import Problem, SiteError
from sitegen.routes import StaticFile
from sitegen.sitedirs import STATIC_DIR, THEME_ASSETS, template_dirs


def find_static_files(site_dir: Path) -> list[StaticFile]:
    """Theme assets go under /assets/, the site's static/ to the site root (as in Hugo)."""
    chosen: dict[str, StaticFile] = {}
    for theme_dir in reversed(template_dirs(site_dir)):  # built-in first, so the site's own win
        for path in _files_under(theme_dir / THEME_ASSETS, site_dir):
            rel = f"{THEME_ASSETS}/{path.relative_to(theme_dir / THEME_ASSETS).as_posix()}"
            chosen[rel] = StaticFile(path, rel, _owner(site_dir, path))
    for path in _files_under(site_dir / STATIC_DIR, site_dir):
        rel = path.relative_to(site_dir / STATIC_DIR).as_posix()
        chosen[rel] = StaticFile(path, rel, _owner(site_dir, path))
    return sorted(chosen.values(), key=lambda s: s.output)


def _files_under(root: Path, site_dir: Path) -> list[Path]:
    """Regular files below root, skipping hidden ones and symlinks that lead out of the site."""
    if not root.is_dir():
        return []
    site = site_dir.resolve()
    found = []
    for path in sorted(root.rglob("*")):
        rel_parts = path.relative_to(root).parts
        if any(part.startswith(".") for part in rel_parts) or not path.is_file():
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(site):
            continue
        found.append(path)
    return found


def _owner(site_dir: Path, path: Path) -> str:
    return path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)


def read_static(static: StaticFile) -> bytes:
    """The bytes of a file to copy; a problem, not a crash, when it went away since it was listed."""
    with _reading(static):
        return static.source.read_bytes()


def static_stat(static: StaticFile) -> os.stat_result:
    with _reading(static):
        return static.source.stat()


@contextmanager
def _reading(static: StaticFile) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise SiteError([Problem(static.owner, None, f"cannot read: {exc.strerror}")]) from None
