"""`sitegen check` and `sitegen build --strict`: every problem on one line with file and line, build/ untouched."""
from __future__ import annotations

import threading
from contextlib import closing
import time

import pytest

from conftest import NOW, SITE_YAML, Site, article
from importing import SAMPLE, SAMPLE_DATES, newsroom, run_import  # noqa: F401 - fixture
from loopback import LoopbackServer, reply
from sitegen.build import BuildOptions, build
from sitegen.cache import BuildCache
from sitegen.check import CheckOptions, inspect_site
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.sitelinks import SiteOutput
from sitegen.statics import find_static_files

PREFIXED = SITE_YAML.replace("https://example.org/", "https://example.org/digest/")


def check(site, *args):
    return main(["check", "--site", str(site.root), *args])


def lines_of(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if not line.startswith("Checked ")]


def test_a_sound_site_passes_and_its_build_folder_is_not_touched(site, capsys):
    site.build()
    before = site.tree_hash()
    assert check(site) == 0
    assert "0 problems, 0 warnings" in capsys.readouterr().out
    assert site.tree_hash() == before
    with closing(BuildCache(site.root / ".sitegen-cache")) as cache:
        outputs = {row[0] for row in cache.db.execute("SELECT DISTINCT output FROM manifest")}
    assert outputs == {str(site.out)}, "the temporary build leaves no rows behind in the site's cache"


def test_the_repository_site_and_the_imported_sample_digest_pass(newsroom, capsys):  # noqa: F811
    run_import(newsroom, SAMPLE, dates=SAMPLE_DATES)
    assert check(newsroom, "--strict") == 0, capsys.readouterr().err
    assert check(newsroom, "--strict", "--base-url", "https://user.github.io/digest/") == 0


def test_broken_links_images_and_anchors_in_an_article_are_named_at_their_line(site, capsys):
    site.write("site.yaml", PREFIXED)
    site.write("content/links.md", article("Links", "2026-01-03", "\n".join([
        "A [good one](/digest/tags/ukraine/) and [a missing page](/digest/no/such/page/).",
        "",
        "![a missing image](/digest/images/none.png)",
        "",
        "[A missing anchor](/digest/2025/08/30/tianjin/#no-such-id), [a good one](#main).",
        "",
        "[Root-relative: breaks under /digest/](/tags/ukraine/)",
    ])))
    assert check(site) == 1
    assert lines_of(capsys) == [
        "content/links.md:5: link /digest/no/such/page/ leads nowhere: there is no such file in the site",
        "content/links.md:7: image /digest/images/none.png leads nowhere: there is no such file in the site",
        "content/links.md:9: link /digest/2025/08/30/tianjin/#no-such-id leads nowhere: "
        "2025/08/30/tianjin/index.html has no element with id 'no-such-id'",
        "content/links.md:11: link /tags/ukraine/ leads nowhere: it leads out of the site's base path /digest/",
    ]


def test_links_in_templates_and_static_files_are_named_where_they_are_written(site, capsys):
    site.write("site.yaml", PREFIXED)
    site.write("templates/article.html", '{% extends "default/article.html" %}\n{% block head %}\n'
                                         '<link rel="author" href="/about/">\n{% endblock %}\n')
    site.write("static/about.html", "<!DOCTYPE html>\n<title>About</title>\n<p><a href='team/'>Team</a>\n")
    site.write("static/opensearch.xml", "<?xml version='1.0'?>\n<OpenSearchDescription>\n<open></close>\n")
    assert check(site) == 1
    assert lines_of(capsys) == [
        "static/about.html:3: link team/ leads nowhere: there is no such file in the site",
        "static/opensearch.xml:3: not well-formed XML: mismatched tag",
        "templates/article.html:3: link /about/ leads nowhere: it leads out of the site's base path /digest/ "
        "(on 3 pages)",
    ]


def test_script_in_hand_written_bodies_is_a_warning_and_strict_makes_it_fail(site, capsys):
    site.write("content/raw.md", article("Raw HTML", "2026-01-03", "\n".join([
        "Intro.", "", "<script>alert(1)</script>", "", '<img src="/digest.png" onerror="alert(2)">', "",
        "[Click](javascript:alert(3))", "", "<iframe src='https://www.youtube.com/embed/x'></iframe>"])))
    site.write("static/digest.png", b"\x89PNG")
    assert check(site) == 0
    warnings = [
        "content/raw.md:7: warning: <script> in the article body (raw HTML is published as written and runs in "
        "readers' browsers)",
        "content/raw.md:9: warning: onerror= on <img> in the article body (raw HTML is published as written and "
        "runs in readers' browsers)",
        "content/raw.md:11: warning: href='javascript:alert(3)' on <a> in the article body (raw HTML is published "
        "as written and runs in readers' browsers)",
    ]
    assert lines_of(capsys) == warnings
    assert check(site, "--strict") == 1
    assert lines_of(capsys) == warnings


def test_misspelt_front_matter_keys_are_warnings_but_importer_keys_are_not(site, capsys):
    site.write("content/typo.md", "---\ntitle: Typo\ndate: 2026-01-03\ndarft: true\ntag: [Ukraine]\nmood: calm\n---\nx\n")
    assert check(site) == 0
    assert lines_of(capsys) == [
        "content/typo.md:4: warning: unknown key 'darft' (did you mean 'draft'?); it does nothing",
        "content/typo.md:5: warning: unknown key 'tag' (did you mean 'tags'?); it does nothing",
    ]


def test_what_build_reports_check_reports_too(site, capsys):
    site.write("content/bad.md", "---\ntitle: T\ndate: yesterday\n---\n")
    assert check(site) == 1
    assert lines_of(capsys)[0].startswith("content/bad.md:3: date: 'yesterday' is not a date")


def test_pages_missing_from_the_output_are_found_through_links_feeds_sitemap_and_terms(site, tmp_path):
    out = tmp_path / "out"
    result = build(site.root, BuildOptions(output=out, now=NOW))
    for gone in ("2025/08/30/tianjin/index.html", "tags/china/index.html", "sources/punch/index.html"):
        (out / gone).unlink()
    files = {p.relative_to(out).as_posix(): p for p in out.rglob("*") if p.is_file()}
    with closing(BuildCache(site.root / ".sitegen-cache")) as cache:
        report = inspect_site(SiteOutput(site.root, load_config(site.root), result.routes,
                                         tuple(find_static_files(site.root)), files, cache.markup_html), CheckOptions())
    messages = [str(p) for p in report.problems]
    assert "content/tianjin.md:5: tag 'China' has no page" in messages
    assert "content/tianjin.md:4: source 'Punch' has no page" in messages
    assert "(feed or sitemap sitemap.xml): lists https://example.org/2025/08/30/tianjin/, which leads nowhere: " \
           "there is no such file in the site" in messages
    assert any(m.startswith("(feed or sitemap feed.xml): lists https://example.org/2025/08/30/tianjin/") for m in messages)
    zurich = [m for m in messages if m.startswith("(page /tags/zurich/):")]
    assert zurich and all(m.split(":", 2)[1].isdigit() for m in zurich), "named at the page and line of the output"
    assert any(m.endswith(": link /2025/08/30/tianjin/ leads nowhere: there is no such file in the site")
               for m in zurich), messages


def test_strict_build_writes_nothing_when_the_check_fails(site, capsys):
    site.build()
    before = site.tree_hash()
    site.write("content/new.md", article("New", "2026-01-03", "[Gone](/2020/01/01/nothing/)"))
    assert main(["build", "--strict", "--site", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert "content/new.md:5: link /2020/01/01/nothing/ leads nowhere: there is no such file in the site" in err
    assert "is unchanged" in err
    assert site.tree_hash() == before
    assert not list(site.root.glob("build.*"))


def test_strict_build_sees_the_site_as_it_will_be_after_the_commit(site):
    site.build()
    site.write("content/new.md", article("New", "2026-01-03", "[Old story](/2025/08/30/tianjin/)"))
    assert site.build(strict=True).ok  # the linked page is unchanged: it is read from build/ itself
    (site.root / "content" / "tianjin.md").unlink()
    result = site.build(strict=True)  # the page the new article links to would be removed by this build
    assert [str(p) for p in result.problems] == [
        "content/new.md:5: link /2025/08/30/tianjin/ leads nowhere: there is no such file in the site"]
    assert (site.out / "2025/08/30/tianjin/index.html").exists()


@pytest.fixture
def links_server():
    with LoopbackServer() as server:
        active, peak = [0], [0]
        lock = threading.Lock()

        def slow_ok(request):
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.05)
            with lock:
                active[0] -= 1
            reply(request, b"ok", "text/html")

        for n in range(12):
            server.routes[f"/ok/{n}"] = slow_ok
        server.serve("/gone", b"no", "text/html", status=404)
        server.serve("/moved", b"", "text/html", status=301, headers={"Location": "/ok/0"})
        server.routes["/hangs"] = lambda request: server.stopping.wait(5)
        server.peak = peak
        yield server


def test_external_links_are_asked_with_a_timeout_and_a_few_at_a_time(tmp_path, links_server, capsys):
    site = Site(tmp_path / "site")  # links to loopback only: no other site is ever asked
    site.write("site.yaml", "title: Links\nbase_url: https://example.org/\n")
    urls = [links_server.url(f"/ok/{n}") for n in range(12)] + [
        links_server.url(p) for p in ("/gone", "/moved", "/hangs")] + ["http://127.0.0.1:9/refused"]
    site.write("content/out.md", article("Out", "2026-01-03", "\n\n".join(f"[{n}]({u})" for n, u in enumerate(urls))))
    assert check(site) == 0, "links to other sites are only asked for with --external"
    capsys.readouterr()
    assert check(site, "--external", "--timeout", "1") == 1
    assert lines_of(capsys) == [
        f"content/out.md:29: external link {urls[12]} answers HTTP 404 Not Found",
        f"content/out.md:33: external link {urls[14]} no answer within 1 s",
        "content/out.md:35: external link http://127.0.0.1:9/refused cannot be reached ([Errno 111] Connection refused)",
    ]
    assert links_server.peak[0] <= 2, "at most two requests at a time to one host"
    assert links_server.hits["/ok/3"] == 1, "HEAD is refused by this server (501): one GET follows, once"
