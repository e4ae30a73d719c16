"""`sitegen import` of RSS and Atom, served by a real HTTP server on 127.0.0.1: content, hostile feeds, limits."""
from __future__ import annotations

import gzip
import time

import feedparser
import pytest

from htmlcheck import dangerous_markup, dangerous_markup_in_tree
from importing import imported, newsroom, run_import  # noqa: F401 - fixture
from loopback import LoopbackServer, reply
from sitegen.cli import main
from sitegen.config import Config
from sitegen.errors import SiteError
from sitegen.importers import FetchLimits
from sitegen.importers.feed import read_feed
from sitegen.markup import render_markdown
from test_import_digest import mutants

LOOPBACK = FetchLimits(allow_private_network=True, timeout=2)

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Al Jazeera – Breaking News</title><link>https://www.aljazeera.com/</link>
<item>
  <title>Ceasefire talks resume in Cairo</title>
  <link>https://www.aljazeera.com/news/2026/1/12/ceasefire</link>
  <pubDate>Mon, 12 Jan 2026 09:30:00 GMT</pubDate>
  <author>desk@aljazeera.net (Jane Doe)</author>
  <category>Middle East</category><category>Diplomacy</category>
  <description>Negotiators returned to the table.</description>
  <content:encoded><![CDATA[<p>Negotiators <b>returned</b> to the table, <a href="/news/earlier">officials</a> said.</p>
  <ul><li>Egypt hosts</li><li>Qatar mediates</li></ul><blockquote><p>“We are hopeful,” one said.</p></blockquote>]]>
  </content:encoded>
</item>
</channel></rss>"""

HOSTILE_RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Evil &lt;script&gt;alert(1)&lt;/script&gt; News</title><link>javascript:alert(1)</link>
<item>
  <title>&lt;img src=x onerror=alert(1)&gt;Hostile &lt;script&gt;alert(2)&lt;/script&gt;story</title>
  <link>javascript:alert(3)</link>
  <author>&lt;svg onload=alert(4)&gt;</author>
  <category>&lt;b onmouseover=alert(5)&gt;War&lt;/b&gt;</category>
  <category>" onmouseover="x</category>
  <description><![CDATA[<p>Text <script>alert(6)</script><a href="javascript:alert(7)">js</a>
  <a href="JaVaScRiPt:alert(8)">mixed</a> <a href="java&#x09;script:alert(9)">tab</a>
  <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>
  <img src="x" onerror="alert(10)"><svg onload="alert(11)"></svg><iframe src="//evil.example"></iframe>
  <a href="https://ok.example/)<script>alert(12)</script>">paren</a>
  <math><mtext><table><mglyph><style><img src=x onerror=alert(13)></style></mglyph></table></mtext></math>
  <noscript><p title="</noscript><img src=x onerror=alert(14)>"></noscript>
  <img alt="x](javascript:alert(15))" src="https://img.example/a.png">
  <pre>```
<script>alert(16)</script>
```</pre>&lt;script&gt;alert(17)&lt;/script&gt; {: onclick="alert(18)"} [x](javascript:alert(19)) {{ 7*7 }}</p>]]></description>
</item></channel></rss>"""

ATOM_XSS = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">Atom &lt;b&gt;Wire&lt;/b&gt;</title>
<link href="https://wire.example/"/><id>urn:x</id><updated>2026-01-10T10:00:00Z</updated>
<entry><title type="html">&lt;em&gt;Markets&lt;/em&gt; &lt;script&gt;x()&lt;/script&gt;close higher</title>
<link href="https://wire.example/markets"/><id>urn:y</id><published>2026-01-10T10:00:00+02:00</published>
<updated>2026-01-10T10:00:00Z</updated><author><name>Wire Staff</name></author>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p onclick="alert(1)">Shares <a href="javascript:alert(2)">rose</a>.</p></div></content>
</entry></feed>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
<rss version="2.0"><channel><title>Bomb</title><item><title>&i;</title><description>x</description></item></channel></rss>"""


@pytest.fixture
def server():
    with LoopbackServer() as running:
        yield running


def test_rss_entry_becomes_an_article_with_link_date_author_categories_and_markdown(newsroom, server):
    run_import(newsroom, server.serve("/rss", RSS), limits=LOOPBACK)
    article = imported(newsroom)["Ceasefire talks resume in Cairo"]
    assert article.source == "Al Jazeera", "the configured outlet whose site the feed is on"
    assert article.source_url == "https://www.aljazeera.com/news/2026/1/12/ceasefire"
    assert article.date.isoformat() == "2026-01-12T09:30:00+00:00" and article.author == "Jane Doe"
    assert article.tags[:2] == ("Middle East", "Diplomacy") and "Egypt" in article.tags
    assert article.summary == "Negotiators returned to the table."
    assert article.body.strip() == (
        "Negotiators **returned** to the table, [officials](https://www.aljazeera.com/news/earlier) said.\n\n"
        "- Egypt hosts\n- Qatar mediates\n\n> “We are hopeful,” one said.")


def test_hostile_feed_is_neutralised_in_every_built_page_and_feed(newsroom, server):
    report = run_import(newsroom, server.serve("/evil", HOSTILE_RSS), server.serve("/atom", ATOM_XSS, "application/atom+xml"),
                        limits=LOOPBACK, dates=("2026-01-09",))
    articles = imported(newsroom)
    assert set(articles) == {"Hostile story", "Markets close higher"}, "titles come out as plain text"
    hostile = articles["Hostile story"]
    assert hostile.source_url is None and hostile.author is None and hostile.source == "Evil News"
    assert hostile.tags[:2] == ("War", '" onmouseover="x')
    assert articles["Markets close higher"].source == "Atom Wire"
    assert not report.warnings
    assert newsroom.build().ok
    assert dangerous_markup_in_tree(newsroom.out) == {}
    page = next(newsroom.out.rglob("hostile-story/index.html")).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(17)&lt;/script&gt;" in page and "{{ 7*7 }}" in page
    assert '<a href="https://ok.example/%29%3Cscript%3Ealert%2812%29%3C/script%3E">paren</a>' in page
    assert 'alt="x](javascript:alert(15))"' in page
    for feed_file in newsroom.out.rglob("*.xml"):
        for entry in feedparser.parse(feed_file.read_bytes()).entries:
            assert not dangerous_markup(entry.get("content", [{}])[0].get("value", "")), feed_file


def test_entity_expansion_bomb_is_refused_quickly_and_writes_nothing(newsroom, server):
    started = time.monotonic()
    with pytest.raises(SiteError, match=r":2: refused: the feed declares XML entities"):
        run_import(newsroom, server.serve("/bomb", BILLION_LAUGHS), limits=LOOPBACK)
    assert time.monotonic() - started < 2
    assert not (newsroom.root / "content").exists()


def test_external_entities_are_refused_and_never_fetched(newsroom, server):
    server.serve("/evil.dtd", '<!ENTITY secret SYSTEM "file:///etc/passwd">', "application/xml-dtd")
    xxe = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           '<rss version="2.0"><channel><title>X</title><item><title>&x;</title></item></channel></rss>')
    with pytest.raises(SiteError, match="refused: the feed declares XML entities"):
        run_import(newsroom, server.serve("/xxe", xxe), limits=LOOPBACK)
    external_dtd = (f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{server.url("/evil.dtd")}">'
                    '<rss version="2.0"><channel><title>X</title><item><title>Safe &amp; sound</title>'
                    '<description>ok</description></item></channel></rss>')
    run_import(newsroom, server.serve("/dtd", external_dtd), limits=LOOPBACK)
    assert "Safe & sound" in imported(newsroom) and server.hits["/evil.dtd"] == 0


@pytest.mark.parametrize("body, content_type, message", [
    ("<!doctype html><html><body><p>Hello<br></body></html>", "text/html",
     ":1: not an RSS or Atom feed (got text/html): not well-formed XML (syntax error at column 1)"),
    ('{"items": []}', "application/json",
     ":1: not an RSS or Atom feed (got application/json): not well-formed XML (not well-formed (invalid token)"),
    ("<html><body><p>Hi</p></body></html>", "text/html; charset=utf-8",
     ": not an RSS or Atom feed (got text/html): the document is <html>"),
    ("<?xml version='1.0'?><note><to>x</to></note>", "text/xml", ": not an RSS or Atom feed (got text/xml): the document is <note>"),
])
def test_a_document_that_is_not_a_feed_is_a_clear_error(newsroom, server, body, content_type, message):
    url = server.serve("/page", body, content_type)
    with pytest.raises(SiteError) as caught:
        run_import(newsroom, url, limits=LOOPBACK)
    assert str(caught.value).startswith(url + message)


def test_local_feed_files_are_read_and_local_non_feeds_refused(newsroom, tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(RSS, encoding="utf-8")
    run_import(newsroom, feed)
    assert "Ceasefire talks resume in Cairo" in imported(newsroom)
    sloppy = tmp_path / "sloppy.rss"
    sloppy.write_text("<rss version='2.0'><channel><title>S</title><item><title>Caf&eacute;&nbsp;opens</title>"
                      "<description>ok</description></item></channel></rss>", encoding="utf-8")
    report = run_import(newsroom, sloppy)
    assert "Café opens" in imported(newsroom), "HTML entities in RSS are common enough to read leniently"
    assert [str(w) for w in report.warnings] == [f"{sloppy}:1: not well-formed XML (undefined entity at column 61); "
                                                 "read leniently"]
    with pytest.raises(SiteError, match="no articles found"):
        run_import(newsroom, "/etc/hostname")


def test_a_server_that_never_answers_or_drips_is_cut_off_at_the_total_deadline(newsroom, server):
    def silent(request):
        server.stopping.wait(5)

    def drip(request):
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.end_headers()
        while not server.stopping.wait(0.1):
            request.wfile.write(b" ")
            request.wfile.flush()

    server.routes.update({"/silent": silent, "/drip": drip})
    limits = FetchLimits(allow_private_network=True, timeout=0.6)
    for path in ("/silent", "/drip"):
        started = time.monotonic()
        with pytest.raises(SiteError, match=r"no complete answer within 0.6 s"):
            run_import(newsroom, server.url(path), limits=limits)
        assert time.monotonic() - started < 1.5


def test_downloads_stop_at_the_size_cap_counted_after_decompression(newsroom, server):
    limits = FetchLimits(allow_private_network=True, timeout=2, max_bytes=64 * 1024)
    server.serve("/huge", b"<rss>" + b" " * 200_000)
    server.routes["/bomb.gz"] = lambda request: reply(request, gzip.compress(b" " * 5_000_000), "application/rss+xml",
                                                      headers={"Content-Encoding": "gzip"})
    with pytest.raises(SiteError, match=r"the feed is 195 KiB, over the 64 KiB limit"):
        run_import(newsroom, server.url("/huge"), limits=limits)
    with pytest.raises(SiteError, match=r"the feed is over the 64 KiB limit"):
        run_import(newsroom, server.url("/bomb.gz"), limits=limits)
    gzipped = gzip.compress(RSS.encode())
    server.routes["/ok.gz"] = lambda request: reply(request, gzipped, "application/rss+xml",
                                                    headers={"Content-Encoding": "gzip"})
    run_import(newsroom, server.url("/ok.gz"), limits=limits)
    assert "Ceasefire talks resume in Cairo" in imported(newsroom)


def test_redirects_are_followed_five_times_at_most_and_only_to_http(newsroom, server):
    for n in range(7):
        server.serve(f"/r{n}", b"", "text/plain", status=302, headers={"Location": f"/r{n + 1}"})
    server.serve("/r7", RSS)
    server.serve("/file", b"", "text/plain", status=301, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(SiteError, match=r"too many redirects \(more than 5\)"):
        run_import(newsroom, server.url("/r0"), limits=LOOPBACK)
    with pytest.raises(SiteError, match=r"only http and https URLs can be imported, not 'file:'"):
        run_import(newsroom, server.url("/file"), limits=LOOPBACK)
    run_import(newsroom, server.url("/r2"), limits=LOOPBACK)
    assert "Ceasefire talks resume in Cairo" in imported(newsroom)


def test_http_errors_are_reported_with_the_status(newsroom, server):
    with pytest.raises(SiteError, match=r"/missing: HTTP 404 Not Found$"):
        run_import(newsroom, server.url("/missing"), limits=LOOPBACK)


def test_private_and_local_addresses_and_other_schemes_are_refused_without_the_flag(newsroom, server, capsys):
    url = server.serve("/rss", RSS)
    for target, message in [(url, "'127.0.0.1' is a private or local address (127.0.0.1)"),
                            ("http://169.254.169.254/latest/meta-data/", "private or local address (169.254.169.254)"),
                            ("http://10.0.0.1/feed", "private or local address (10.0.0.1)"),
                            ("http://[::ffff:127.0.0.1]/feed", "'::ffff:127.0.0.1' is a private or local address"),
                            ("file:///etc/passwd", "only http and https URLs can be imported, not 'file:'"),
                            ("ftp://example.org/feed", "only http and https URLs can be imported, not 'ftp:'")]:
        assert main(["import", target, "--site", str(newsroom.root)]) == 1
        assert message in capsys.readouterr().err
    assert server.hits["/rss"] == 0
    assert main(["import", url, "--site", str(newsroom.root), "--allow-private-network", "--quiet"]) == 0
    assert server.hits["/rss"] == 1 and "Ceasefire talks resume in Cairo" in imported(newsroom)


def test_damaged_feeds_import_or_fail_with_problems_never_a_crash():
    for raw in mutants((RSS + HOSTILE_RSS.split("?>", 1)[1]).encode(), 100, seed=5):
        try:
            harvest = read_feed("f.xml", raw, Config())
        except SiteError as exc:
            assert all(p.path == "f.xml" for p in exc.problems)
            continue
        for draft in harvest.drafts:
            assert not dangerous_markup(render_markdown(draft.body).html), draft.body
