"""The built sites in a real browser (headless chromium on loopback): search works, axe-core finds no
serious accessibility problem, themes and print styles apply, and screenshots for reviewers."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

import cdp
from browsing import StaticServer, axe_violations, evaluate, load, screenshot, set_viewport
from builtsites import FEATURES_ARTICLE, tool_missing
from checkers import AXE_JS, REPO

SCREENSHOTS = REPO / "docs" / "screenshots"
ARTICLE = "2026/01/06/uk-france-pledge-reassurance-force-for-ukraine-after-russia-ceasefire/"
PHONE, DESKTOP = (390, 844), (1280, 900)


@pytest.fixture(scope="module")
def page():
    if not cdp.available():
        tool_missing(cdp.CHROMIUM)
    # ignore_cleanup_errors: chromium's helper processes may still be writing the profile as it closes
    with tempfile.TemporaryDirectory(prefix="sitegen-chromium-", ignore_cleanup_errors=True) as profile, \
            cdp.Browser(Path(profile)) as browser:
        tab = browser.page()
        tab.send("Page.enable")
        yield tab
        tab.close()


@pytest.fixture(scope="module")
def sample(built_sites):
    with StaticServer(built_sites.sample.root) as server:
        yield lambda path="": built_sites.sample.url(server.origin, path)


@pytest.fixture(scope="module")
def corpus(built_sites):
    with StaticServer(built_sites.corpus.root) as server:
        yield lambda path="": built_sites.corpus.url(server.origin, path)


@pytest.fixture(scope="module")
def features(built_sites):
    with StaticServer(built_sites.features.root) as server:
        yield lambda path="": built_sites.features.url(server.origin, path)


def results(page) -> list[dict]:
    return evaluate(page, "[...document.querySelectorAll('#search-results li')].map(li => ({"
                          "href: li.querySelector('a').getAttribute('href'), text: li.innerText,"
                          " marks: [...li.querySelectorAll('mark')].map(m => m.textContent)}))")


def search_from(page, url: str, query: str) -> str:
    """Type query into the page's search box and submit it, as a reader would; the status line that follows."""
    load(page, url)
    evaluate(page, f"document.getElementById('site-search-q').value = {json.dumps(query)};"
                   " document.querySelector('form.site-search').requestSubmit(); true")
    return page.wait_for("location.pathname.endsWith('/search/') && document.readyState === 'complete'"
                         " && /match/.test(document.getElementById('search-status').textContent)"
                         " && document.getElementById('search-status').textContent")


def test_search_box_on_any_page_finds_stories_with_no_server(page, sample):
    set_viewport(page, *DESKTOP)
    status = search_from(page, sample(ARTICLE), "Reassurance")
    assert status == "1 story matches “Reassurance”."
    (hit,) = results(page)
    assert hit["href"] == "/news-digest/" + ARTICLE and hit["marks"][0] == "reassurance"
    assert evaluate(page, "location.search") == "?q=Reassurance"
    # the page itself searches as the reader types: accents, case and word starts do not matter
    evaluate(page, "const q = document.getElementById('search-q'); q.value = 'ZELENSK';"
                   " q.dispatchEvent(new Event('input')); true")
    page.wait_for("/ZELENSK/.test(document.getElementById('search-status').textContent)")
    hits = results(page)
    assert len(hits) == 3 and all(hit["marks"] == ["Zelensk"] for hit in hits), "the word starts are marked"
    assert hits[0]["text"].endswith("Mentions Zelenskyy"), "found in the body: the names say why"
    assert evaluate(page, "location.search") == "?q=ZELENSK", "the address keeps the query, for sharing"
    evaluate(page, "document.querySelector('#search-results a').click(); true")
    page.wait_for("document.readyState === 'complete' && !location.pathname.endsWith('/search/')")
    assert evaluate(page, "location.pathname").startswith("/news-digest/20")


def test_search_on_a_1000_article_site_needs_every_word(page, corpus):
    status = search_from(page, corpus(), "Zelenskyy ceasefire")
    hits = results(page)
    assert hits and status.startswith(f"{len(hits)} stor") or "the 50 best" in status
    for hit in hits:
        text = hit["text"].lower()
        assert "zelenskyy" in text and "ceasefire" in text
    search_from(page, corpus(), "pais")
    hits = results(page)
    assert len(hits) > 5 and all("País" in hit["marks"] for hit in hits), "accents don't matter"
    status = search_from(page, corpus(), "qwertyuiop")
    assert status == "No stories match “qwertyuiop”." and results(page) == []


def test_pages_have_no_serious_or_critical_accessibility_violation(page, sample, corpus, features):
    if not AXE_JS.is_file():
        tool_missing("node_modules/axe-core")
    pages = [sample(), sample(ARTICLE), sample("tags/ukraine/"), sample("sources/al-jazeera/"),
             sample("search/?q=ukraine"), sample("digest/2026-01-06/"), corpus(), corpus("search/?q=talks"),
             features(FEATURES_ARTICLE), features("digest/2026-01-06/")]
    found = []
    for dark in (False, True):
        set_viewport(page, *DESKTOP, dark=dark)
        for url in pages:
            load(page, url)
            if "?q=" in url:
                page.wait_for("!!document.querySelector('#search-results li')")
            found += [f"{url}{' (dark)' if dark else ''}: {v}" for v in axe_violations(page)]
    assert found == [], "\n".join(found)


def test_dark_theme_follows_the_system_and_print_hides_the_chrome(page, corpus):
    set_viewport(page, *PHONE, dark=True)
    load(page, corpus())
    load(page, evaluate(page, "document.querySelector('.story-title a').href"))
    assert evaluate(page, "getComputedStyle(document.body).backgroundColor") == "rgb(22, 23, 26)"
    set_viewport(page, *PHONE, dark=False)
    assert evaluate(page, "getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.send("Emulation.setEmulatedMedia", media="print")
    hidden = evaluate(page, "['.masthead-bar', '.related', '.neighbours', '.site-footer']"
                            ".map(s => getComputedStyle(document.querySelector(s)).display)")
    assert hidden == ["none"] * 4
    assert evaluate(page, "getComputedStyle(document.querySelector('.article-body')).display") == "block"
    printed = evaluate(page, "getComputedStyle(document.querySelector('a.original'), '::after').content")
    assert printed.startswith('" (https://news.example.com/'), "on paper, the original story's address shows"


def test_home_page_of_1000_articles_loads_only_from_its_own_host(page, corpus):
    set_viewport(page, *DESKTOP)
    load(page, corpus())
    origin = evaluate(page, "location.origin")
    requests = evaluate(page, "[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType("
                              "'resource')].map(e => ({name: e.name, type: e.initiatorType, size: e.encodedBodySize}))")
    assert [r["name"] for r in requests if not r["name"].startswith(origin + "/")] == []
    weight = sum(r["size"] for r in requests if r["type"] not in ("img", "image"))
    assert 0 < weight < 100 * 1024, requests


def test_same_story_reports_show_in_the_browser(page, features):
    set_viewport(page, *PHONE)
    load(page, features(FEATURES_ARTICLE))
    assert evaluate(page, "document.querySelector('.also-reported').innerText") == \
        "Also reported by BBC News and Reuters."
    assert evaluate(page, "document.documentElement.scrollWidth") <= PHONE[0]


@pytest.mark.parametrize("name, path, size, dark", [
    ("home-phone", "", PHONE, False), ("home-desktop", "", DESKTOP, False),
    ("article-phone", ARTICLE, PHONE, False), ("article-desktop", ARTICLE, DESKTOP, False),
    ("article-phone-dark", ARTICLE, PHONE, True), ("search-desktop", "search/?q=ukraine", DESKTOP, False),
])
def test_screenshots_for_reviewers(page, sample, name, path, size, dark):
    set_viewport(page, *size, dark=dark)
    load(page, sample(path))
    if "?q=" in path:
        page.wait_for("!!document.querySelector('#search-results li')")
    assert evaluate(page, "document.documentElement.scrollWidth") <= size[0], "nothing wider than the screen"
    png = screenshot(page, SCREENSHOTS / f"{name}.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == size[0]
