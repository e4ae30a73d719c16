"""Built sites that the checker tests share, each built once per test run: the repository's own sample
site and a 1,000-article corpus; plus the Nu HTML Checker started over both as soon as they exist,
so that its ~20 s run overlaps the other checks instead of adding to them."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from checkers import REPO, HtmlCheck
from sitegen.build import BuildOptions, build
from sitegen.config import load_config

CORPUS_SCRIPT = REPO.parent / "shared" / "bench" / "make_corpus.py"  # ../shared, in CI as for developers
CORPUS_ARTICLES = 1000


@dataclass(frozen=True)
class BuiltSite:
    out: Path  # the build folder
    root: Path  # what a web server serves: out sits at root + the base URL's path
    base_url: str
    prefix: str  # the base URL's path, "/" or "/news-digest/"

    def url(self, origin: str, path: str = "") -> str:
        return origin + self.prefix + path.lstrip("/")


@dataclass(frozen=True)
class BuiltSites:
    sample: BuiltSite
    corpus: BuiltSite
    html_check: HtmlCheck


def build_for_serving(site_dir: Path, www: Path) -> BuiltSite:
    """A cold build placed where a loopback web server finds it under the site's own base path."""
    config = load_config(site_dir)
    out = www / config.path_prefix.strip("/") if config.path_prefix != "/" else www / "site"
    root = out.parent if config.path_prefix != "/" else out
    result = build(site_dir, BuildOptions(output=out, use_cache=False))
    assert result.ok, result.problems
    return BuiltSite(out, root, config.base_url, config.path_prefix)


def make_corpus(folder: Path, count: int = CORPUS_ARTICLES) -> Path:
    if not CORPUS_SCRIPT.is_file():
        pytest.fail(f"{CORPUS_SCRIPT} is missing: the shared/ folder belongs beside the repository")
    subprocess.run([sys.executable, str(CORPUS_SCRIPT), "--n", str(count), "--out", str(folder)], check=True)
    return folder


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory) -> BuiltSites:
    base = tmp_path_factory.mktemp("built")
    sample = build_for_serving(REPO, base / "sample-www")
    corpus = build_for_serving(make_corpus(base / "corpus"), base / "corpus-www")
    check = HtmlCheck([sample.out, corpus.out], base / "vnu")
    yield BuiltSites(sample, corpus, check)
    check.stop()


def tool_missing(what: str) -> None:
    """Skip where a checker is not installed, except in CI, where `make test` must have installed it."""
    message = f"{what} is not installed: `make test` installs it (scripts/install-system-deps, npm install)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
