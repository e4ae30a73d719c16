#!/usr/bin/env python3
"""Benchmark sitegen against Hugo and Pelican on the shared corpus, in one run, on one machine.

    python bench/run.py                    # N = 1,000 and 10,000 (all three), 50,000 (sitegen)
    python bench/run.py --n 50000 --only sitegen
    python bench/run.py --write docs/benchmarks.md
    python bench/run.py --workdir /tmp/sitegen-bench   # on disk instead of /dev/shm

For each generator and N: a cold build (no caches), a rebuild with nothing changed, a rebuild after
editing one article's body, a rebuild after adding one article, then after editing another body;
wall time, peak memory (largest process) and files in the output; each figure is the median of three
rounds (--rounds), the corpus restored between them. Ratios against the peers in the same run are what count.
Install the peers first with bench/setup (Debian's hugo, Pelican from PyPI).
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS_SCRIPT = REPO.parent / "shared" / "bench" / "make_corpus.py"
SITEGEN = [sys.executable, "-m", "sitegen"]


def run(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of the largest process of a command that must succeed."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


class Tool:
    name = ""
    output = ""

    def __init__(self, root: Path):
        self.root = root

    def clean(self) -> None:
        shutil.rmtree(self.root / self.output, ignore_errors=True)

    def build(self) -> tuple[float, int]:
        raise NotImplementedError

    def files(self) -> int:
        return sum(1 for p in (self.root / self.output).rglob("*") if p.is_file())

    def article_dir(self) -> Path:
        return self.root / "content"


class Sitegen(Tool):
    name, output = "sitegen", "build"

    def clean(self) -> None:
        super().clean()
        shutil.rmtree(self.root / ".sitegen-cache", ignore_errors=True)

    def build(self):
        return run([*SITEGEN, "build", "-q", "--site", str(self.root)], self.root)


class Hugo(Tool):
    name, output = "hugo", "public"

    def build(self):
        return run(["hugo", "--quiet", "-d", self.output], self.root)

    def article_dir(self) -> Path:
        return self.root / "content" / "posts"


class Pelican(Tool):
    name, output = "pelican", "output"

    def clean(self) -> None:
        super().clean()
        shutil.rmtree(self.root / "cache", ignore_errors=True)

    def build(self):
        return run([str(Path(sys.executable).parent / "pelican"), "content", "-o", self.output, "-s",
                    "pelicanconf.py", "-q"], self.root)


TOOLS = {"sitegen": Sitegen, "hugo": Hugo, "pelican": Pelican}


def make_corpus(fmt: str, n: int, root: Path) -> None:
    if not (root / "content").exists():
        subprocess.run([sys.executable, str(CORPUS_SCRIPT), "--n", str(n), "--out", str(root), "--format", fmt,
                        "--seed", "1"], check=True)


def edit_one(tool: Tool, at: float = 0.5) -> tuple[Path, str]:
    """Append a sentence to the article at this fraction of the sorted list (the middle one unless
    told); (its path, its text before) to restore it."""
    paths = sorted(tool.article_dir().glob("*.md"))
    path = paths[int(len(paths) * at)]
    before = path.read_text(encoding="utf-8")
    path.write_text(before + "\nOne more sentence, added by the benchmark.\n", encoding="utf-8")
    return path, before


def add_one(tool: Tool) -> Path:
    source = sorted(tool.article_dir().glob("*.md"))[0]
    text = source.read_text(encoding="utf-8").replace("Title: ", "Title: Added ", 1).replace(
        'title: "', 'title: "Added ', 1).replace("Slug: ", "Slug: added-", 1)
    added = tool.article_dir() / f"zz-added-{source.name}"
    added.write_text(text, encoding="utf-8")
    return added


def measure(tool: Tool, rounds: int) -> dict:
    """The median of each figure over rounds of (cold, no change, edit one, add one, edit after add),
    the corpus put back as it was after each; the largest peak memory of the cold builds."""
    runs = []
    for _ in range(rounds):
        tool.clean()
        cold, cold_mem = tool.build()
        files = tool.files()
        again, _ = tool.build()
        edited_path, before = edit_one(tool)
        edited, _ = tool.build()
        added_path = add_one(tool)
        added, _ = tool.build()
        # The newsroom's day: an edit after a story was added (a full build for sitegen, which must
        # leave the next edit as small as ever).
        second_path, second_before = edit_one(tool, at=0.25)
        edit_after_add, _ = tool.build()
        edited_path.write_text(before, encoding="utf-8")
        second_path.write_text(second_before, encoding="utf-8")
        added_path.unlink()
        runs.append({"cold": cold, "mem": cold_mem, "again": again, "edit": edited, "add": added,
                     "edit_after_add": edit_after_add, "files": files})
    median = {key: statistics.median(run[key] for run in runs)
              for key in ("cold", "again", "edit", "add", "edit_after_add")}
    return {**median, "mem": max(run["mem"] for run in runs), "files": runs[0]["files"]}


def versions(names: list[str]) -> dict:
    found = {"python": platform.python_version()}
    probes = {"sitegen": [*SITEGEN, "--version"], "hugo": ["hugo", "version"],
              "pelican": [str(Path(sys.executable).parent / "pelican"), "--version"]}
    for name in names:
        try:
            found[name] = subprocess.run(probes[name], capture_output=True, text=True).stdout.strip().split("\n")[0]
        except OSError:
            found[name] = "not installed"
    return found


def table(results: dict) -> str:
    lines = ["| N | generator | cold build | no change | edit one | add one | edit after add | peak memory | files | "
             "cold vs sitegen |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for n, by_tool in results.items():
        base = by_tool.get("sitegen", {}).get("cold")
        for name, r in by_tool.items():
            ratio = f"{r['cold'] / base:.2f}×" if base else ""
            lines.append(f"| {n:,} | {name} | {r['cold']:.2f} s | {r['again']:.2f} s | {r['edit']:.2f} s | "
                         f"{r['add']:.2f} s | {r['edit_after_add']:.2f} s | {r['mem']} MiB | {r['files']:,} | {ratio} |")
    return "\n".join(lines)


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("at least 1")
    return value


def default_workdir() -> Path:
    """A RAM-backed folder when the machine has one. On the disk of the benchmark machine (ext4 mounted
    with online discard), creating files where many were just deleted, as every cold build does, ran
    from 0.06 to 1.3 ms a file from one run to the next: the same build took 17 s or 30 s, for sitegen
    and the peers alike. In RAM the run measures the generators, not the disk's discard queue."""
    shm = Path("/dev/shm")
    return shm / "sitegen-bench" if shm.is_dir() and os.access(shm, os.W_OK) else Path("/tmp/sitegen-bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--peers-up-to", type=int, default=10000,
                        help="build with Hugo and Pelican only up to this N (Pelican takes minutes a build beyond)")
    parser.add_argument("--only", nargs="+", choices=sorted(TOOLS), default=sorted(TOOLS))
    parser.add_argument("--workdir", type=Path, default=default_workdir(),
                        help="where corpora and outputs go (default: a RAM-backed /dev/shm when there is one)")
    parser.add_argument("--rounds", type=_at_least_one, default=3,
                        help="rounds per generator and N; each figure is the median (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the corpora and outputs (in RAM by default)")
    parser.add_argument("--write", type=Path, help="also write the table into this Markdown file")
    args = parser.parse_args()
    if not CORPUS_SCRIPT.exists():
        raise SystemExit(f"corpus script not found: {CORPUS_SCRIPT}")
    names = [n for n in ("sitegen", "hugo", "pelican") if n in args.only]
    # Installed from PyPI, sitegen's modules come compiled (pip writes the .pyc files). From a checkout,
    # Python compiles them on first use, and never keeps them when PYTHONDONTWRITEBYTECODE is set (as
    # on the CI machine): every build would then measure 40 ms of compiling sitegen's own source.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "sitegen")], check=True,
                   stdout=subprocess.DEVNULL)
    results: dict = {}
    for n in args.n:
        results[n] = {}
        for name in names:
            if name != "sitegen" and n > args.peers_up_to:
                continue
            root = args.workdir / f"{name}-{n}"
            shutil.rmtree(root, ignore_errors=True)  # edits from an earlier run must not leak in
            make_corpus(name, n, root)
            print(f"N={n:,} {name} ...", file=sys.stderr, flush=True)
            results[n][name] = measure(TOOLS[name](root), args.rounds)
            if not args.keep:  # a 50,000-article corpus and its output take gigabytes of /dev/shm
                shutil.rmtree(root, ignore_errors=True)
    report = table(results)
    print(report)
    if args.write:
        write_report(args.write, report, versions(names), args.workdir)


def write_report(path: Path, report: str, found: dict, workdir: Path) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, files in {workdir}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    marker = "<!-- bench:table -->"
    block = (f"{marker}\nMeasured {time.strftime('%Y-%m-%d')} on {machine}.\n"
             f"Versions: {', '.join(f'{k} {v}' for k, v in found.items())}.\n\n{report}\n{marker}")
    if marker in text:
        start, _, rest = text.partition(marker)
        _, _, end = rest.partition(marker)
        text = start + block + end
    else:
        text += "\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    main()
