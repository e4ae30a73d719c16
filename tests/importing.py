"""Shared by the import tests: a site with the repository's site.yaml, and ways to run and read an import."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import NOW, REPO, Site
from sitegen.config import load_config
from sitegen.content import ParsedFile, read_article
from sitegen.content_files import find_content_files
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


class Imported:
    """An article as read back from its file: the Article's fields plus its Markdown body."""

    def __init__(self, parsed: ParsedFile):
        self.article, self.body = parsed.article, parsed.body

    def __getattr__(self, name):
        return getattr(self.article, name)


def imported(site: Site) -> dict[str, Imported]:
    """Every article in the site's content/, by title; the files must all be valid."""
    config = load_config(site.root)
    parsed = [read_article(site.root, path, config) for path in find_content_files(site.root)]
    assert not [p.problems for p in parsed if p.problems]
    return {p.article.title: Imported(p) for p in parsed}


def posted(headline: str, *paragraphs: str, line: str = "Posted on Leave a comment") -> str:
    """One article of a digest, as the newsroom's digests lay it out."""
    return "\n\n".join([line, headline, *paragraphs]) + "\n\n"
