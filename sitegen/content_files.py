"""Where the articles are: every *.md below content/, walked safely.

Symlinks are followed only while they stay inside the site, every folder is listed once (a link to a
parent folder cannot send the walk round in circles), only regular files are read (a FIFO would
block the build forever), and entries that vanish while listing are simply not there.
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.errors import Problem

CONTENT_DIR = "content"


@dataclass(frozen=True, slots=True)
class ContentFile:
    """A content file as listed: its path and what a stat said, the identity the parse memo keys on."""

    path: str  # absolute
    mtime_ns: int
    size: int


def find_content_files(site_dir: Path) -> list[Path]:
    """Every *.md below content/, sorted, skipping hidden and '_' files and folders (editor droppings, drafts of drafts)."""
    return [Path(f.path) for f in scan_content(site_dir)[0]]


def scan_content(site_dir: Path) -> tuple[list[ContentFile], list[Problem]]:
    """The content files, each stat-ed once (see find_content_files), and the problems of entries that cannot be followed."""
    site = os.path.realpath(site_dir)
    found: list[ContentFile] = []
    problems: list[Problem] = []
    listed: set[str] = set()
    pending = [str(site_dir / CONTENT_DIR)] if (site_dir / CONTENT_DIR).is_dir() else []
    while pending:  # os.scandir: pathlib's rglob is several times slower on archives of 10,000 files
        folder = pending.pop()
        if os.path.realpath(folder) in listed:
            continue
        listed.add(os.path.realpath(folder))
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not entry.name.startswith((".", "_")):
                        _sort_entry(site_dir, site, entry, pending, found, problems)
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(Problem(_site_path(site_dir, folder), None, f"cannot list folder: {exc.strerror}"))
    return sorted(found, key=lambda f: f.path), problems


def _sort_entry(site_dir: Path, site: str, entry: os.DirEntry, folders: list, files: list, problems: list) -> None:
    """Put a folder entry where it belongs: a folder to list, a content file, or a problem."""
    if entry.is_symlink():
        target = os.path.realpath(entry.path)
        if os.path.commonpath([target, site]) != site:
            problems.append(Problem(_site_path(site_dir, entry.path), None,
                                    f"symlink points outside the site ({target}); not followed"))
            return
    try:
        if entry.is_dir():
            folders.append(entry.path)
        elif entry.name.endswith(".md"):
            if not entry.is_file():  # a FIFO would block the build forever; a dangling link reads nothing
                problems.append(Problem(_site_path(site_dir, entry.path), None,
                                        "not a regular file (a broken symlink, a device or a pipe)"))
            else:
                stat = entry.stat()
                files.append(ContentFile(entry.path, stat.st_mtime_ns, stat.st_size))
    except FileNotFoundError:
        return  # deleted since the folder was listed: the build shows the folder as it is now
    except OSError as exc:
        message = "symlink loop; not followed" if exc.errno == errno.ELOOP else f"cannot read: {exc.strerror}"
        problems.append(Problem(_site_path(site_dir, entry.path), None, message))


def _site_path(site_dir: Path, path: str) -> str:
    # Only for messages: pathlib costs more than the whole walk when done for 10,000 files.
    return Path(path).relative_to(site_dir).as_posix()
