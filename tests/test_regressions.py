"""Bugs found while making sitegen trustworthy, each test named after where the failure was first seen.

Before each fix, every one of these inputs ended a build with a Python traceback (exit 2), a hang, a
silently published file from outside the site, or a feed no reader could parse.
"""
from __future__ import annotations

import os

import defusedxml.ElementTree
import pytest

from conftest import SITE_YAML, article
from importing import newsroom, run_import  # noqa: F401 - fixture
from sitegen import markup
from sitegen.config import check_permalink
from sitegen.markup import MarkupError, render_markdown


def problems_of(result) -> list[str]:
    assert not result.ok, "the build should have failed"
    return [str(p) for p in result.problems]


def nested_list(depth: int) -> str:
    return "\n".join("    " * level + "- item" for level in range(depth))


def test_lists_nested_1000_deep_are_refused_before_rendering_marked_1471(site):
    # Python-Markdown takes 30 s on this, then raises RecursionError (reliability notes, finding 5).
    site.write("content/deep.md", article("Deep", "2026-01-01", nested_list(1000)))
    assert problems_of(site.build()) == [
        "content/deep.md:105: Markdown nested 101 levels deep (lists or quotes); at most 100 can be rendered"]


def test_quotes_nested_deeper_than_100_are_refused_python_markdown_799(site):
    body = "\n".join(">" * depth + " quoted" for depth in range(1, 300))
    site.write("content/deep.md", article("Deep", "2026-01-01", body))
    assert problems_of(site.build()) == [
        "content/deep.md:105: Markdown nested 101 levels deep (lists or quotes); at most 100 can be rendered"]


def test_lists_nested_100_deep_still_build(site):
    site.write("content/deep.md", article("Deep", "2026-01-01", nested_list(100)))
    assert site.build().ok


def test_recursion_inside_python_markdown_becomes_a_problem_python_markdown_799(site, monkeypatch):
    # Definition lists and other shapes the depth check does not count can still recurse.
    def overflow(text):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(markup._converter, "convert", overflow)
    with pytest.raises(MarkupError, match="nested too deeply"):
        render_markdown("term\n: definition")
    site.write("content/new.md", article("New", "2026-01-01", "term\n: definition"))
    assert problems_of(site.build(use_cache=False))[0].endswith(": Markdown nested too deeply to render")


def test_feed_html_nested_150_deep_imports_as_plain_text_markdownify_276(newsroom, tmp_path):  # noqa: F811
    nested = "&lt;ul&gt;&lt;li&gt;" * 150 + "innermost"
    feed = tmp_path / "feed.xml"
    feed.write_text(f'<rss version="2.0"><channel><title>F</title><link>https://f.example/</link><item><title>Deep'
                    f'</title><link>https://f.example/a</link><description>{nested}</description></item></channel></rss>')
    report = run_import(newsroom, feed)
    assert [p.action for p in report.planned] == ["write"]
    assert any("imported as plain text" in w.message for w in report.warnings)
    assert newsroom.build().ok


def test_symlinked_folder_leading_out_of_content_is_not_followed_notes_row_31(site, tmp_path):
    # MkDocs copies such files into the site (observed); sitegen refused linked files, not folders.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(article("Secret", "2026-01-01", "SECRET"))
    os.symlink(outside, site.root / "content" / "linked")
    assert problems_of(site.build()) == [f"content/linked: symlink points outside the site ({outside}); not followed"]


def test_symlink_loops_in_content_neither_hang_nor_crash_webbundle_plugins_105(site):
    os.symlink(".", site.root / "content" / "loop")  # a folder that contains itself: listed once
    os.symlink("self.md", site.root / "content" / "self.md")
    assert problems_of(site.build()) == ["content/self.md: symlink loop; not followed"]
    (site.root / "content" / "self.md").unlink()
    assert site.build().ok


def test_a_pipe_named_like_an_article_does_not_block_the_build_notes_row_33(site):
    os.mkfifo(site.root / "content" / "pipe.md")
    assert problems_of(site.build()) == ["content/pipe.md: not a regular file (a broken symlink, a device or a pipe)"]


def test_a_folder_vanishing_while_content_is_listed_zola_902(site, monkeypatch):
    (site.root / "content" / "gone").mkdir()
    real_scandir = os.scandir

    def scandir_after_deletion(path):
        if str(path).endswith("gone"):
            os.rmdir(path)
        return real_scandir(path)

    monkeypatch.setattr("sitegen.content_files.os.scandir", scandir_after_deletion)
    assert site.build().ok


def test_a_file_deleted_between_listing_and_reading_zola_1069(site, monkeypatch):
    import sitegen.load

    real_read = sitegen.load.read_article

    def read_after_deletion(site_dir, path, config):
        if path.name == "tianjin.md":
            path.unlink()
        return real_read(site_dir, path, config)

    monkeypatch.setattr(sitegen.load, "read_article", read_after_deletion)
    assert problems_of(site.build()) == ["content/tianjin.md: cannot read file: No such file or directory"]
    monkeypatch.undo()
    assert site.build().ok  # the next build, as serve's next rebuild, shows the folder as it now is


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-12:00"])
def test_dates_beyond_the_calendar_once_in_utc_are_problems_publ_394(site, date):
    site.write("content/edge.md", article("Edge of time", date))
    assert problems_of(site.build(future=True)) == [
        f"content/edge.md:3: date: '{date}' is out of range: it must stay within the years 1 to 9999 in UTC "
        "and in the site's timezone (UTC)"]


@pytest.mark.parametrize("pattern,message", [
    ("/{slug}/{year:>999999999}/", "may only use plain fields like {slug}, without formats or conversions"),
    ("/{slug}/{slug.__class__}/", "may only use plain fields like {slug}, without formats or conversions"),
    ("/{slug}/{/", "is not a valid pattern (expected '}' before end of string"),
])
def test_permalink_format_specs_are_refused_before_str_format_runs_notes_row_27(pattern, message):
    # The first took gigabytes and 15 s before failing; the last was a ValueError with a traceback.
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("{", r"\{").replace("}", r"\}")):
        check_permalink(pattern)


def test_base_url_with_a_query_is_refused_notes_row_39(site):
    site.write("site.yaml", SITE_YAML.replace("https://example.org/", "https://example.org/news?page=1"))
    assert problems_of(site.build()) == [
        "site.yaml:3: base_url: 'https://example.org/news?page=1' must not have a query or fragment: links are "
        "made by adding paths to it"]


def test_site_yaml_that_is_a_folder_is_a_problem_notes_row_38(site):
    (site.root / "site.yaml").unlink()
    (site.root / "site.yaml").mkdir()
    assert problems_of(site.build()) == ["site.yaml: cannot read: Is a directory"]


def test_a_5000_digit_number_in_front_matter_cve_2020_10735(site):
    # Python refuses such conversions since CVE-2020-10735: a ValueError, with no line, out of PyYAML.
    site.write("content/big.md", "---\ntitle: T\ndate: 2026-01-01\nslug: 1" + "0" * 5000 + "\n---\n")
    assert problems_of(site.build()) == ["content/big.md:4: a number of 5001 digits (quote it if it is text)"]


def test_template_that_is_not_utf8_is_reported_at_its_line_notes_row_34(site):
    site.write("templates/article.html", b"{% extends 'default/article.html' %}\n{# caf\xe9 #}\n")
    assert problems_of(site.build()) == [
        "templates/article.html:2: template syntax: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]


def test_control_characters_leave_every_feed_well_formed_pelican_2049(site):
    # A pasted terminal colour code used to stop the build with lxml's "All strings must be XML compatible".
    site.write("content/ansi.md", article("Red \x1b[31malert\x1b[0m", "2026-01-01", "Body \x0c with\x01 controls",
                                          tags=["Bell\x07"]))
    assert site.build().ok
    for feed in site.out.rglob("*.xml"):
        defusedxml.ElementTree.fromstring(feed.read_bytes())
    assert "Red [31malert[0m" in site.read("feed.xml")
    # Dropped from the body before Markdown, so its HTML goes into feeds as it is, and pages lack them too.
    [page] = site.out.glob("2026/01/01/*/index.html")
    assert "Body  with controls" in page.read_text(encoding="utf-8")
    assert "Body  with controls" in site.read("feed.xml") and "Body  with controls" in site.read("feed.json")


def test_bodies_are_rendered_again_when_markdown_settings_change_over_an_older_cache(site, monkeypatch):
    # A parse in the memo names its body's HTML by a key of the Markdown settings it was rendered with:
    # after a change to them (here, a new revision of render_markdown), the parse must not lead back to
    # the HTML of the old settings. Simulated: the old HTML carries a character the new one drops.
    import sqlite3

    from sitegen import markup

    site.write("content/story.md", article("Story", "2026-01-01", "Body text."))
    assert site.build().ok
    with sqlite3.connect(site.root / ".sitegen-cache" / "cache.sqlite") as db:
        db.execute("UPDATE markup SET html = replace(html, 'Body', 'Old' || char(1) || 'body')")
    monkeypatch.setattr(markup, "SETTINGS_KEY", "the next revision")
    site.write("templates/unused.html", "a new template: every page is rendered again")
    assert site.build().ok
    assert "Body text." in site.read("feed.xml") and "\x01" not in site.read("feed.xml")


def test_static_file_vanishing_during_a_build_zola_1069(site, monkeypatch):
    import sitegen.stages

    site.write("static/notes.txt", "soon gone")
    real_find = sitegen.stages.find_static_files

    def find_then_delete(site_dir):
        found = real_find(site_dir)
        (site.root / "static" / "notes.txt").unlink()
        return found

    monkeypatch.setattr(sitegen.stages, "find_static_files", find_then_delete)
    assert problems_of(site.build()) == ["static/notes.txt: cannot read: No such file or directory"]


def test_editor_backup_file_vanishing_from_templates_hugo_2168(site, monkeypatch):
    from pathlib import Path

    site.write("templates/4913", "vim's probe file")  # written and deleted by vim on every save
    real_read = Path.read_bytes

    def read_after_vim_deleted_it(path):
        if path.name == "4913":
            path.unlink(missing_ok=True)
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", read_after_vim_deleted_it)
    assert site.build().ok


def test_a_broken_template_is_one_problem_not_one_per_page_notes_4_1(site):
    # Every page rendered with it reported it again: 1,000 articles, 200 identical lines and "… 800 more".
    site.write("templates/article.html", "{% if x %}never closed")
    assert problems_of(site.build()) == [
        "templates/article.html:1: template syntax: Unexpected end of template. Jinja was looking for the following "
        "tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'."]


def test_slug_of_four_byte_characters_fits_a_file_name_notes_4_5(site):
    # 80 characters of CJK Extension B are 320 bytes: the staging folder could not be made (ENAMETOOLONG).
    site.write("content/cjk.md", article("𠀀" * 100, "2026-01-01", tags=["𡀀" * 90]))
    assert site.build().ok
    assert all(len(p.name.encode()) <= 200 for p in site.out.rglob("*"))


def test_digest_lines_markdown_would_read_as_tables_or_definitions_stay_text_found_by_hypothesis(newsroom):  # noqa: F811
    digest = newsroom.write("d.txt", "Posted on Leave a comment\n\nScores\n\nHome | Away\n--- | ---\nResult\n"
                                     ": draw\n=\n~~~\nAT&T &#0 done. (Reuters)\n")
    run_import(newsroom, digest, dates=("2026-01-05",))
    assert newsroom.build().ok
    page = (newsroom.out / "2026/01/05/scores/index.html").read_text(encoding="utf-8")
    assert "<p>Home | Away\n--- | ---\nResult\n&#58; draw\n&#61;\n&#126;~~\nAT&amp;T &amp;#0 done.</p>" in page
