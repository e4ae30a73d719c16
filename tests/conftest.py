"""Shared fixtures: small sites written into tmp_path, and helpers to read what a build produced."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from sitegen.build import BuildOptions, build

# Property tests: bounded in CI, no deadline (a loaded 2-core machine); `HYPOTHESIS_PROFILE=nightly` for a long run.
settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("nightly", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)

SITE_YAML = """\
title: Test Digest
description: Tests & "quotes"
base_url: https://example.org/
timezone: UTC
per_page: 2
sources:
  Al Jazeera: {url: "https://www.aljazeera.com", aliases: [AlJazeera]}
"""


def article(title: str, date: str = "2026-01-06T18:00:00+00:00", body: str = "Body text.", **meta) -> str:
    """The text of a content file with the given front matter."""
    import yaml

    front = {"title": title, "date": date, **meta}
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body + "\n"


class Site:
    """A site folder in tmp_path, with helpers to build it and look at the output."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def build(self, **options):
        options.setdefault("now", NOW)
        return build(self.root, BuildOptions(**options))

    @property
    def out(self) -> Path:
        return self.root / "build"

    def read(self, rel: str) -> str:
        return (self.out / rel).read_text(encoding="utf-8")

    def tree_hash(self, folder: str = "build") -> str:
        """A hash of every file's path and bytes under folder: equal hashes, identical trees."""
        digest = hashlib.sha256()
        base = self.root / folder
        for path in sorted(base.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()


@pytest.fixture
def site(tmp_path: Path) -> Site:
    s = Site(tmp_path / "site")
    s.write("site.yaml", SITE_YAML)
    s.write("content/ukraine-force.md", article(
        "UK, France pledge ‘reassurance force’", "2026-01-06T18:00:00+00:00",
        "Key European allies pledged support.\n\nSecond paragraph.", source="AlJazeera",
        source_url="https://www.aljazeera.com/news/x", tags=["Ukraine", "Security"]))
    s.write("content/peace-hopes.md", article(
        "Peace hopes dented", "2025-12-29T18:00:00+00:00", "Russia accused Ukraine.", source="Japan Today",
        tags=["ukraine", "Russia"]))
    s.write("content/tianjin.md", article(
        "Tianjin summit", "2025-08-30", "Xi welcomed leaders.", source="Punch", tags=["China", "Zürich"]))
    return s


from builtsites import built_sites  # noqa: E402,F401  (a session fixture: sample and 1,000-article sites)
