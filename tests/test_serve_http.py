"""`sitegen serve` answers like the published site: base path, 404 page, content types, methods, binding."""
from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from conftest import SITE_YAML, Site, article
from servehelp import Serve
from sitegen.cli import make_parser
from sitegen.serve import PreviewServer, ServeOptions, exposure_warning, host_of

PREFIXED_YAML = SITE_YAML.replace("https://example.org/", "https://user.github.io/news-digest/")
ARTICLE = "2026/01/06/ukraine-force/"


def make_site(root) -> Site:
    site = Site(root)
    site.write("site.yaml", PREFIXED_YAML)
    site.write("content/ukraine-force.md", article("UK, France pledge support", tags=["Ukraine"], source="AlJazeera"))
    site.write("content/peace-hopes.md", article("Peace hopes dented", "2025-12-29T18:00:00+00:00", tags=["Russia"]))
    site.write("content/draft.md", article("A draft story", "2026-02-01", draft=True))
    site.write("content/future.md", article("A story from the future", "2099-01-01"))
    site.write("static/humans.txt", "Newsdesk\n")
    site.write("static/data/points.json", '{"a": 1}\n')
    return site


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("http") / "site")
    with Serve(site.root) as server:
        yield server


def test_pages_are_served_under_the_sites_base_path_with_local_links(served):
    assert served.url.startswith("http://127.0.0.1:") and served.url.endswith("/news-digest/")
    home = served.get("")
    assert home.status == 200 and "UK, France pledge support" in home.text
    page = served.get(ARTICLE)
    assert page.status == 200 and "<h1>UK, France pledge support</h1>" in page.text
    assert f'<link rel="canonical" href="{served.url}{ARTICLE}">' in page.text, "base_url points at the preview"
    assert 'href="/news-digest/tags/ukraine/"' in page.text, "links keep the project-pages prefix"
    assert served.get("tags/ukraine/").status == 200


def test_the_bare_root_and_the_prefix_without_slash_lead_to_the_site(served):
    for path in ("/", "/news-digest"):
        reply = served.request(path)
        assert reply.status == 302 and reply.headers["location"] == "/news-digest/"


def test_unknown_paths_get_the_sites_own_404_page_with_status_404(served):
    for path in ("no-such-page/", "2026/01/06/nothing/", "/elsewhere/page.html", "missing.css"):
        reply = served.get(path)
        assert reply.status == 404, path
        assert "Page not found" in reply.text and "Go to the latest news" in reply.text, "the theme's 404.html"
        assert reply.headers["content-type"] == "text/html; charset=utf-8"


def test_content_types(served):
    expected = {
        ARTICLE: "text/html; charset=utf-8",
        "assets/style.css": "text/css; charset=utf-8",
        "assets/favicon.svg": "image/svg+xml",
        "feed.xml": "application/xml; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "robots.txt": "text/plain; charset=utf-8",
        "humans.txt": "text/plain; charset=utf-8",
        "data/points.json": "application/json",
        "/livereload.js": "application/javascript",  # livereload's client, served by livereload
    }
    for path, kind in expected.items():
        reply = served.get(path)
        assert reply.status == 200, path
        assert reply.headers["content-type"] == kind, path


def test_only_html_pages_get_the_reload_script_and_other_files_are_served_byte_for_byte(served, tmp_path):
    page = served.get(ARTICLE).text
    assert page.count("/livereload.js?port=") == 1 and page.rstrip().endswith("</html>")
    assert served.get("humans.txt").body == b"Newsdesk\n"
    css = served.get("assets/style.css")
    assert b"livereload" not in css.body and int(css.headers["content-length"]) == len(css.body)
    assert served.get(ARTICLE).headers["cache-control"] == "no-store", "a reload must never show a cached page"


def test_directories_redirect_to_their_slash_and_are_never_listed(served):
    reply = served.get("tags")
    assert reply.status == 301 and reply.headers["location"] == "/news-digest/tags/"
    assert served.get("assets/").status == 404, "no index.html: 404, not a listing"


def test_head_gives_the_headers_of_get_without_a_body(served):
    get, head = served.get(ARTICLE), served.request(ARTICLE, "HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.body))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
def test_other_methods_are_refused_with_405(served, method):
    reply = served.request(ARTICLE, method)
    assert reply.status == 405 and reply.headers["allow"] == "GET, HEAD"


def test_drafts_and_future_articles_only_when_asked(served, tmp_path):
    assert served.get("2026/02/01/draft/").status == 404
    assert served.get("2099/01/01/future/").status == 404
    site = make_site(tmp_path / "site")
    with Serve(site.root, "--drafts", "--future") as everything:
        assert "with drafts and future articles" in everything.stdout[-1]
        assert "A draft story" in everything.get("2026/02/01/draft/").text
        assert "A story from the future" in everything.get("2099/01/01/future/").text


def test_serve_writes_nothing_into_the_site_but_the_shared_cache(tmp_path):
    site = make_site(tmp_path / "site")
    before = sorted(p.relative_to(site.root) for p in site.root.rglob("*"))
    with Serve(site.root) as server:
        assert server.get(ARTICLE).status == 200
    after = [p.relative_to(site.root) for p in site.root.rglob("*")]
    # .sitegen-cache/ is the git-ignored memo `sitegen build` keeps too: serve starts warm from it.
    assert sorted(p for p in after if p.parts[0] != ".sitegen-cache") == before, "no build/, no lock"


def test_binds_to_loopback_unless_told_otherwise_and_warns_when_exposed():
    args = make_parser().parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    assert exposure_warning(["127.0.0.1"], 8000) is None
    assert exposure_warning(["::1", "127.0.0.1"], 8000) is None
    warning = exposure_warning(["0.0.0.0"], 8000)
    assert warning.startswith("WARNING") and "0.0.0.0" in warning and "drafts" in warning


def test_a_loopback_preview_answers_only_to_loopback_host_names(tmp_path):
    assert [host_of(h) for h in ("127.0.0.1:8000", "[::1]:80", "LocalHost", "[::1].evil", "a:b:c")] == \
        ["127.0.0.1", "::1", "localhost", "[::1].evil", "a:b:c"]
    with PreviewServer(tmp_path, ServeOptions(port=0)) as server:
        accepts = server.app.accept_host
        assert all(map(accepts, ["127.0.0.1:1", "127.9.9.9", "localhost:8000", "news.localhost", "[::1]:8000", ""]))
        assert not any(map(accepts, ["evil.example", "evil.example:8000", "10.0.0.1", "127.0.0.1.nip.io"]))
        server._exposed = True  # as after --host 0.0.0.0, which tests do not bind: every name may reach it
        assert accepts("evil.example")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_or_kill_stops_cleanly_with_exit_code_0(tmp_path, sig):
    site = make_site(tmp_path / "site")
    server = Serve(site.root, "--quiet")
    assert server.get("").status == 200
    assert server.stop(sig) == 0
    assert server.stdout[-1] == "Stopped."
    assert not any("Traceback" in line for line in server.stderr), server.log()
    assert server.stdout[0].startswith("Serving "), "--quiet prints only the URL"


def test_a_busy_port_is_a_clear_error(served, tmp_path):
    run = subprocess.run([sys.executable, "-m", "sitegen", "serve", "--site", str(tmp_path), "--port",
                          str(served.port)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 1
    assert f"cannot listen on 127.0.0.1 port {served.port}" in run.stderr and "Traceback" not in run.stderr


def test_a_missing_site_folder_is_a_clear_error(tmp_path):
    run = subprocess.run([sys.executable, "-m", "sitegen", "serve", "--site", str(tmp_path / "nope"), "--port", "0"],
                         capture_output=True, text=True, timeout=30)
    assert run.returncode == 1 and "no such folder" in run.stderr and "Traceback" not in run.stderr
