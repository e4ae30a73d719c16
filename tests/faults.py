"""Fault injection for tests and bench/: builds killed at chosen moments, run as another user, short of disk.

Everything here drives real processes: `sitegen build` children SIGKILLed by the parent at random
moments, forked builds that SIGKILL themselves at an exact step of the output swap, forked builds
without root's power over file permissions.
"""
from __future__ import annotations

import os
import pickle
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from conftest import NOW, SITE_YAML, Site, article
from sitegen import output
from sitegen.build import BuildOptions, build

NOBODY = 65534
SITEGEN = [sys.executable, "-m", "sitegen"]
EXTRA = "content/zz-extra.md"  # the article whose coming and going makes the 'old' and the 'new' site


def make_corpus(site: Site, count: int) -> None:
    for i in range(count):
        site.write(f"content/story-{i:04d}.md", article(
            f"Story {i}", f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "Paragraph.\n\n" * 20,
            tags=[f"tag{i % 30}", "All"], source=f"Outlet {i % 7}"))


def leftovers(site: Site) -> list[str]:
    """Staging folders and journals an interrupted build left beside the output."""
    return sorted(p.name for p in site.root.iterdir() if p.name.startswith(("build.", ".build.journal")))


def state(site: Site) -> str | None:
    """The output's tree hash, None when there is no output at all."""
    return site.tree_hash() if site.out.exists() else None


class TwoVersions:
    """A site that flips between two versions, without and with one more article, and knows the exact
    output of each (from cold builds into a folder of its own)."""

    def __init__(self, site: Site):
        self.site = site
        self.expected = {}
        for present in (False, True):
            self.show(present)
            cold = site.root.parent / "cold"
            shutil.rmtree(cold, ignore_errors=True)
            assert build(site.root, BuildOptions(output=cold, use_cache=False, now=NOW)).ok
            self.expected[present] = site.tree_hash("../cold")
        self.present = True

    def show(self, present: bool) -> None:
        path = self.site.root / EXTRA
        if present:
            path.write_text(article("The new story", "2026-06-06", "Fresh.", tags=["All", "Extra"]), encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
        self.present = present

    def flip(self) -> None:
        self.show(not self.present)

    def outcome(self) -> str:
        """After a kill and recovery: 'old', 'new' (or 'none' if there was no output before); else fail."""
        now = state(self.site)
        names = {self.expected[not self.present]: "old", self.expected[self.present]: "new", None: "none"}
        assert now in names, "build/ is a mix of two builds"
        assert leftovers(self.site) == [], "recovery left a staging folder or journal behind"
        return names[now]

    def complete(self) -> None:
        """The build after a kill (in-process, as the next run): exactly the current version."""
        assert build(self.site.root, BuildOptions(now=NOW)).ok
        assert state(self.site) == self.expected[self.present], "the build after a kill differs from a cold build"


def kill_at_random(versions: TwoVersions, rounds: int, rng: random.Random, fresh_every: int = 5,
                   command: bool = False) -> Counter:
    """SIGKILL a build after a random delay (up to 1.2 times an incremental build), `rounds` times, each
    time on the way from one version to the other; every `fresh_every` rounds from no build/ at all.
    After each kill: recover (what the next run does first), check, complete. Returns the outcomes.

    command=True runs `sitegen build` as a new process, as a user does (bench/); otherwise the build is
    a forked child, so that no delay is spent in interpreter start-up and every kill lands in the build.
    """
    site, outcomes = versions.site, Counter()
    start = _start_command if command else _start_fork
    versions.complete()  # from here on each round is an incremental build, as in daily use: time one
    versions.flip()
    started = time.perf_counter()
    _stop(start(site), None)
    duration = time.perf_counter() - started
    versions.complete()
    for round_number in range(rounds):
        versions.flip()
        if round_number % fresh_every == fresh_every - 1:
            shutil.rmtree(site.out)
        _stop(start(site), rng.uniform(0, duration * 1.2))
        output.recover(site.out)
        outcomes[versions.outcome()] += 1
        versions.complete()
    return outcomes


def _start_command(site: Site) -> int:
    return subprocess.Popen([*SITEGEN, "build", "--site", str(site.root), "-q"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).pid


def _start_fork(site: Site) -> int:
    pid = os.fork()
    if pid == 0:
        build(site.root, BuildOptions(now=NOW))
        os._exit(0)
    return pid


def _stop(pid: int, delay: float | None) -> None:
    """SIGKILL pid after delay seconds unless it ended first (delay None: wait for it)."""
    deadline = None if delay is None else time.monotonic() + delay
    while deadline is None or time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def build_killed_in_the_swap(site: Site, step: int) -> bool:
    """Build in a forked child that SIGKILLs itself right after the step-th file operation of the
    output swap (1 is the journal's rename, the commit point; then every file moved in or removed,
    every folder emptied). True when the child died there; False when the swap had fewer steps."""
    pid = os.fork()
    if pid == 0:
        _die_after_swap_steps(site.out, step)
        build(site.root, BuildOptions(now=NOW))
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def _die_after_swap_steps(out: Path, step: int) -> None:
    journal, done = output.journal_path(out), [0]

    def counted(operation: Callable) -> Callable:
        def run(*args, **kwargs):
            result = operation(*args, **kwargs)
            if journal.exists():  # from the commit point until the journal is dropped
                done[0] += 1
                if done[0] >= step:
                    os.kill(os.getpid(), signal.SIGKILL)
            return result
        return run

    os.replace, os.unlink, os.rmdir = counted(os.replace), counted(os.unlink), counted(os.rmdir)


@contextmanager
def shared_site() -> Iterator[Site]:
    """A site in a folder every user can reach (pytest's tmp_path is private to root), removed afterwards."""
    base = Path(tempfile.mkdtemp(prefix="sitegen-fault-", dir="/tmp"))
    try:
        base.chmod(0o755)
        site = Site(base / "site")
        site.write("site.yaml", SITE_YAML)
        yield site
    finally:
        for path in [base, *base.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


def give_to_nobody(folder: Path) -> None:
    if os.geteuid() == 0:
        for path in [folder, *folder.rglob("*")]:
            os.lchown(path, NOBODY, NOBODY)


def run_unprivileged(task: Callable[[], object]) -> object:
    """task() in a forked child that cannot override file permissions; its (picklable) result.

    Root ignores permission bits, so as root the child becomes 'nobody' first. The parent must have
    imported what task needs: after setuid the child may not read the interpreter's files under /root.
    """
    if os.geteuid() != 0:
        return task()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(reader)
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            outcome = ("ok", task())
        except BaseException as exc:  # noqa: BLE001 - carried to the parent and raised there
            outcome = ("error", f"{type(exc).__name__}: {exc}")
        with os.fdopen(writer, "wb") as pipe:
            pickle.dump(outcome, pipe)
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    status, value = pickle.loads(data)
    if status != "ok":
        raise AssertionError(f"the unprivileged child failed: {value}")
    return value
