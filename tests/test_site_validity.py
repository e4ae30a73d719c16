"""The sample site and a 1,000-article site, checked by the tools browsers and aggregators use: the Nu HTML
Checker, feedparser, the JSON Feed 1.1 spec and the sitemaps.org schema; and the home page's weight."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import feedparser
from lxml import etree

from builtsites import tool_missing
from checkers import html_checker_available, json_feed_problems
from conftest import REPO

MAX_HOME_BYTES = 100 * 1024
# The Nu HTML Checker runs in the background from the moment the sites are built (tests/builtsites.py);
# its test comes last so the other checks overlap it.


def test_every_atom_feed_parses_without_bozo(built_sites):
    feeds = [f for s in built_sites.all for f in sorted(s.out.rglob("feed.xml"))]
    assert len(feeds) > 200
    for path in feeds:
        # sanitising our own HTML is most of feedparser's time, and has no part in the bozo verdict
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False, resolve_relative_uris=False)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries and all(e.get("content") for e in parsed.entries), f"{path}: full content in every entry"


def test_every_json_feed_follows_the_1_1_spec_field_by_field(built_sites):
    feeds = [f for s in built_sites.all for f in sorted(s.out.rglob("feed.json"))]
    assert len(feeds) == len([f for s in built_sites.all for f in s.out.rglob("feed.xml")])
    for path in feeds:
        feed = json.loads(path.read_bytes())
        assert json_feed_problems(feed) == [], path
        atom_ids = etree.parse(str(path.parent / "feed.xml")).findall("{http://www.w3.org/2005/Atom}entry/"
                                                                        "{http://www.w3.org/2005/Atom}id")
        assert [i["id"] for i in feed["items"]] == [e.text for e in atom_ids], f"{path}: the Atom feed's entries"


def test_json_feed_checker_finds_what_breaks_the_spec():
    """The checker the test above relies on: each kind of mistake is caught."""
    good = {"version": "https://jsonfeed.org/version/1.1", "title": "T",
            "items": [{"id": "1", "content_html": "<p>x</p>", "date_published": "2026-01-06T18:00:00+00:00"}]}
    assert json_feed_problems(good) == []
    broken = {"version": "https://jsonfeed.org/version/1", "items": [
        {"id": 1, "url": "/relative", "date_published": "6 Jan 2026", "tags": "x", "authors": [{}]},
        {"id": "2", "content_text": "x", "author": {"name": "1.0 style"}}]}
    problems = "\n".join(json_feed_problems(broken))
    for expected in ("feed.version", "feed.title is required", "items[0].id is not string", "items[0].url",
                     "items[0].date_published", "items[0].tags", "items[0].authors", "neither content_html",
                     "items[1].author is not a JSON Feed 1.1 field"):
        assert expected in problems


def test_sitemaps_validate_against_the_sitemaps_org_schema(built_sites):
    schema = etree.XMLSchema(etree.parse(str(REPO / "tests" / "data" / "sitemap.xsd")))
    for site in built_sites.all:
        doc = etree.parse(str(site.out / "sitemap.xml"))
        assert schema.validate(doc), schema.error_log
        assert len(doc.getroot()) > 5


class _HeadResources(HTMLParser):
    """What the browser fetches for a page besides images: stylesheets and scripts, and whether they block."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, bool]] = []  # (url, blocks rendering)
        self.in_head = True

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.in_head = False
        elif tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            self.found.append((a["href"], a.get("media") in (None, "all", "screen")))
        elif tag == "script" and a.get("src"):
            self.found.append((a["src"], self.in_head and "defer" not in a and "async" not in a
                               and a.get("type") != "module"))


def test_home_page_of_1000_articles_is_light_and_blocks_on_no_other_host(built_sites):
    corpus = built_sites.corpus
    origin = "https://example.org"
    home = (corpus.out / "index.html").read_bytes()
    parser = _HeadResources()
    parser.feed(home.decode("utf-8"))
    assert parser.found, "the stylesheet at least"
    total = len(home)
    for url, blocking in parser.found:
        absolute = urljoin(origin + "/", url)
        if blocking:
            assert absolute.startswith(origin + "/"), f"render-blocking request to another host: {url}"
        total += (corpus.out / urlsplit(absolute).path.lstrip("/")).stat().st_size
    css = (corpus.out / "assets" / "style.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css, "the stylesheet pulls in nothing else"
    assert total < MAX_HOME_BYTES, f"home page with its CSS and scripts is {total} bytes, uncompressed"


def test_every_page_is_valid_html_by_the_nu_checker(built_sites):
    if not html_checker_available():
        tool_missing("java or node_modules/vnu-jar")
    messages = built_sites.html_check.messages()
    canary = [m for m in messages if m["url"].endswith("/canary.html")]
    assert canary and all("li" in m["message"] for m in canary), "vnu did not report the canary's misplaced <li>"
    errors = [f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in messages if m not in canary]
    assert errors == [], "\n".join(errors[:30])
    pages = sum(1 for s in built_sites.all for _ in s.out.rglob("*.html"))
    assert pages > 2900, "every page of every site: articles, listings, digests, search"
