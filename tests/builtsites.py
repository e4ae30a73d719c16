"""Built sites that the checker tests share, each built once per test run: the repository's own sample
site, a 1,000-article corpus, and a small site with what those two never show (the same story from
several outlets, untagged and updated stories, markup characters in headlines); plus the Nu HTML
Checker started over all three as soon as they exist, so that its ~20 s run overlaps the other
checks instead of adding to them."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from checkers import REPO, HtmlCheck
from conftest import article
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
    features: BuiltSite
    html_check: HtmlCheck

    @property
    def all(self) -> tuple[BuiltSite, ...]:
        return self.sample, self.corpus, self.features


FEATURES_SITE = {
    "site.yaml": "title: Features <&> Digest\nbase_url: https://example.org/features/\ntimezone: Europe/London\n",
    "content/aj.md": article("UK, France pledge ‘reassurance force’ for Ukraine", "2026-01-06T18:00:00+00:00",
                             "Allies pledged a force.\n\n> “Not words,” he said.", source="Al Jazeera",
                             source_url="https://www.aljazeera.com/news/x?a=1&b=2", tags=["Ukraine", "France"],
                             author="Newsdesk", updated="2026-01-07T08:00:00+00:00"),
    "content/bbc.md": article("France, UK pledge a reassurance force to Ukraine", "2026-01-06T20:00:00+00:00",
                              "BBC text.", source="BBC News", tags=["Ukraine"]),
    "content/reuters.md": article("Britain and France pledge reassurance force for Ukraine", "2026-01-07T09:00:00+00:00",
                                  "Reuters text.", source="Reuters", tags=["Ukraine", "Security"]),
    "content/untagged.md": article("Markets <close> higher & “calm” </script>", "2026-01-06T10:00:00+00:00",
                                   "A story | with no topic.\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
}
FEATURES_ARTICLE = "2026/01/06/aj/"


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


def write_files(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory) -> BuiltSites:
    base = tmp_path_factory.mktemp("built")
    sample = build_for_serving(REPO, base / "sample-www")
    corpus = build_for_serving(make_corpus(base / "corpus"), base / "corpus-www")
    features = build_for_serving(write_files(base / "features", FEATURES_SITE), base / "features-www")
    check = HtmlCheck([site.out for site in (sample, corpus, features)], base / "vnu")
    yield BuiltSites(sample, corpus, features, check)
    check.stop()


def tool_missing(what: str) -> None:
    """Skip where a checker is not installed, except in CI, where `make test` must have installed it."""
    message = f"{what} is not installed: `make test` installs it (scripts/install-system-deps, npm install)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
