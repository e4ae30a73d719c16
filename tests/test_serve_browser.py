"""End to end: a real headless chromium shows each save without anyone pressing reload."""
from __future__ import annotations

import os
import re
import shutil
import time

import pytest

import cdp
from conftest import REPO
from servehelp import Serve

ARTICLE_FILE = "content/uk-france-pledge-reassurance-force-for-ukraine-after-russia-ceasefire.md"
ARTICLE_PATH = "2026/01/06/uk-france-pledge-reassurance-force-for-ukraine-after-russia-ceasefire/"
CONNECTED = "!!(window.LiveReload && LiveReload.connector && LiveReload.connector.protocol)"
OVERLAY = "document.getElementById('sitegen-build-errors')"

# `make test` and CI install chromium (scripts/install-system-deps); in CI its absence fails the test.
pytestmark = pytest.mark.skipif(not cdp.available() and not os.environ.get("CI"),
                                reason=f"{cdp.CHROMIUM} not installed (run scripts/install-system-deps)")


@pytest.fixture
def repo_site(tmp_path):
    """A copy of the repository's own site (its project-pages base path included)."""
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    shutil.copytree(REPO / "content", site / "content")
    shutil.copytree(REPO / "static", site / "static")
    return site


def mark_page(page) -> None:
    """A flag that only a real page reload clears: the test itself never reloads."""
    page.wait_for(CONNECTED)
    page.evaluate("window.__notReloaded = true")


def test_saves_appear_in_an_open_browser_tab_by_themselves(repo_site, tmp_path):
    article = repo_site / ARTICLE_FILE
    original = article.read_text(encoding="utf-8")
    with Serve(repo_site) as server, cdp.Browser(tmp_path / "profile") as browser:
        page = browser.page()
        page.navigate(server.url + ARTICLE_PATH)
        assert "UK, France pledge" in page.wait_for("document.querySelector('h1') && document.querySelector('h1').innerText")
        mark_page(page)

        saved = time.monotonic()
        article.write_text(original.replace("Ukrainian President", "Freshly edited: Ukrainian President"), "utf-8")
        page.wait_for("document.body.innerText.includes('Freshly edited: Ukrainian President')")
        latency = time.monotonic() - saved
        assert page.evaluate("window.__notReloaded") is None, "livereload reloaded the page"

        mark_page(page)
        article.write_text(original.replace("title:", "title: [unclosed", 1), "utf-8")
        overlay = page.wait_for(f"{OVERLAY} && {OVERLAY}.innerText")
        assert re.search(rf"{re.escape(ARTICLE_FILE)}:\d+: ", overlay) and "Build failed" in overlay
        assert "Freshly edited" in page.evaluate("document.body.innerText"), "the last good page is still shown"

        mark_page(page)
        article.write_text(original, "utf-8")
        page.wait_for(f"!{OVERLAY} && !document.body.innerText.includes('Freshly edited')")

        mark_page(page)
        theme_css = (REPO / "templates" / "assets" / "style.css").read_text(encoding="utf-8")
        (repo_site / "templates" / "assets").mkdir(parents=True)
        (repo_site / "templates" / "assets" / "style.css").write_text(theme_css + "\nh1 { color: rgb(1, 2, 3) }\n")
        page.wait_for("getComputedStyle(document.querySelector('h1')).color === 'rgb(1, 2, 3)'")
        assert page.evaluate("window.__notReloaded") is True, "a stylesheet alone is swapped without a reload"
        page.close()
    print(f"\nsave-to-screen latency for the repository's site: {latency:.2f}s")
