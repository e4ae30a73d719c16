"""Shared by the import tests: a site with the repository's site.yaml, and ways to run and read an import."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import NOW, REPO, Site
from sitegen.config import load_config
from sitegen.content import Article, load_articles
from sitegen.importers import ImportOptions, ImportReport, import_inputs

SAMPLE = Path(__file__).resolve().parent / "data" / "digest-sample.txt"  # a copy of ../shared/samples/
SAMPLE_DATES = ("2026-01-06", "2025-12-29", "2025-12-02", "2025-08-30")


@pytest.fixture
def newsroom(tmp_path: Path) -> Site:
    """An empty site with the repository's settings (its outlets and aliases, Europe/London)."""
    site = Site(tmp_path / "site")
    site.write("site.yaml", (REPO / "site.yaml").read_text(encoding="utf-8"))
    return site


def run_import(site: Site, *inputs, **options) -> ImportReport:
    options.setdefault("now", NOW)
    return import_inputs(site.root, [str(i) for i in inputs], ImportOptions(**options))


def imported(site: Site) -> dict[str, Article]:
    """Every article in the site's content/, by title; the files must all be valid."""
    articles, problems, _ = load_articles(site.root, load_config(site.root))
    assert not problems, problems
    return {a.title: a for a in articles}


def posted(headline: str, *paragraphs: str, line: str = "Posted on Leave a comment") -> str:
    """One article of a digest, as the newsroom's digests lay it out."""
    return "\n\n".join([line, headline, *paragraphs]) + "\n\n"
