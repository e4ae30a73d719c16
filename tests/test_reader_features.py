"""What readers get beyond the listings: related stories, same-story reports, daily digests, reading
time, sharing metadata, JSON Feeds and the search index, as they come out of a build."""
from __future__ import annotations

import json
import os
import re

import lxml.html

from conftest import article
from sitegen.related import headline_words
from sitegen.search import body_names

UK_FORCE = "2026/01/06/ukraine-force/index.html"


def write_same_story(site):
    """The fixture's Al Jazeera story, told again by two other outlets and once more by Al Jazeera."""
    site.write("content/reuters-force.md", article(
        "Britain and France pledge reassurance force for Ukraine", "2026-01-07T09:00:00+00:00",
        "Reuters text.", source="Reuters", tags=["Ukraine", "France"]))
    site.write("content/bbc-force.md", article(
        "France, UK pledge a reassurance force to Ukraine", "2026-01-06T20:00:00+00:00",
        "BBC text.", source="BBC News", tags=["Ukraine"]))
    site.write("content/aj-again.md", article(
        "UK, France pledge reassurance force for Ukraine", "2026-01-06T21:00:00+00:00",
        "Same outlet again.", source="Al Jazeera", tags=["Ukraine"]))
    site.write("content/old-force.md", article(
        "UK and France pledge reassurance force for Ukraine", "2025-06-01T09:00:00+00:00",
        "Months earlier.", source="Punch", tags=["Ukraine"]))


def jsonld(page: str) -> list[dict]:
    tree = lxml.html.fromstring(page)
    return [json.loads(s.text) for s in tree.xpath('//script[@type="application/ld+json"]')]


def test_headline_words_ignore_case_accents_plurals_and_stop_words():
    assert headline_words("UK, France pledge ‘reassurance force’ for Ukraine") == {
        "uk", "france", "pledge", "reassurance", "force", "ukraine"}
    assert headline_words("Talks in Zürich") == headline_words("talk at zurich")


def test_same_story_from_other_outlets_is_named_and_linked(site):
    write_same_story(site)
    assert site.build().ok
    page = lxml.html.fromstring(site.read(UK_FORCE))
    (also,) = page.find_class("also-reported")
    assert " ".join(also.text_content().split()) == "Also reported by BBC News and Reuters."
    links = {a.text: a.get("href") for a in also.iter("a")}
    assert links == {"BBC News": "/2026/01/06/bbc-force/", "Reuters": "/2026/01/07/reuters-force/"}
    # the same outlet again, or the same headline months apart, is not "also reported"
    related = [a.get("href") for a in page.xpath('//section[@class="related"]//li/a')]
    assert "/2026/01/06/aj-again/" in related and "/2025/06/01/old-force/" in related
    assert not set(links.values()) & set(related), "a same-story report is not listed twice"


def test_related_stories_share_tags_and_come_best_first(site):
    site.write("content/kyiv-talks.md", article("Kyiv talks resume", "2026-01-05", tags=["Ukraine", "Security"]))
    site.write("content/unrelated.md", article("Cricket scores", "2026-01-05", tags=["Sport"]))
    site.build()
    page = lxml.html.fromstring(site.read(UK_FORCE))
    titles = [a.text for a in page.xpath('//section[@class="related"]//li/a')]
    assert titles[0] == "Kyiv talks resume", "two shared tags beat one"
    assert "Peace hopes dented" in titles and "Cricket scores" not in titles
    assert not page.find_class("also-reported")


def test_article_shows_reading_time_word_count_and_its_day(site):
    site.write("content/long.md", article("Long read", "2026-01-03", " ".join(["word"] * 1200)))
    site.build()
    page = site.read("2026/01/03/long/index.html")
    assert "5 min read · 1,200 words" in page
    assert '<a href="/digest/2026-01-03/">All stories of Saturday 3 January 2026</a>' in page


def test_daily_digest_lists_the_days_stories_once_each_by_topic(site):
    site.write("content/a.md", article("Grain deal", "2026-01-06T08:00:00+00:00", tags=["Trade", "Ukraine"]))
    site.write("content/b.md", article("Port strike", "2026-01-06T09:00:00+00:00", tags=["Trade"]))
    site.write("content/c.md", article("No topic", "2026-01-06T10:00:00+00:00"))
    site.write("content/d.md", article("Next day", "2026-01-07T10:00:00+00:00"))
    site.build()
    page = lxml.html.fromstring(site.read("digest/2026-01-06/index.html"))
    sections = [(" ".join(s.find("h2").text_content().split()), [a.text for a in s.xpath(".//h3/a")])
                for s in page.xpath("//section")]
    assert sections == [("Trade 2", ["Port strike", "Grain deal"]),
                        ("Ukraine 1", ["UK, France pledge ‘reassurance force’"]),
                        ("Other stories 1", ["No topic"])]
    assert page.xpath('//h2/a[@href="/tags/trade/"]')
    assert page.xpath('//a[@rel="next"]/@href') == ["/digest/2026-01-07/"]
    assert page.xpath('//a[@rel="prev"]/@href') == ["/digest/2025-12-29/"]
    assert "<title>Digest for Tuesday 6 January 2026 | Test Digest</title>" in site.read("digest/2026-01-06/index.html")


def test_article_has_open_graph_twitter_canonical_and_news_article(site):
    site.build()
    page = site.read(UK_FORCE)
    url = "https://example.org/2026/01/06/ukraine-force/"
    for tag in (f'<link rel="canonical" href="{url}">', '<meta property="og:type" content="article">',
                f'<meta property="og:url" content="{url}">', '<meta name="twitter:card" content="summary">',
                '<meta property="og:title" content="UK, France pledge ‘reassurance force’">',
                '<meta property="article:tag" content="Ukraine">'):
        assert tag in page
    (doc,) = jsonld(page)
    assert doc["@type"] == "NewsArticle" and doc["headline"] == "UK, France pledge ‘reassurance force’"
    assert doc["datePublished"] == doc["dateModified"] == "2026-01-06T18:00:00+00:00"
    assert doc["isBasedOn"] == "https://www.aljazeera.com/news/x"
    assert doc["author"] == {"@type": "Organization", "name": "Al Jazeera"}
    assert doc["publisher"]["name"] == "Test Digest" and doc["mainEntityOfPage"] == url


def test_json_ld_cannot_be_closed_by_a_headline(site):
    evil = 'Breaking </script><script>alert(1)</script> & <!-- news'
    site.write("content/evil.md", article(evil, "2026-02-01", updated="2026-02-02T10:00:00+00:00", author="A. Writer"))
    site.build()
    page = site.read("2026/02/01/evil/index.html")
    script = page[page.index('<script type="application/ld+json">'):]
    script = script[:script.index("</script>")]
    assert "<" not in script[1:] and "&" not in script, "only \\u escapes inside the data block"
    (doc,) = jsonld(page)
    assert doc["headline"] == evil and doc["dateModified"] == "2026-02-02T10:00:00+00:00"
    assert doc["author"] == {"@type": "Person", "name": "A. Writer"}


def test_home_page_describes_the_site_and_its_search(site):
    site.build()
    docs = jsonld(site.read("index.html"))
    assert [d["@type"] for d in docs] == ["WebSite"]
    action = docs[0]["potentialAction"]
    assert action["target"]["urlTemplate"] == "https://example.org/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    assert jsonld(site.read("page/2/index.html")) == [], "one WebSite, on the home page only"


def test_every_page_has_a_search_box_and_both_feeds_in_its_head(site):
    site.build()
    pages = sorted(site.out.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        tree = lxml.html.fromstring(path.read_text(encoding="utf-8"))
        alternates = {(link.get("type"), link.get("href")) for link in tree.xpath('//head/link[@rel="alternate"]')}
        assert {("application/atom+xml", "/feed.xml"), ("application/feed+json", "/feed.json")} <= alternates, path
        assert tree.xpath('//form[@role="search"][@action="/search/"]//input[@name="q"]'), path
    tag_head = lxml.html.fromstring(site.read("tags/ukraine/index.html")).xpath('//head/link[@rel="alternate"]/@href')
    assert tag_head[:2] == ["/tags/ukraine/feed.xml", "/tags/ukraine/feed.json"], "the page's own feeds first"


def test_json_feeds_for_site_tags_and_sources_carry_full_content(site):
    site.build()
    feed = json.loads(site.read("feed.json"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "https://example.org/feed.json" and feed["home_page_url"] == "https://example.org/"
    first = feed["items"][0]
    assert first["id"] == first["url"] == "https://example.org/2026/01/06/ukraine-force/"
    assert "<p>Second paragraph.</p>" in first["content_html"]
    assert first["external_url"] == "https://www.aljazeera.com/news/x"
    assert first["tags"] == ["Ukraine", "Security"] and first["date_published"] == "2026-01-06T18:00:00+00:00"
    tag = json.loads(site.read("tags/ukraine/feed.json"))
    assert tag["title"] == "Test Digest: Ukraine" and len(tag["items"]) == 2
    assert [i["title"] for i in json.loads(site.read("sources/punch/feed.json"))["items"]] == ["Tianjin summit"]


def test_search_index_names_what_the_body_mentions_but_the_page_does_not_show():
    body = ("<p>Ukrainian President Volodymyr Zelenskyy met NATO chiefs in Kyiv. Officials said Zelenskyy’s "
            "plan would go to the UN on Monday.</p><p>The plan was backed by Kyiv.</p>")
    # "Ukrainian" only opens a sentence, "Kyiv" is in the headline, "Monday" is the calendar
    assert body_names(body, known="Talks in Kyiv") == ["Zelenskyy", "President", "Volodymyr", "NATO", "UN"]


def test_search_index_holds_every_article_in_monthly_shards_and_the_search_page_loads_it(site):
    site.build()
    manifest = json.loads(site.read("search/index.json"))
    assert manifest["shards"] == [{"url": "/search/2026-01.json", "count": 1},
                                  {"url": "/search/2025-12.json", "count": 1},
                                  {"url": "/search/2025-08.json", "count": 1}]
    rows = [dict(zip(manifest["fields"], row)) for shard in manifest["shards"]
            for row in json.loads(site.read(shard["url"].lstrip("/")))["articles"]]
    assert [r["title"] for r in rows] == ["UK, France pledge ‘reassurance force’", "Peace hopes dented", "Tianjin summit"]
    assert rows[0] == {"url": "/2026/01/06/ukraine-force/", "title": "UK, France pledge ‘reassurance force’",
                       "summary": "Key European allies pledged support.", "source": "Al Jazeera",
                       "tags": "Ukraine|Security", "date": "2026-01-06", "names": ""}
    page = site.read("search/index.html")
    assert 'data-index="/search/index.json"' in page and '<script src="/assets/search.js" defer></script>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert (site.out / "assets" / "search.js").is_file()
    assert re.search(r"<loc>[^<]*/search/</loc>", site.read("sitemap.xml")) is None


def test_an_edited_story_re_renders_only_its_months_search_shard(site):
    site.build()
    site.write("content/tianjin.md", article("Tianjin summit ends", "2025-08-30", "Xi thanked Modi.", tags=["China"]))
    result = site.build()
    shards = sorted(rel for rel in result.written if rel.startswith("search/"))
    assert shards == ["search/2025-08.json"]
    assert "Modi" in site.read("search/2025-08.json")


def test_incremental_builds_follow_relations_and_digests_like_cold_builds(site):
    """Related lists, same-story reports and daily digests change with other articles' edits."""
    write_same_story(site)
    site.build()
    edits = [("content/reuters-force.md", article("Oil prices climb", "2026-01-07T09:00:00+00:00", "Text.",
                                                   source="Reuters", tags=["Energy"])),
             ("content/bbc-force.md", article("France, UK pledge a reassurance force to Ukraine", "2026-01-05",
                                              "Moved a day.", source="BBC News", tags=["Ukraine", "Security"]))]
    for rel, text in edits:
        site.write(rel, text)
        assert site.build().ok
        assert site.build(output=site.root / "cold", use_cache=False).ok
        assert site.tree_hash("build") == site.tree_hash("cold"), rel
    page = site.read(UK_FORCE)
    assert "Reuters" not in page.split('class="also-reported"')[1].split("</p>")[0]


def test_relations_found_in_worker_processes_are_those_found_in_one(tmp_path):
    """A cold build finds related stories in worker processes, in chunks that finish in any order."""
    from builtsites import make_corpus
    from sitegen.config import load_config
    from sitegen.content import read_article
    from sitegen.index import build_index
    from sitegen.related import find_relations
    from sitegen.workers import map_in_workers

    site = make_corpus(tmp_path / "corpus", 400)
    config = load_config(site)
    articles = [read_article(site, path, config).article for path in sorted((site / "content").glob("*.md"))]
    index = build_index(articles, config)
    ordered, lists = index.articles, [t.articles for t in index.tags]
    alone = find_relations(ordered, lists)
    pids = set()

    def in_workers(work, items):  # each chunk's result, noting which process found it
        for found, pid in map_in_workers(lambda chunk: (work(chunk), os.getpid()), items, 2, 50):
            pids.add(pid)
            yield found

    shared = find_relations(ordered, lists, map_chunks=in_workers)
    assert pids and os.getpid() not in pids, "the relations were not found in worker processes"
    backwards = find_relations(ordered, lists, map_chunks=lambda work, items: reversed(
        [work(list(items[i:i + 7])) for i in range(0, len(items), 7)]))
    assert sum(map(len, alone.related.values())) > len(ordered)  # the corpus does relate its stories
    assert alone == shared == backwards
