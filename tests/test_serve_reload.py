"""Edits while `sitegen serve` runs: rebuilt and served at once, broken edits shown and survived."""
from __future__ import annotations

import os
import re
import time

import pytest

from conftest import article
from servehelp import Serve
from sitegen.serve_pages import OVERLAY_ID

UKRAINE = "2026/01/06/ukraine-force/"
PEACE = "2025/12/29/peace-hopes/"


def has(text: str):
    return lambda reply: reply.status == 200 and text in reply.text


def overlay_shown(reply) -> bool:
    return OVERLAY_ID in reply.text


@pytest.fixture
def served(site):
    with Serve(site.root) as server:
        yield server


def test_an_edited_article_is_served_at_once(site, served):
    site.write("content/ukraine-force.md", article("UK, France pledge ‘reassurance force’", "2026-01-06T18:00:00+00:00",
                                                   "A freshly written first paragraph.", tags=["Ukraine"]))
    served.wait_for(UKRAINE, has("A freshly written first paragraph."))
    served.wait_for("", has("A freshly written first paragraph."))
    assert served.get("tags/security/").status == 404, "the tag it no longer has is gone"


def test_articles_created_renamed_and_deleted(site, served):
    site.write("content/new-story.md", article("A brand new story", "2026-03-01", tags=["Ukraine"]))
    served.wait_for("2026/03/01/new-story/", has("A brand new story"))
    served.wait_for("tags/ukraine/", has("A brand new story"))

    os.rename(site.root / "content/new-story.md", site.root / "content/renamed-story.md")
    served.wait_for("2026/03/01/renamed-story/", has("A brand new story"))
    assert served.get("2026/03/01/new-story/").status == 404

    os.remove(site.root / "content/renamed-story.md")
    gone = served.wait_for("2026/03/01/renamed-story/", lambda reply: reply.status == 404)
    assert "Page not found" in gone.text
    served.wait_for("tags/ukraine/", lambda reply: "A brand new story" not in reply.text)
    os.remove(site.root / "content/tianjin.md")
    served.wait_for("tags/china/", lambda reply: reply.status == 404)


def test_a_broken_article_shows_the_error_keeps_the_last_good_page_and_recovers(site, served):
    good = (site.root / "content/ukraine-force.md").read_text()
    site.write("content/ukraine-force.md", good.replace("date: ", "date: [not closed\nx: ", 1))
    broken = served.wait_for(UKRAINE, overlay_shown)
    assert broken.status == 200 and "UK, France pledge" in broken.text, "the last good page stays served"
    assert re.search(r"content/ukraine-force\.md:\d+: ", broken.text), "the overlay names file:line"
    assert overlay_shown(served.get("tags/ukraine/")) and overlay_shown(served.get("no-such-page/"))
    assert any(re.match(r"content/ukraine-force\.md:\d+: ", line) for line in served.stderr), served.log()
    assert any("still serving the last good site" in line for line in served.stderr)

    site.write("content/ukraine-force.md", good.replace("Key European allies", "Mended European allies"))
    # The overlay goes with the reload; the new file may be on disk a moment before that.
    served.wait_for(UKRAINE, lambda reply: "Mended European allies" in reply.text and not overlay_shown(reply))


def test_a_broken_template_shows_the_error_and_the_fix_brings_the_page_back(site, served):
    site.write("templates/article.html", '{% extends "default/article.html" %}\n'
                                         "{% block main %}\n{{ article.title | no_such_filter }}\n{% endblock %}\n")
    broken = served.wait_for(UKRAINE, overlay_shown)
    assert "templates/article.html:" in broken.text and "no_such_filter" in broken.text
    assert "<h1>UK, France pledge ‘reassurance force’</h1>" in broken.text, "the last good page"

    site.write("templates/article.html", '{% extends "default/article.html" %}\n'
                                         "{% block main %}<p class=\"mine\">{{ article.title }}</p>{% endblock %}\n")
    served.wait_for(UKRAINE, lambda reply: '<p class="mine">' in reply.text and not overlay_shown(reply))


def test_a_broken_site_yaml_does_not_stop_the_server(site, served):
    good = (site.root / "site.yaml").read_text()
    site.write("site.yaml", good + "per_page: [\n")
    broken = served.wait_for("", overlay_shown)
    assert re.search(r"site\.yaml:\d+: ", broken.text) and "Test Digest" in broken.text
    site.write("site.yaml", good.replace("title: Test Digest", "title: Renamed Digest"))
    served.wait_for("", lambda reply: "Renamed Digest" in reply.text and not overlay_shown(reply))


def test_a_new_base_path_in_site_yaml_moves_the_preview(site, served):
    site.write("site.yaml", (site.root / "site.yaml").read_text().replace("https://example.org/",
                                                                          "https://example.org/digest/"))
    served.wait_for("/digest/" + UKRAINE, has('href="/digest/tags/ukraine/"'))
    assert served.request("/").headers["location"] == "/digest/"


def test_stylesheets_and_static_files_are_served_fresh(site, served):
    site.write("static/humans.txt", "first\n")
    served.wait_for("humans.txt", lambda reply: reply.body == b"first\n")
    site.write("static/humans.txt", "second\n")
    served.wait_for("humans.txt", lambda reply: reply.body == b"second\n")
    site.write("templates/assets/style.css", "body { color: rebeccapurple }\n")
    served.wait_for("assets/style.css", has("rebeccapurple"))


def test_a_first_build_that_fails_is_shown_and_the_fix_brings_the_site(site):
    good = (site.root / "site.yaml").read_text()
    site.write("site.yaml", "title: [\n")
    with Serve(site.root) as server:
        first = server.get("")
        assert first.status == 503 and overlay_shown(first) and "site.yaml:" in first.text
        assert "/livereload.js" in first.text, "the error page reloads itself when the fix is saved"
        site.write("site.yaml", good)
        server.wait_for(UKRAINE, has("UK, France pledge"))


def test_editor_saves_rebuild_once_and_swap_files_never(site, served):
    site.write("content/.ukraine-force.md.swp", "vim swap")
    site.write("content/4913", "")
    site.write("content/ukraine-force.md~", "backup")
    site.write("content/#ukraine-force.md#", "emacs autosave")
    temp = site.write("content/.tmp-save", article("Saved atomically", "2026-01-06T18:00:00+00:00"))
    os.replace(temp, site.root / "content/ukraine-force.md")  # how many editors save
    served.wait_for(UKRAINE, has("Saved atomically"))
    time.sleep(0.5)  # time for a second, unwanted rebuild to show
    assert served.rebuilds(at_least=1) == 1, served.log()


def test_a_burst_of_changes_is_one_or_two_rebuilds(site, served):
    for number in range(200):
        site.write(f"content/burst-{number:03}.md", article(f"Burst {number}", "2026-02-02"))
    served.wait_for("2026/02/02/burst-199/", has("Burst 199"))
    time.sleep(0.5)
    assert 1 <= served.rebuilds(at_least=1) <= 2, served.log()
