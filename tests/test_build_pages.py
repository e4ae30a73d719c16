"""Each kind of page a build writes exists and shows the right things."""
from __future__ import annotations

import re

import feedparser

from conftest import article
from linkcheck import broken_links


def test_article_page_has_title_time_source_tags_body_and_neighbours(site):
    assert site.build().ok
    page = site.read("2026/01/06/ukraine-force/index.html")
    assert "<h1>UK, France pledge ‘reassurance force’</h1>" in page
    assert '<time datetime="2026-01-06T18:00:00+00:00">' in page
    assert 'href="https://www.aljazeera.com/news/x"' in page
    assert ">Al Jazeera</a>" in page, "the alias AlJazeera is shown by its configured name"
    assert 'href="/tags/ukraine/"' in page and 'href="/tags/security/"' in page
    assert "<p>Second paragraph.</p>" in page
    assert 'href="/2025/12/29/peace-hopes/"' in page, "link to the older story"
    assert "<title>UK, France pledge ‘reassurance force’ | Test Digest</title>" in page
    assert '<link rel="canonical" href="https://example.org/2026/01/06/ukraine-force/">' in page
    assert '<html lang="en">' in page


def test_home_page_lists_newest_first_grouped_by_day_and_paginated(site):
    site.build()
    home = site.read("index.html")
    assert home.index("UK, France pledge") < home.index("Peace hopes dented")
    assert "Tianjin summit" not in home, "per_page is 2"
    assert re.search(r'<h2 class="day-heading"[^>]*><a href="/digest/2026-01-06/"><time datetime="2026-01-06">'
                     r'Tuesday 6 January 2026</time></a>', home), "a day's heading leads to its digest"
    assert "Key European allies pledged support." in home, "summary defaults to the first paragraph"
    assert ">18:00</time>" in home
    page2 = site.read("page/2/index.html")
    assert "Tianjin summit" in page2 and 'rel="prev" href="/"' in page2
    assert 'rel="next" href="/page/2/"' in home


def test_tags_differing_in_case_or_accents_share_one_page(site):
    site.write("content/zurich.md", article("Zurich news", "2025-01-01", tags=["Zurich"]))
    site.build()
    ukraine = site.read("tags/ukraine/index.html")
    assert "UK, France pledge" in ukraine and "Peace hopes dented" in ukraine
    assert "2 stories" in ukraine
    zurich = site.read("tags/zurich/index.html")
    assert "Tianjin summit" in zurich and "Zurich news" in zurich
    assert not (site.out / "tags" / "Ukraine").exists()


def test_tag_and_source_indexes_count_articles_and_link_homepages(site):
    site.build()
    tags = site.read("tags/index.html")
    assert re.search(r'href="/tags/ukraine/">Ukraine</a> <span class="count">2</span>', tags)
    sources = site.read("sources/index.html")
    assert re.search(r'href="/sources/al-jazeera/">Al Jazeera</a> <span class="count">1</span>', sources)
    assert 'href="https://www.aljazeera.com"' in sources
    assert "Peace hopes dented" in site.read("sources/japan-today/index.html")


def test_unicode_tags_get_readable_slugs(site):
    site.write("content/moscow.md", article("Moscow", "2025-02-02", tags=["Москва"]))
    site.build()
    assert (site.out / "tags" / "москва" / "index.html").is_file()
    assert 'href="/tags/%D0%BC%D0%BE%D1%81%D0%BA%D0%B2%D0%B0/"' in site.read("tags/index.html")


def test_date_archives_by_year_and_month(site):
    site.build()
    assert "Peace hopes dented" in site.read("2025/index.html")
    assert "Tianjin summit" in site.read("2025/08/index.html")
    assert "Peace hopes dented" not in site.read("2025/08/index.html")
    archive = site.read("archive/index.html")
    assert 'href="/2025/12/"' in archive and 'href="/2026/"' in archive


def test_feeds_parse_and_hold_the_right_entries(site):
    site.build()
    feed = feedparser.parse(site.read("feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == ["UK, France pledge ‘reassurance force’", "Peace hopes dented",
                                               "Tianjin summit"]
    assert feed.entries[0].link == "https://example.org/2026/01/06/ukraine-force/"
    assert "Second paragraph." in feed.entries[0].content[0].value
    tag_feed = feedparser.parse(site.read("tags/ukraine/feed.xml"))
    assert not tag_feed.bozo and len(tag_feed.entries) == 2
    source_feed = feedparser.parse(site.read("sources/punch/feed.xml"))
    assert [e.title for e in source_feed.entries] == ["Tianjin summit"]


def test_sitemap_lists_every_page_and_robots_points_to_it(site):
    site.build()
    sitemap = site.read("sitemap.xml")
    locs = set(re.findall(r"<loc>(.*?)</loc>", sitemap))
    pages = {p.relative_to(site.out).as_posix() for p in site.out.rglob("*.html")} - {"404.html", "search/index.html"}
    expected = {"https://example.org/" + p.removesuffix("index.html") for p in pages}
    assert locs == expected
    assert "Sitemap: https://example.org/sitemap.xml" in site.read("robots.txt")


def test_sitemap_validates_against_the_sitemaps_schema(site):
    from lxml import etree

    from conftest import REPO

    site.build()
    schema = etree.XMLSchema(etree.parse(str(REPO / "tests" / "data" / "sitemap.xsd")))  # sitemaps.org 0.9
    doc = etree.parse(str(site.out / "sitemap.xml"))
    assert schema.validate(doc), schema.error_log


def test_a_site_with_more_pages_than_a_sitemap_file_holds_gets_a_sitemap_index(site, monkeypatch):
    import shutil

    from lxml import etree

    import sitegen.routes
    from conftest import REPO

    site.build()
    every_page = re.findall(r"<loc>(.*?)</loc>", site.read("sitemap.xml"))
    shutil.rmtree(site.root / ".sitegen-cache")  # the limit is no input of a build: make the next one full
    monkeypatch.setattr(sitegen.routes, "SITEMAP_URLS_PER_FILE", 4)
    result = site.build(strict=True)  # strict: check follows the index to the parts, and their pages
    assert result.ok, result.problems
    index = etree.parse(str(site.out / "sitemap.xml"))
    index_schema = etree.XMLSchema(etree.parse(str(REPO / "tests" / "data" / "siteindex.xsd")))  # sitemaps.org 0.9
    assert index_schema.validate(index), index_schema.error_log
    parts = [loc.text for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert parts == [f"https://example.org/sitemap-{n}.xml" for n in range(1, -(-len(every_page) // 4) + 1)]
    schema = etree.XMLSchema(etree.parse(str(REPO / "tests" / "data" / "sitemap.xsd")))
    listed = []
    for url in parts:
        part = etree.parse(str(site.out / url.removeprefix("https://example.org/")))
        assert schema.validate(part), schema.error_log
        locs = [loc.text for loc in part.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        assert 1 <= len(locs) <= 4
        listed += locs
    assert listed == every_page, "every page once, in the same order"
    assert "Sitemap: https://example.org/sitemap.xml" in site.read("robots.txt")

    shutil.rmtree(site.root / ".sitegen-cache")
    monkeypatch.setattr(sitegen.routes, "SITEMAP_URLS_PER_FILE", 10_000)
    assert site.build().ok
    assert re.findall(r"<loc>(.*?)</loc>", site.read("sitemap.xml")) == every_page
    assert not list(site.out.glob("sitemap-*.xml")), "the parts go when the site fits one file again"


def test_not_found_page_and_static_files(site):
    site.write("static/images/logo.png", b"\x89PNG fake")
    site.build()
    assert "Page not found" in site.read("404.html")
    assert (site.out / "images" / "logo.png").read_bytes() == b"\x89PNG fake"
    assert (site.out / "assets" / "style.css").is_file()


def test_every_internal_link_resolves_at_a_domain_root(site):
    site.build()
    assert broken_links(site.out, "https://example.org/") == []


def test_every_internal_link_resolves_under_a_project_pages_prefix(site):
    result = site.build(base_url="https://user.github.io/digest/")
    assert result.ok
    assert 'href="/digest/assets/style.css"' in site.read("index.html")
    assert broken_links(site.out, "https://user.github.io/digest/") == []
    assert "<loc>https://user.github.io/digest/2026/01/06/ukraine-force/</loc>" in site.read("sitemap.xml")


def test_drafts_and_future_articles_are_left_out_unless_asked(site):
    site.write("content/draft.md", article("A draft", "2026-01-01", draft=True))
    site.write("content/future.md", article("From the future", "2099-01-01"))
    result = site.build()
    assert result.skipped == 2
    home = site.read("page/2/index.html") + site.read("index.html")
    assert "A draft" not in home and "From the future" not in home
    site.build(drafts=True, future=True)
    assert (site.out / "2099/01/01/future/index.html").is_file()
    assert (site.out / "2026/01/01/draft/index.html").is_file()


def test_custom_permalink_and_slug(site):
    site.write("site.yaml", "title: T\nbase_url: https://example.org/\npermalink: /news/{slug}.html\n")
    site.write("content/x.md", article("Custom", "2025-05-05", slug="my-own-slug"))
    site.build()
    assert "<h1>Custom</h1>" in site.read("news/my-own-slug.html")
    assert broken_links(site.out, "https://example.org/") == []


def test_titles_summaries_and_tags_are_escaped_everywhere(site):
    evil = '"><script>alert(1)</script>'
    site.write("content/evil.md", article(f"Evil {evil}", "2026-02-01", summary=f"Sum {evil}",
                                          tags=[f"tag {evil}"], source=f"Src {evil}"))
    site.build()
    for path in site.out.rglob("*"):
        if path.suffix in (".html", ".xml"):
            assert "<script>alert(1)" not in path.read_text(encoding="utf-8"), path
    feed = feedparser.parse(site.read("feed.xml"))
    assert feed.entries[0].title == f"Evil {evil}"


def test_site_templates_override_the_builtin_theme_and_can_extend_it(site):
    site.write("templates/article.html", '{% extends "default/article.html" %}'
                                         '{% block head %}<meta name="x-custom" content="yes">{% endblock %}')
    site.build()
    page = site.read("2026/01/06/ukraine-force/index.html")
    assert '<meta name="x-custom" content="yes">' in page and "<h1>UK, France pledge" in page


def test_a_site_story_template_changes_every_listing_and_no_article_page(site):
    site.write("templates/_story.html", '<div class="mine" data-level="{{ heading_level }}">{{ item.title }}</div>\n')
    site.build()
    for page in ("index.html", "tags/ukraine/index.html", "sources/punch/index.html", "2026/index.html",
                 "2026/01/index.html", "digest/2026-01-06/index.html"):
        assert '<div class="mine" data-level="3">UK, France pledge' in site.read(page) or \
            '<div class="mine" data-level="3">Tianjin summit' in site.read(page), page
    assert 'class="mine"' not in site.read("2026/01/06/ukraine-force/index.html")


def _count_templates(env, monkeypatch) -> list[str]:
    """The names of the templates env is asked for from now on, in order."""
    renders = []
    original = env.get_template

    def counting(name, *args, **kwargs):
        renders.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(env, "get_template", counting)
    return renders


def test_story_fragments_are_rendered_once_per_view_and_level_and_only_views_are_kept(tmp_path, monkeypatch):
    import datetime as dt

    from sitegen import theme
    from sitegen.config import load_config
    from sitegen.views import ArticleView

    (tmp_path / "site.yaml").write_text("title: T\nbase_url: https://example.org/\n", encoding="utf-8")
    env = theme.make_environment(tmp_path, load_config(tmp_path))
    renders = _count_templates(env, monkeypatch)
    story = env.globals["story"]

    def view(title):
        return ArticleView(file="a.md", url="/a/", abs_url="https://example.org/a/", title=title,
                           date=dt.datetime(2026, 1, 6, 18, tzinfo=dt.timezone.utc), updated=None, source=None,
                           source_url=None, tags=(), summary="<b>sum</b>", author=None, words=3, reading_minutes=1,
                           extra={})

    first, second = view("One & two"), view("Three")
    html = story(first, 3)
    assert '<h3 class="story-title"><a href="/a/">One &amp; two</a></h3>' in html
    assert "&lt;b&gt;sum&lt;/b&gt;" in html and not html.endswith("\n")
    assert story(first, 3) is html and renders == ["_story.html"]
    assert "<h4 " in story(first, 4) and "Three" in story(second, 3) and len(renders) == 3
    # Anything else may change between calls: rendered every time.
    plain = {"url": "/b/", "title": "B", "source": None, "date": first.date, "summary": ""}
    story(plain, 3)
    plain["title"] = "C"
    assert "C</a>" in story(plain, 3) and len(renders) == 5
    # A bounded memo: when full it starts again.
    monkeypatch.setattr(theme, "MAX_STORIES_KEPT", 2)
    story(view("Four"), 3)
    assert story(first, 3) is not html


def test_cached_partials_render_once_per_set_of_values_and_see_the_site(tmp_path, monkeypatch):
    from markupsafe import Markup

    from sitegen import theme
    from sitegen.config import load_config

    (tmp_path / "site.yaml").write_text("title: Kyiv & Co\nbase_url: https://example.org/news/\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_part.html").write_text(
        "<a href=\"{{ site.url('/tags/') }}\">{{ site.title }}</a>{{ kind }}{{ items | default([]) | length }}\n\n",
        encoding="utf-8")
    env = theme.make_environment(tmp_path, load_config(tmp_path))
    renders = _count_templates(env, monkeypatch)
    partial = env.globals["partial_cached"]
    html = partial("_part.html", kind="home")
    assert html == '<a href="/news/tags/">Kyiv &amp; Co</a>home0'  # the site's globals, escaped; no trailing space
    assert partial("_part.html", kind="home") is html and renders == ["_part.html"]
    assert partial("_part.html", kind="tag").endswith("tag0") and len(renders) == 2
    # A value that cannot be a key: rendered every time, with what it holds then.
    items = [1]
    assert partial("_part.html", kind="x", items=items).endswith("x1")
    items.append(2)
    assert partial("_part.html", kind="x", items=items).endswith("x2") and len(renders) == 4
    # Equal values of other types are other keys: Markup is not escaped again, True is not 1.
    assert partial("_part.html", kind="<b>").endswith("&lt;b&gt;0")
    assert partial("_part.html", kind=Markup("<b>")).endswith("<b>0")
    assert partial("_part.html", kind=1).endswith("10") and partial("_part.html", kind=True).endswith("True0")
    renders.clear()
    marker = type("Marker", (), {"__str__": lambda self: "m"})()  # not a plain value: rendered every time
    partial("_part.html", kind=marker), partial("_part.html", kind=marker)
    assert len(renders) == 2
    monkeypatch.setattr(theme, "MAX_PARTIALS_KEPT", 2)  # bounded: when full it starts again
    partial("_part.html", kind="other")
    assert partial("_part.html", kind="home") is not html


def test_date_filters_tell_apart_times_that_compare_equal(tmp_path):
    import datetime as dt

    from sitegen import theme
    from sitegen.config import load_config

    (tmp_path / "site.yaml").write_text("title: T\ntimezone: Europe/London\n", encoding="utf-8")
    env = theme.make_environment(tmp_path, load_config(tmp_path))
    london = load_config(tmp_path).tz
    # 00:30 and 01:30 UTC on the night the clocks go back are both 01:30 in London, and compare equal.
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.timezone.utc).astimezone(london)
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.timezone.utc).astimezone(london)
    assert first == second and first.fold != second.fold
    isodate = env.filters["isodate"]
    assert (isodate(first), isodate(second)) == ("2026-10-25T01:30:00+01:00", "2026-10-25T01:30:00+00:00")


def test_the_masthead_marks_the_current_section_on_each_kind_of_page(site):
    assert site.build().ok
    pages = {"index.html": "Latest", "tags/index.html": "Topics", "sources/index.html": "Sources",
             "archive/index.html": "Archive"}
    for rel, current in pages.items():
        nav = site.read(rel).split('<nav class="sections"')[1].split("</nav>")[0]
        assert re.findall(r'aria-current="page">(\w+)<', nav) == [current], rel
    article = site.read("2026/01/06/ukraine-force/index.html")
    assert "aria-current" not in article.split('<nav class="sections"')[1].split("</nav>")[0]
    assert 'class="site-search"' in article and 'class="site-search"' not in site.read("search/index.html")


def test_a_build_in_worker_processes_writes_the_bytes_of_one_in_process(tmp_path):
    """Past MIN_ITEMS_FOR_WORKERS files the load, the relations and the rendering run in forked workers,
    each making its own views and story fragments: the same site either way."""
    import shutil

    from builtsites import make_corpus
    from conftest import Site
    from sitegen.workers import MIN_ITEMS_FOR_WORKERS

    site = Site(make_corpus(tmp_path / "corpus", MIN_ITEMS_FOR_WORKERS + 60))
    assert site.build(jobs=2).ok
    in_workers = site.tree_hash()
    shutil.rmtree(site.out)
    shutil.rmtree(site.root / ".sitegen-cache")
    assert site.build(jobs=1).ok
    assert site.tree_hash() == in_workers
