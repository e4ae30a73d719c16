#!/usr/bin/env python3
"""SIGKILL `sitegen build` at 100+ random moments, and at every step of the output swap; report what was left.

    python bench/kill_builds.py                       # 100 kills on the 1,000-article shared corpus
    python bench/kill_builds.py --kills 300 --n 1000 --seed 2 --swap-stride 1

The CI version (tests/test_faults.py) does the same with 25 kills on a small site. After every kill:
recovery as the next run does it, then build/ must be exactly the old site or the new one (tree
hashes from cold builds), no staging folder or journal may be left, and the next build must equal a
cold build. Any other outcome stops the run with an AssertionError (exit 1).
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from conftest import Site  # noqa: E402 - the tests' own helpers, found through the path above
from faults import TwoVersions, build_killed_in_the_swap, kill_at_random  # noqa: E402
from sitegen import output  # noqa: E402

CORPUS_SCRIPT = HERE.parent.parent / "shared" / "bench" / "make_corpus.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="articles in the corpus (default 1000)")
    parser.add_argument("--kills", type=int, default=100, help="random kills of `sitegen build` (default 100)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--swap-stride", type=int, default=1, help="kill at every Nth step of the swap (default 1)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sitegen-kills-") as tmp:
        site = Site(Path(tmp) / "site")
        subprocess.run([sys.executable, str(CORPUS_SCRIPT), "--n", str(args.n), "--out", str(site.root),
                        "--format", "sitegen", "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        versions = TwoVersions(site)
        random_outcomes = kill_at_random(versions, args.kills, random.Random(args.seed), command=True)
        print(f"{args.kills} SIGKILLs of `sitegen build` at random moments, {args.n} articles: "
              f"{dict(random_outcomes)}; mixed trees 0, leftovers 0 ({time.perf_counter() - started:.0f} s)")
        started = time.perf_counter()
        swap_outcomes = kill_in_every_swap_step(versions, args.swap_stride)
        print(f"{sum(swap_outcomes.values()) - 1} kills inside the swap (every {args.swap_stride}. step) and one "
              f"whole: {dict(swap_outcomes)}; mixed trees 0, leftovers 0 ({time.perf_counter() - started:.0f} s)")
    return 0


def kill_in_every_swap_step(versions: TwoVersions, stride: int) -> Counter:
    versions.complete()
    outcomes, step = Counter(), 1
    while True:
        versions.flip()
        killed = build_killed_in_the_swap(versions.site, step)
        output.recover(versions.site.out)
        outcomes[versions.outcome()] += 1
        versions.complete()
        if not killed:
            return outcomes
        step += stride


if __name__ == "__main__":
    raise SystemExit(main())
