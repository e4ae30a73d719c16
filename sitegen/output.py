"""Write a built site safely: only changed bytes are written, and a build lands whole or not at all.

Changed files are first written into a staging folder beside the output. A first build renames that
folder into place. Later builds commit a journal (one atomic rename: the commit point) listing the
files to move in and to remove, then apply it with one atomic rename per file. A build killed before
the commit leaves the output as it was; one killed after it is completed by recover() at the next
start (roll forward). Unchanged files are never touched, so they keep their modification time.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sitegen.errors import Problem, SiteError


@dataclass(frozen=True, slots=True)
class WriteReport:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    manifest: dict  # rel -> (size, mtime_ns) of every file written this time


def staging_dir(dest: Path) -> Path:
    return dest.with_name(f"{dest.name}.staging-{os.getpid()}")


def journal_path(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.journal")


@contextmanager
def output_lock(dest: Path) -> Iterator[None]:
    """One build at a time per output folder; a second one waits for the first to finish."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        handle = open(dest.with_name(f".{dest.name}.lock"), "a")
    except OSError as exc:
        raise write_problem(exc, dest) from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover(dest: Path) -> list[str]:
    """Finish a build that was killed after its commit point; drop staging folders of ones killed before.

    A completed build may not have recorded what it wrote (the cache manifest): a marker file tells
    the next build to take stock of the folder itself (see take_replay_marker).
    """
    notes = []
    journal = journal_path(dest)
    if journal.exists():
        try:
            _apply(dest, json.loads(journal.read_text(encoding="utf-8")))
            _replay_marker(dest).touch()
            journal.unlink()
        except OSError as exc:
            raise write_problem(exc, dest, "an interrupted build is waiting to be completed there") from None
        notes.append(f"completed an interrupted build of {dest.name}/")
    for folder in sorted(dest.parent.glob(f"{dest.name}.staging-*")):
        shutil.rmtree(folder, ignore_errors=True)
        notes.append(f"removed {folder.name}/ left by an interrupted build")
    return notes


def _replay_marker(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.replayed")


def take_replay_marker(dest: Path) -> bool:
    """True (once) when recover() completed a build since the last call."""
    marker = _replay_marker(dest)
    if not marker.exists():
        return False
    marker.unlink()
    return True


class OutputWriter:
    """Stages the files of one build and commits them. Safe to share with forked workers while staging."""

    def __init__(self, dest: Path, manifest: dict[str, tuple[int, int, str]]):
        self.dest = dest
        self.manifest = manifest  # what the previous build wrote: rel -> (size, mtime_ns, sha)
        self.stage = staging_dir(dest)
        self.first = not dest.exists()
        self._made: set[str] = set()  # staging folders already created (by this process)
        shutil.rmtree(self.stage, ignore_errors=True)
        try:
            self.stage.mkdir(parents=True)
        except OSError as exc:
            raise write_problem(exc, dest) from None

    def is_current(self, rel: str, sha: str | None) -> bool:
        """True when the output already holds bytes with this sha, untouched since sitegen wrote them."""
        known = self.manifest.get(rel)
        if sha is None or known is None or known[2] != sha or self.first:
            return False
        try:
            stat = os.stat(f"{self.dest}/{rel}")
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == known[:2]

    def put(self, rel: str, data: bytes) -> tuple[str, tuple[int, int] | None]:
        """Stage data for rel unless the output already holds these bytes: its sha, and the staged
        file's (size, mtime_ns), or None when nothing was staged. The stamp is taken from the open file
        here, in the worker, rather than by a stat of every file after the commit (renames keep it)."""
        sha = hashlib.sha256(data).hexdigest()
        if not self.first and (self.is_current(rel, sha) or _same_bytes(self.dest / rel, data)):
            return sha, None
        # The staging folder is new and ours, and routes never hold '..' (routes.find_collisions),
        # so no symlink check is needed here; _apply checks every path it moves into the output.
        folder = os.path.dirname(rel)
        try:
            if folder not in self._made:
                _make_folder(os.path.join(self.stage, folder))
                self._made.add(folder)
            with open(os.path.join(self.stage, rel), "wb") as handle:
                handle.write(data)
                handle.flush()
                stat = os.fstat(handle.fileno())
        except OSError as exc:  # a full disk, a file name too long for this file system
            raise write_problem(exc, self.dest) from None
        return sha, (stat.st_size, stat.st_mtime_ns)

    def commit(self, staged: dict[str, tuple[int, int]], keep: set[str] | None) -> WriteReport:
        """Make the staged files (rel -> the stamp put gave) the output; remove what is not in keep
        (nothing when keep is None: a build of part of the site). Caller holds output_lock."""
        pending = journal_path(self.dest).with_suffix(".tmp")
        written = sorted(staged)  # in path order whatever order they rendered in: the same first problem
        try:
            removed = [] if self.first or keep is None else sorted(self._previous_files() - keep)
            if self.first:
                self.stage.rename(self.dest)
            else:
                # Checked before the commit point: a folder refusing a file after it would leave a mix.
                _check_writable(self.dest, [*written, *removed])
                plan = {"staging": self.stage.name, "write": written, "remove": removed}
                pending.write_text(json.dumps(plan), encoding="utf-8")
                os.replace(pending, journal_path(self.dest))  # the commit point
        except OSError as exc:
            pending.unlink(missing_ok=True)
            self.discard()
            raise write_problem(exc, self.dest) from None
        try:
            if not self.first:
                _apply(self.dest, plan)
            return WriteReport(tuple(written), tuple(removed), staged)
        except OSError as exc:  # past the commit point: the staging folder stays, for recover() to finish with
            raise write_problem(exc, self.dest, "run the build again to complete it") from None

    def finish(self) -> None:
        """Drop the journal once the build's own record of the output is up to date (see recover)."""
        journal_path(self.dest).unlink(missing_ok=True)

    def discard(self) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)

    def _previous_files(self) -> set[str]:
        if self.manifest:
            return set(self.manifest)
        # No record of the last build (a new cache): look at what is there.
        return {p.relative_to(self.dest).as_posix() for p in self.dest.rglob("*") if not p.is_dir()}


def write_problem(exc: OSError, dest: Path, hint: str = "") -> SiteError:
    where = Path(exc.filename) if exc.filename else dest
    where = where.relative_to(dest.parent) if where.is_relative_to(dest.parent) else where
    return SiteError([Problem(str(dest), None, f"cannot write the site: {exc.strerror} ({where})", hint)])


def _check_writable(dest: Path, rels: list[str]) -> None:
    """OSError(EACCES) unless every folder that files move into or out of can be written (read-only
    folders and file systems; os.access answers for root as root's writes will)."""
    checked: set[Path] = set()
    for rel in rels:
        folder = (dest / rel).parent
        while folder != dest and not folder.exists():  # made by _apply inside the nearest existing one
            folder = folder.parent
        if folder not in checked:
            if not os.access(folder, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
            checked.add(folder)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return not path.is_symlink() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _apply(dest: Path, plan: dict) -> None:
    """Remove the old files and move the staged ones into dest; safe to run again after a kill.

    Removals go first: a reader who sees a page's new address never finds the old one still there.
    """
    stage = dest.with_name(plan["staging"])
    for rel in plan["remove"]:
        target = _inside(dest, rel)
        target.unlink(missing_ok=True)
        _prune_empty_parents(dest, target.parent)
    for rel in plan["write"]:
        source = stage / rel
        if source.exists():
            target = _inside(dest, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    shutil.rmtree(stage, ignore_errors=True)


def _prune_empty_parents(root: Path, folder: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _inside(root: Path, rel: str) -> Path:
    """root/rel, refusing anything that would land outside root ('..', absolute paths, symlinked folders)."""
    target = root / rel
    real_root = os.path.realpath(root)
    real_target = os.path.join(os.path.realpath(target.parent), target.name)  # '..' as the last part too
    if (os.path.isabs(rel) or target.name in ("", ".", "..") or real_target == real_root
            or os.path.commonpath([real_target, real_root]) != real_root):
        raise SiteError([Problem(rel, None, "output path would leave the output folder")])
    return target


def _make_folder(path: str) -> None:
    """os.makedirs(path, exist_ok=True) without its stat of the parent when the parent exists, as it
    mostly does (a page's folder in a section's): 20,000 times a cold build."""
    try:
        os.mkdir(path)
    except FileExistsError:
        if not os.path.isdir(path):
            raise
    except FileNotFoundError:
        os.makedirs(path, exist_ok=True)
