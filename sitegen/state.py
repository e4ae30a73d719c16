"""A fingerprint of everything a build reads, so that a rebuild with nothing changed stops at once.

It is made from names, sizes and modification times (no file is read but site.yaml), and it is
trusted only while the output still holds exactly what sitegen wrote there, checked file by file.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Iterable

from sitegen import __version__
from sitegen.cache import BuildCache
from sitegen.config import CONFIG_FILE
from sitegen.content_files import ContentFile
from sitegen.sitedirs import STATIC_DIR, template_dirs


def input_state(site_dir: Path, settings: str, content: list[ContentFile]) -> str:
    """Hash of sitegen's version, the build's settings, site.yaml and every input file's name, size and time."""
    digest = hashlib.sha256(f"{__version__}\0{settings}\0".encode())
    try:
        digest.update((site_dir / CONFIG_FILE).read_bytes())
    except OSError:  # missing (all defaults) or unreadable (the build itself says why)
        digest.update(b"-")
    digest.update("".join(f"{f.path}\0{f.size}\0{f.mtime_ns}\n" for f in content).encode("utf-8", "surrogatepass"))
    folders = [*template_dirs(site_dir), site_dir / STATIC_DIR]
    for path in (p for folder in folders for p in _files(folder)):
        try:
            stat = path.stat()
        except OSError:
            continue  # gone between listing and looking: a different state either way
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        found += [Path(root, name) for name in sorted(names)]
    return found


def output_is_current(cache: BuildCache, output: Path, state: str, now: dt.datetime) -> tuple[str, ...] | None:
    """The notes of the last build of output when it had these inputs, no article has come of age since, and
    the output is intact; None when it must be built."""
    saved = cache.meta(f"state:{output}")
    if not saved:
        return None
    record = json.loads(saved)
    if record["state"] != state or (record["until"] and now.astimezone(dt.timezone.utc).isoformat() >= record["until"]):
        return None
    return tuple(record["notes"]) if output_intact(output, cache.manifest_stamps(output)) else None


def output_intact(output: Path, stamps: Iterable[tuple[str, int, int]]) -> bool:
    """True when the manifest (rel, size, mtime rows) lists files and every one is in the output with the
    size and time sitegen left it with."""
    listed = False
    for rel, size, mtime in stamps:
        try:
            stat = os.stat(f"{output}/{rel}")
        except OSError:
            return False
        if stat.st_size != size or stat.st_mtime_ns != mtime:
            return False
        listed = True
    return listed


def remember_state(cache: BuildCache, output: Path, state: str, until: dt.datetime | None,
                   notes: tuple[str, ...]) -> None:
    """Record the inputs of a build that succeeded, its notes, and when its earliest left-out future article comes due."""
    stamp = until.astimezone(dt.timezone.utc).isoformat() if until else ""
    cache.set_meta(f"state:{output}", json.dumps({"state": state, "until": stamp, "notes": list(notes)}))


def forget_state(cache: BuildCache, output: Path) -> None:
    cache.set_meta(f"state:{output}", "")
