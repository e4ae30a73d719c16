#!/usr/bin/env python3
"""Time Markdown -> HTML per article: sitegen's converter against a stock Python-Markdown one.

    python bench/markdown_speed.py /tmp/p10k/content            # first 2,000 .md files
    python bench/markdown_speed.py content --n 0 --rounds 5     # every file, best of 5

Each file's body is what follows its front matter (the second `---` line). Both converters render
every body once untimed (warm-up, and a check that the HTML is the same), then each round times one
pass over all the bodies; the best round is reported, in milliseconds per article.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import markdown

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from sitegen import markup  # noqa: E402  (the checkout this script is in, not an installed copy)


def body_of(text: str) -> str:
    """What follows the front matter: the text after the second line that is exactly `---`."""
    lines = text.split("\n")
    fences = [i for i, line in enumerate(lines) if line.rstrip() == "---"]
    return "\n".join(lines[fences[1] + 1:]) if len(fences) >= 2 else text


def best_pass(convert, bodies: list[str], rounds: int) -> float:
    """Seconds of the fastest of `rounds` passes over all bodies."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for body in bodies:
            convert(body)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder of .md files")
    parser.add_argument("--n", type=int, default=2000, help="how many files, in name order (0: all)")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes; the best one counts")
    args = parser.parse_args()

    paths = sorted(args.folder.glob("*.md"))
    if args.n:
        paths = paths[:args.n]
    if not paths:
        raise SystemExit(f"no .md files in {args.folder}")
    bodies = [body_of(p.read_text(encoding="utf-8")) for p in paths]

    stock = markdown.Markdown(extensions=list(markup.EXTENSIONS), output_format="html")
    ours = markup._converter
    converters = {"stock": lambda b: stock.reset().convert(b), "sitegen": lambda b: ours.reset().convert(b)}

    differ = sum(converters["stock"](b) != converters["sitegen"](b) for b in bodies)
    fast = type(ours.treeprocessors["inline"]).__name__
    print(f"{len(bodies)} bodies, {sum(map(len, bodies)) / len(bodies):,.0f} chars each on average; "
          f"markdown {markdown.__version__}; sitegen's inline treeprocessor: {fast}")
    results = {name: best_pass(convert, bodies, args.rounds) for name, convert in converters.items()}
    for name, seconds in results.items():
        print(f"{name:8} {seconds * 1000 / len(bodies):.3f} ms/article  ({seconds:.2f} s for the pass)")
    print(f"sitegen / stock: {results['sitegen'] / results['stock']:.2f}; bodies whose HTML differs: {differ}")
    if differ:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
