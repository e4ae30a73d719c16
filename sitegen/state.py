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

from sitegen import __version__
from sitegen.cache import BuildCache
from sitegen.config import CONFIG_FILE
from sitegen.content import ContentFile
from sitegen.statics import STATIC_DIR
from sitegen.theme import template_dirs


def input_state(site_dir: Path, settings: str, content: list[ContentFile]) -> str:
    """Hash of sitegen's version, the build's settings, site.yaml and every input file's name, size and time."""
    digest = hashlib.sha256(f"{__version__}\0{settings}\0".encode())
    config = site_dir / CONFIG_FILE
    digest.update(config.read_bytes() if config.exists() else b"-")
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


def output_is_current(cache: BuildCache, output: Path, state: str, now: dt.datetime) -> bool:
    """True when the last build of output had these inputs, no article has come of age since, and output is intact."""
    saved = cache.meta(f"state:{output}")
    if not saved:
        return False
    record = json.loads(saved)
    if record["state"] != state or (record["until"] and now.astimezone(dt.timezone.utc).isoformat() >= record["until"]):
        return False
    manifest = cache.manifest(output)
    if not manifest:
        return False
    for rel, (size, mtime, _) in manifest.items():
        try:
            stat = os.stat(f"{output}/{rel}")
        except OSError:
            return False
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime):
            return False
    return True


def remember_state(cache: BuildCache, output: Path, state: str, until: dt.datetime | None) -> None:
    """Record the inputs of a build that succeeded; until is when its earliest left-out future article comes due."""
    stamp = until.astimezone(dt.timezone.utc).isoformat() if until else ""
    cache.set_meta(f"state:{output}", json.dumps({"state": state, "until": stamp}))


def forget_state(cache: BuildCache, output: Path) -> None:
    cache.set_meta(f"state:{output}", "")
