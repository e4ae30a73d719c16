"""Watch a site's sources (content/, templates/, static/, site.yaml) and report settled changes.

A polling thread, on purpose: it needs no inotify package, works on every filesystem (network mounts,
containers, WSL), and sees what editors do when they save (write a temporary file, rename it over the
original, delete a backup) as one change once the folder has been quiet for a moment. Hugo and Zola
both crashed or rebuilt several times on exactly those sequences (Hugo #2168, #15130; Zola #1324).

The callback runs on the watcher's thread, one call at a time, so rebuilds never overlap and never run
on the thread that answers HTTP requests.
"""
from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from typing import Callable

WATCHED = ("content", "templates", "static", "site.yaml")

# Hidden files and editors' droppings: never published, so never a reason to rebuild. Kept short on
# purpose: a file wrongly ignored leaves the preview stale, one wrongly watched costs a no-op rebuild.
IGNORED_PREFIXES = (".", "#")
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".crswap", ".kate-swp", "___jb_tmp___", "___jb_old___")
IGNORED_NAMES = ("4913",)  # vim's probe file, written and removed on every save

Snapshot = dict[str, tuple[int, int, int]]


def is_ignored(name: str) -> bool:
    return name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES) or name in IGNORED_NAMES


def take_snapshot(site_dir: str) -> Snapshot:
    """(mtime_ns, size, inode) of every watched file, by path relative to the site."""
    snapshot: Snapshot = {}
    for name in WATCHED:
        top = os.path.join(site_dir, name)
        if os.path.isdir(top):
            for folder, dirs, files in os.walk(top):
                dirs[:] = [d for d in dirs if not is_ignored(d)]
                for file in files:
                    if not is_ignored(file):
                        _add_stat(snapshot, site_dir, os.path.join(folder, file))
        else:
            _add_stat(snapshot, site_dir, top)
    return snapshot


def _add_stat(snapshot: Snapshot, site_dir: str, path: str) -> None:
    try:
        stat = os.stat(path)
    except OSError:
        return  # gone between listing and stat: the next scan reports it as removed
    snapshot[os.path.relpath(path, site_dir)] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def changed_paths(before: Snapshot, after: Snapshot) -> list[str]:
    """Files added, removed or modified between two snapshots."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


class SiteWatcher:
    """Polls the site; after a change, waits until two scans `settle` seconds apart agree, then calls on_change.

    The poll interval grows with the time a scan takes (at most ~10% of a core), so a site of many
    thousands of files is watched as cheaply as a small one, only a little less promptly.
    """

    def __init__(self, site_dir: str, on_change: Callable[[list[str]], None], interval: float = 0.1,
                 settle: float = 0.05, max_settle: float = 1.0):
        self.site_dir = site_dir
        self.on_change = on_change
        self.interval, self.settle, self.max_settle = interval, settle, max_settle
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sitegen-watch", daemon=True)
        self._current = take_snapshot(site_dir)
        self._scan_seconds = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(max(self.interval, 10 * self._scan_seconds)):
            latest = self._scan()
            if latest == self._current:
                continue
            latest = self._settled(latest)
            changed = changed_paths(self._current, latest)
            self._current = latest
            if changed and not self._stop.is_set():
                self._report(changed)

    def _report(self, changed: list[str]) -> None:
        try:
            self.on_change(changed)
        except Exception:  # noqa: BLE001 - a bug in one rebuild must not stop the watching
            traceback.print_exc(file=sys.stderr)

    def _settled(self, latest: Snapshot) -> Snapshot:
        """Rescan until the tree stops moving (an editor's save, a git checkout), at most max_settle seconds."""
        deadline = time.monotonic() + self.max_settle
        while time.monotonic() < deadline and not self._stop.wait(self.settle):
            again = self._scan()
            if again == latest:
                break
            latest = again
        return latest

    def _scan(self) -> Snapshot:
        started = time.perf_counter()
        snapshot = take_snapshot(self.site_dir)
        self._scan_seconds = time.perf_counter() - started
        return snapshot
