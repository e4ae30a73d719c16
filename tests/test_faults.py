"""Faults from outside sitegen: kills at any moment, two builds at once, a full disk, read-only folders.

After each one, build/ is the old site or the new one (equal tree hashes), never a mix, nothing the
newsroom wrote is touched, no staging folder or journal is left behind once the next build has run,
and the message says what happened. Bench: bench/kill_builds.py runs the kill test 100+ times.
"""
from __future__ import annotations

import errno
import os
import random
import re
import resource
import signal
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import NOW, article
from faults import (SITEGEN, TwoVersions, build_killed_in_the_swap, give_to_nobody, kill_at_random, leftovers,
                    make_corpus, run_unprivileged, shared_site)
from sitegen import output
from sitegen.build import BuildOptions, build


def build_as_nobody(site_root: Path) -> tuple[bool, list[str]]:
    return run_unprivileged(lambda: _outcome(build(site_root, BuildOptions(now=NOW))))


def _outcome(result) -> tuple[bool, list[str]]:
    return result.ok, [str(p) for p in result.problems]


@pytest.fixture
def unprivileged_site():
    with shared_site() as site:
        site.write("content/a.md", article("First story", "2026-01-01", tags=["Alpha"]))
        site.write("content/b.md", article("Second story", "2026-01-02", tags=["Beta"]))
        assert site.build().ok
        yield site


@pytest.mark.parametrize("read_only,where", [("build", "build/2026"), ("build/tags", "build/tags"),
                                             (".", "build.staging-")])
def test_read_only_output_keeps_the_old_site_whole_notes_4_3(unprivileged_site, read_only, where):
    # A folder refusing files after the commit point used to leave a mix of two builds, and a
    # read-only parent folder ended in a PermissionError traceback.
    site = unprivileged_site
    old = site.tree_hash()
    (site.root / "content" / "b.md").unlink()
    site.write("content/c.md", article("Third story", "2026-01-03", tags=["Gamma"]))
    give_to_nobody(site.root)
    folders = [p for p in [site.root / read_only, *(site.root / read_only).rglob("*")] if p.is_dir()]
    for folder in folders if read_only != "." else [site.root]:
        folder.chmod(0o555)
    ok, problems = build_as_nobody(site.root)
    for folder in folders:
        folder.chmod(0o755)
    assert not ok and len(problems) == 1
    assert problems[0].startswith(f"{site.out}: cannot write the site: Permission denied ({where}")
    assert site.tree_hash() == old
    assert leftovers(site) == []
    assert site.build().ok and site.tree_hash() == _cold_build_hash(site)


def _cold_build_hash(site) -> str:
    cold = site.root.parent / "cold"
    assert build(site.root, BuildOptions(now=NOW, output=cold, use_cache=False)).ok
    return site.tree_hash("../cold")


def test_builds_killed_at_random_moments_leave_the_old_or_the_new_site_never_a_mix(site):
    # SIGKILL from the parent at a random moment of the build, 25 times; every fifth time there was
    # no build/ yet. After each: recovery, the tree hash is one of the two versions, no staging folder
    # or journal is left, and the next build equals a cold build. bench/kill_builds.py: 100+ kills of
    # `sitegen build` processes on the 1,000-article corpus.
    make_corpus(site, 30)
    outcomes = kill_at_random(TwoVersions(site), rounds=25, rng=random.Random(8))
    assert sum(outcomes.values()) == 25 and set(outcomes) <= {"old", "new", "none"}


def test_builds_killed_at_every_step_of_the_swap_recover_old_or_new(site):
    # Deterministic: the build kills itself right after the journal's rename (the commit point), after
    # a file moved in or removed, after a folder emptied: every third such step until a swap ends
    # unharmed (bench/kill_builds.py --swap: every step).
    versions = TwoVersions(site)
    versions.complete()
    seen, step = Counter(), 1
    while True:
        versions.flip()
        killed = build_killed_in_the_swap(site, step)
        output.recover(site.out)
        seen[versions.outcome()] += 1
        versions.complete()
        if not killed:
            break
        step += 3
    assert step > 10, "the swap has a step for every file it moves or removes"
    assert seen == {"new": len(range(1, step + 1, 3))}, "after the commit point, recovery completes the new site"


def test_two_builds_started_at_once_take_turns(site):
    make_corpus(site, 60)
    site.build()
    site.write("content/zz-new.md", article("Both builds see this", "2026-06-06"))
    procs = [subprocess.Popen([*SITEGEN, "build", "--site", str(site.root)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], results
    written = sorted(int(out.split(": ")[1].split()[0]) for out, _ in results)
    assert written[0] == 0 and written[1] > 0, "the second waited for the first, then found nothing to write"
    assert leftovers(site) == []
    assert site.tree_hash() == _cold_build_hash(site)


@pytest.mark.parametrize("limit", [4096, 400_000])
def test_a_full_disk_is_a_clear_error_and_keeps_the_old_site(site, limit):
    # RLIMIT_FSIZE makes writes past `limit` bytes fail with EFBIG, as a full disk fails them (here the
    # build cache, which holds every page's body, grows past it first).
    make_corpus(site, 40)
    site.build()
    old = site.tree_hash()
    site.write("content/zz-big.md", article("Big", "2026-07-07", "word " * 100_000))

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([*SITEGEN, "build", "--site", str(site.root)], capture_output=True, text=True,
                          preexec_fn=limit_file_size, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "cannot write the build cache: disk I/O error (free some disk space, or delete the folder" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert site.tree_hash() == old
    assert leftovers(site) == []
    assert site.build().ok and site.tree_hash() == _cold_build_hash(site)


@pytest.mark.parametrize("jobs,failing_file", [(1, 1), (1, 30), (2, 20)])
def test_no_space_left_while_staging_is_a_problem_notes_4_3(site, monkeypatch, jobs, failing_file):
    # ENOSPC at the n-th file written into the staging folder (in worker processes with jobs=2): it
    # used to end the build with an OSError traceback.
    make_corpus(site, 250)
    site.build()
    old = site.tree_hash()
    site.write("content/zz-new.md", article("New", "2026-07-07"))
    written = [0]

    def open_until_the_disk_is_full(path, mode="r", *args, **kwargs):
        if "w" in mode:
            written[0] += 1
            if written[0] >= failing_file:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(output, "open", open_until_the_disk_is_full, raising=False)
    result = site.build(use_cache=False, jobs=jobs)
    assert not result.ok and len(result.problems) == 1
    assert re.fullmatch(rf"{site.out}: cannot write the site: No space left on device \(build\.staging-\d+/.+\)",
                        str(result.problems[0]))
    assert site.tree_hash() == old
    assert leftovers(site) == []
    monkeypatch.undo()
    assert site.build().ok and site.tree_hash() == _cold_build_hash(site)


def test_unreadable_files_and_folders_are_named_notes_row_33(unprivileged_site):
    site = unprivileged_site
    site.write("content/locked.md", article("Locked", "2026-01-05"))
    site.write("content/private/inside.md", article("Private", "2026-01-06"))
    give_to_nobody(site.root)
    (site.root / "content" / "locked.md").chmod(0o000)
    (site.root / "content" / "private").chmod(0o000)
    old = site.tree_hash()
    ok, problems = build_as_nobody(site.root)
    assert not ok and sorted(problems) == ["content/locked.md: cannot read file: Permission denied",
                                           "content/private: cannot list folder: Permission denied"]
    assert site.tree_hash() == old


def test_a_worker_whose_parent_died_before_it_started_exits_at_once():
    """Regression (CI hang, 2026-11-26): a build killed between forking a worker and the worker's
    PR_SET_PDEATHSIG left the worker waiting forever with the build's lock file open."""
    from sitegen import workers

    pid = os.fork()
    if pid == 0:  # the worker's start-up, told its parent was another process (as after a reparenting)
        workers._die_with_parent(os.getppid() + 1 if os.getppid() > 1 else 2)
        os._exit(0)  # not reached when the check works
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1


def test_work_meant_for_meanwhile_runs_in_the_parent_while_workers_work_and_before_any_result(tmp_path):
    """map_in_workers(meanwhile=...): the plan's rows are written this way while the pages render."""
    import time

    from sitegen.workers import MIN_ITEMS_FOR_WORKERS, map_in_workers

    marker = tmp_path / "a chunk was done"
    for jobs, count in ((2, MIN_ITEMS_FOR_WORKERS * 2), (1, 10)):
        marker.unlink(missing_ok=True)
        events = []

        def chunk_done(chunk):
            marker.touch()
            return os.getpid(), time.monotonic(), len(chunk)

        def meanwhile():
            deadline = time.monotonic() + 10
            while jobs > 1 and not marker.exists() and time.monotonic() < deadline:
                time.sleep(0.01)  # forked workers do chunks while this runs
            events.append((os.getpid(), marker.exists(), time.monotonic()))

        results = list(map_in_workers(chunk_done, list(range(count)), jobs, 50, meanwhile=meanwhile))
        (pid, saw_a_chunk, ended), = events
        assert sum(n for _, _, n in results) == count and pid == os.getpid()
        if jobs > 1:
            assert saw_a_chunk and os.getpid() not in {pid for pid, _, _ in results}
        else:  # in this process: before the first chunk
            assert not saw_a_chunk and ended < min(at for _, at, _ in results)
