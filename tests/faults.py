"""Fault injection for tests and bench/: builds run as another user, killed at chosen moments, short of disk.

Everything here drives real processes: `sitegen build` as a child, SIGKILL from the parent, a child
whose file-size limit stands in for a full disk, a forked child without root's power over permissions.
"""
from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from conftest import SITE_YAML, Site, article

NOBODY = 65534
SITEGEN = [sys.executable, "-m", "sitegen"]


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


def make_corpus(site: Site, count: int) -> None:
    for i in range(count):
        site.write(f"content/story-{i:04d}.md", article(
            f"Story {i}", f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}", "Paragraph.\n\n" * 20,
            tags=[f"tag{i % 30}", "All"], source=f"Outlet {i % 7}"))


def leftovers(site: Site) -> list[str]:
    """Staging folders and journals an interrupted build left beside the output."""
    return sorted(p.name for p in site.root.iterdir() if p.name.startswith(("build.", ".build.journal")))


def start_build(site: Site, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([*SITEGEN, "build", "--site", str(site.root), "-q"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, **(env or {})})


def kill_after(proc: subprocess.Popen, delay: float) -> int:
    """SIGKILL proc after delay seconds (unless it ended); its exit code."""
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    return proc.returncode


def timed_build(site: Site) -> float:
    started = time.perf_counter()
    subprocess.run([*SITEGEN, "build", "--site", str(site.root), "-q"], check=True)
    return time.perf_counter() - started
