"""The repository is itself a working digest site, and the theme ships inside the wheel."""
from __future__ import annotations

import subprocess
import sys
import zipfile

import feedparser

from conftest import REPO
from linkcheck import broken_links
from sitegen.build import BuildOptions, build
from sitegen.config import load_config
from sitegen.content import read_article
from sitegen.content_files import find_content_files


def test_repository_content_holds_the_four_sample_articles():
    config = load_config(REPO)
    parsed = [read_article(REPO, path, config) for path in find_content_files(REPO)]
    assert [p.problems for p in parsed if p.problems] == []
    articles = [p.article for p in parsed]
    by_date = sorted(articles, key=lambda a: a.date, reverse=True)
    assert [a.date.date().isoformat() for a in by_date][:4] == ["2026-01-06", "2025-12-29", "2025-12-02", "2025-08-30"]
    assert [a.source for a in by_date][:4] == ["Al Jazeera", "Japan Today", "Japan Today", "Punch"]
    for p in parsed:
        assert p.article.title and p.article.tags and p.article.summary and p.body


def test_repository_site_builds_with_working_links_and_feeds(tmp_path):
    out = tmp_path / "out"
    result = build(REPO, BuildOptions(output=out, use_cache=False))
    assert result.ok, result.problems
    config = load_config(REPO)
    assert broken_links(out, config.base_url) == []
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) >= 4


def test_build_folder_is_ignored_by_git():
    proc = subprocess.run(["git", "check-ignore", "-q", "build/index.html"], cwd=REPO)
    assert proc.returncode == 0


def test_wheel_contains_the_default_theme(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path),
                           str(REPO)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("sitegen-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for member in ("sitegen/_theme/base.html", "sitegen/_theme/article.html", "sitegen/_theme/assets/style.css"):
        assert member in names


def test_installed_wheel_builds_a_site_without_the_repository(tmp_path):
    """A site with no templates of its own uses the theme packaged in the wheel."""
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(wheel_dir), str(REPO)],
                   check=True, capture_output=True)
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(next(wheel_dir.glob("*.whl")))], check=True, capture_output=True)
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "content" / "a.md").write_text("---\ntitle: Hello\ndate: 2026-01-01\n---\nBody.\n")
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                           "from sitegen.cli import main; raise SystemExit(main(['build', '--site', sys.argv[2]]))",
                           str(target), str(site)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "<h1>Hello</h1>" in (site / "build/2026/01/01/a/index.html").read_text()
    assert (site / "build/assets/style.css").is_file()
