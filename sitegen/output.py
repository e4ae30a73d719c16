"""Write a built site safely: stage into a sibling folder, keep unchanged files, swap it in whole.

A reader of the output folder (a web server, rsync, a deploy) sees the old site or the new one,
never a mix; an interrupted build leaves the old one. Unchanged files are hard links to the old
ones, so they keep their modification time and cost no writes.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping

from sitegen.errors import Problem, SiteError
from sitegen.routes import StaticFile

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]


def staging_dir(dest: Path) -> Path:
    return dest.with_name(f"{dest.name}.staging-{os.getpid()}")


def _old_dir(dest: Path) -> Path:
    return dest.with_name(f"{dest.name}.old-{os.getpid()}")


@contextmanager
def output_lock(dest: Path) -> Iterator[None]:
    """One build at a time per output folder; a second one waits for the first to finish."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest.with_name(f".{dest.name}.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(dest: Path) -> list[str]:
    """Undo what a killed build left: restore the old output if the swap was cut short, drop stale folders."""
    notes = []
    leftovers = sorted(dest.parent.glob(f"{dest.name}.old-*")) + sorted(dest.parent.glob(f"{dest.name}.staging-*"))
    for folder in leftovers:
        if not dest.exists() and ".old-" in folder.name:
            folder.rename(dest)
            notes.append(f"restored {dest.name}/ from an interrupted build")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            notes.append(f"removed {folder.name}/ left by an interrupted build")
    return notes


def write_site(files: Mapping[str, bytes], statics: list[StaticFile], dest: Path) -> WriteReport:
    """Stage every file, then swap the staging folder in for dest. Caller holds output_lock."""
    stage = staging_dir(dest)
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        written, unchanged = [], 0
        for rel, data in files.items():
            if _stage_bytes(stage, dest, rel, data):
                written.append(rel)
            else:
                unchanged += 1
        for static in statics:
            if _stage_bytes(stage, dest, static.output, static.source.read_bytes()):
                written.append(static.output)
            else:
                unchanged += 1
        removed = _removed_files(dest, set(files) | {s.output for s in statics})
        _swap_in(stage, dest)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        where = Path(exc.filename).name if exc.filename else dest.name
        raise SiteError([Problem(str(dest), None, f"cannot write the site: {exc.strerror} ({where})")]) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return WriteReport(tuple(written), unchanged, tuple(removed))


def _stage_bytes(stage: Path, dest: Path, rel: str, data: bytes) -> bool:
    """Put data at stage/rel; link the old file when its bytes are the same. True when the bytes changed."""
    target = _inside(stage, rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    old = dest / rel
    try:
        if not old.is_symlink() and old.stat().st_size == len(data) and old.read_bytes() == data:
            os.link(old, target)
            return False
    except OSError:
        pass  # no old file, or the filesystem has no hard links: write a fresh copy
    target.write_bytes(data)
    return True


def _inside(root: Path, rel: str) -> Path:
    """root/rel, refusing anything that would land outside root (no '..', no absolute paths)."""
    target = (root / rel).resolve()
    if os.path.commonpath([target, root.resolve()]) != str(root.resolve()):
        raise SiteError([Problem(rel, None, "output path would leave the output folder")])
    return target


def _removed_files(dest: Path, keep: set[str]) -> list[str]:
    if not dest.is_dir():
        return []
    return sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")
                  if not p.is_dir() and p.relative_to(dest).as_posix() not in keep)


def _swap_in(stage: Path, dest: Path) -> None:
    if not dest.exists():
        stage.rename(dest)
        return
    if _exchange(stage, dest):
        shutil.rmtree(stage)  # stage now holds the old site
        return
    old = _old_dir(dest)
    dest.rename(old)  # a kill between these two renames is repaired by recover()
    stage.rename(dest)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with Linux renameat2(RENAME_EXCHANGE); False when unavailable."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EXDEV, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))
