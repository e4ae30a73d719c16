"""Every user mistake: one line with file and line, exit 1, build/ and content/ byte for byte unchanged.

One table for content files, site.yaml, templates, digests and feeds (`sitegen import`), after
reliability-notes 4.2. Each row is a kind of bad input and the message a newsroom would need; the
same test runs every row: exit code 1, the message exactly once, no traceback, build/ (built
before) and content/ (as the row left it) unchanged, nothing written by a failed import.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import NOW, SITE_YAML, Site, article
from htmlcheck import dangerous_markup_in_tree
from sitegen.cli import main

GOOD = article("Fine", "2026-01-01")


@dataclass(frozen=True)
class Row:
    id: str
    expected: str  # a part of one line of the output; {site} stands for the site folder
    files: dict = field(default_factory=dict)  # site-relative path -> text or bytes
    setup: Callable[[Path], None] | None = None  # for what files cannot say (symlinks, pipes, folders)
    command: tuple = ("build",)  # or ("import", inputs...), ("check", options...)


def bad(name: str, text: str | bytes, expected: str) -> Row:
    """A content file content/bad.md with this text."""
    return Row(name, expected, {"content/bad.md": text})


def front(*lines: str, body: str = "Body.") -> str:
    return "---\n" + "\n".join(lines) + "\n---\n" + body + "\n"


def config(name: str, text: str | bytes, expected: str) -> Row:
    return Row(f"site_yaml_{name}", expected, {"site.yaml": text})


def template(name: str, text: str | bytes, expected: str) -> Row:
    return Row(f"template_{name}", expected, {"templates/article.html": text})


def incoming(name: str, file: str, data: str | bytes, expected: str) -> Row:
    """`sitegen import` of one file that is not in content/."""
    return Row(name, expected, {f"incoming/{file}": data}, command=("import", f"incoming/{file}"))


def posted(headline: str, *paragraphs: str, line: str = "Posted on Leave a comment") -> str:
    return "\n\n".join([line, headline, *paragraphs]) + "\n\n"


def symlink(rel: str, target: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    return make


def rss(item: str, prolog: str = "") -> str:
    return (f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel><title>F</title><link>https://f.example/</link>'
            f"{item}</channel></rss>")


DEEP = "\n".join("    " * level + "- item" for level in range(1000))
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"
LAUGHS = ('<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')

CONTENT = [
    bad("empty_file", "", "content/bad.md:1: empty file: no front matter (title and date are required)"),
    bad("no_front_matter", "Just text\n", "content/bad.md:1: missing front matter: expected '---' on line 1"),
    bad("unclosed_front_matter", "---\ntitle: T\n", "content/bad.md:1: front matter opened here is never closed"),
    bad("malformed_yaml", front("title: [unclosed", "date: 2026-01-01"), "content/bad.md:3: invalid YAML"),
    bad("front_matter_a_list", front("- a", "- b"), "content/bad.md:2: front matter must be a mapping of keys, got a list"),
    bad("front_matter_text", front("just words"), "content/bad.md:2: front matter must be a mapping of keys, got text"),
    bad("missing_title", front("date: 2026-01-01"), "content/bad.md:1: title is required"),
    bad("empty_title", front("title: ''", "date: 2026-01-01"), "content/bad.md:2: title is required"),
    bad("title_yaml_boolean", front("title: no", "date: 2026-01-01"),
        'content/bad.md:2: title: must be text, got a boolean (quote it: "no")'),
    bad("title_yaml_float", front("title: 1.10", "date: 2026-01-01"),
        'content/bad.md:2: title: must be text, got a number (quote it: "1.10")'),
    bad("title_a_list", front("title: [a, b]", "date: 2026-01-01"), "content/bad.md:2: title: must be text, got a list"),
    bad("missing_date", front("title: T"), "content/bad.md:1: date is required"),
    bad("date_not_a_date", front("title: T", "date: yesterday"), "content/bad.md:3: date: 'yesterday' is not a date"),
    bad("date_sexagesimal", front("title: T", "date: 12:30"), "content/bad.md:3: date: 750 is not a date"),
    bad("impossible_date", front("title: T", "date: 2026-13-45"),
        "content/bad.md:3: date: '2026-13-45' is not a date: month must be in 1..12"),
    bad("bad_offset", front("title: T", "date: 2026-01-01T10:00:00+25:00"), "invalid UTC offset +25:00"),
    bad("date_before_year_one_in_utc", front("title: T", "date: 0001-01-01T00:00:00+14:00"),
        "content/bad.md:3: date: '0001-01-01T00:00:00+14:00' is out of range"),
    bad("updated_not_a_date", front("title: T", "date: 2026-01-01", "updated: soon"),
        "content/bad.md:4: updated: 'soon' is not a date"),
    bad("tags_a_mapping", front("title: T", "date: 2026-01-01", "tags: {a: 1}"),
        "content/bad.md:4: tags: must be a list of text, got a mapping"),
    bad("tags_with_null", front("title: T", "date: 2026-01-01", "tags: [Ukraine, null]"),
        "content/bad.md:4: tags: must be a list of text, got None in it"),
    bad("source_a_list", front("title: T", "date: 2026-01-01", "source: [AFP, Reuters]"),
        "content/bad.md:4: source: must be text, got a list"),
    bad("source_url_javascript", front("title: T", "date: 2026-01-01", "source_url: javascript:alert(1)"),
        "content/bad.md:4: source_url: 'javascript:alert(1)' is not an http(s) URL"),
    bad("source_url_a_number", front("title: T", "date: 2026-01-01", "source_url: 5"),
        "content/bad.md:4: source_url: must be text, got a number"),
    bad("summary_a_mapping", front("title: T", "date: 2026-01-01", "summary: {a: 1}"),
        "content/bad.md:4: summary: must be text, got a mapping"),
    bad("author_yaml_boolean", front("title: T", "date: 2026-01-01", "author: yes"),
        'content/bad.md:4: author: must be text, got a boolean (quote it: "yes")'),
    bad("draft_not_a_boolean", front("title: T", "date: 2026-01-01", "draft: maybe"),
        "content/bad.md:4: draft: must be true or false, got 'maybe'"),
    bad("template_path_escape", front("title: T", "date: 2026-01-01", "template: ../../etc/passwd"),
        "content/bad.md:4: template: '../../etc/passwd' is not a template name like 'article.html'"),
    bad("unknown_template", front("title: T", "date: 2026-01-01", "template: nope.html"),
        "content/bad.md: unknown template 'nope.html'"),
    bad("slug_escapes", front("title: T", "date: 2026-01-01", "slug: ../../etc/x"),
        "content/bad.md:4: slug: '../../etc/x' is not allowed"),
    bad("slug_absolute", front("title: T", "date: 2026-01-01", "slug: /abs"), "content/bad.md:4: slug: '/abs' is not allowed"),
    bad("slug_with_slash", front("title: T", "date: 2026-01-01", "slug: a/b"), "content/bad.md:4: slug: 'a/b' is not allowed"),
    bad("duplicate_key", front("title: A", "title: B", "date: 2026-01-01"),
        "content/bad.md:3: duplicate key 'title' (first on line 2)"),
    bad("alias_bomb", front(BOMB + "title: T", "date: 2026-01-01"), "content/bad.md:2: YAML anchors and aliases are not allowed here"),
    bad("python_tag", front("title: !!python/object/apply:os.system [echo hi]", "date: 2026-01-01"),
        "content/bad.md:2: invalid YAML: could not determine a constructor"),
    bad("yaml_nested_1000_deep", front("title: T", "date: 2026-01-01", "x: " + "[" * 1000 + "]" * 1000),
        "content/bad.md:4: invalid YAML: exceeded maximum nesting depth"),
    bad("number_of_5000_digits", front("title: T", "date: 2026-01-01", "slug: 1" + "0" * 5000),
        "content/bad.md:4: a number of 5001 digits (quote it if it is text)"),
    bad("not_utf8", front("title: caf\xe9", "date: 2026-01-01").encode("latin-1"),
        "content/bad.md:2: not valid UTF-8 (byte 0xe9 at offset 14) (save the file as UTF-8)"),
    bad("utf16", front("title: T", "date: 2026-01-01").encode("utf-16"),
        "content/bad.md:1: UTF-16 text, not UTF-8 (save the file as UTF-8)"),
    bad("binary_file", b"---\ntitle: T\x00\n", "content/bad.md:2: binary file (NUL byte at offset 12), not Markdown"),
    bad("over_5_mib", front("title: T", "date: 2026-01-01", body="x" * (6 * 2**20)),
        "content/bad.md: file is 6.0 MiB, over the 5 MiB limit"),
    bad("lists_nested_1000_deep", front("title: T", "date: 2026-01-01", body=DEEP),
        "content/bad.md:105: Markdown nested 101 levels deep (lists or quotes); at most 100 can be rendered"),
    Row("two_articles_one_url", "content/two.md:4: URL /2026/02/02/same/ is also produced by content/one.md",
        {"content/one.md": article("One", "2026-02-02", slug="same"), "content/two.md": article("Two", "2026-02-02", slug="same")}),
    Row("file_names_differing_in_case", "content/news.md:1: URL /2026/02/02/news/ is also produced by content/News.md",
        {"content/News.md": article("One", "2026-02-02"), "content/news.md": article("Two", "2026-02-02")}),
    Row("symlinked_file_out_of_the_site", "content/passwd.md: symlink points outside the site (/etc/passwd); not followed",
        setup=symlink("content/passwd.md", "/etc/passwd")),
    Row("symlinked_folder_out_of_the_site", "content/etc: symlink points outside the site (/etc); not followed",
        setup=symlink("content/etc", "/etc")),
    Row("symlink_loop", "content/self.md: symlink loop; not followed", setup=symlink("content/self.md", "self.md")),
    Row("pipe_named_md", "content/pipe.md: not a regular file", setup=lambda root: os.mkfifo(root / "content/pipe.md")),
    Row("script_in_body_with_check_strict", "content/bad.md:5: warning: <script> in the article body",
        {"content/bad.md": front("title: T", "date: 2026-01-01", body="<script>alert(1)</script>")}, command=("check", "--strict")),
    Row("broken_link_with_check", "content/bad.md:5: link /nowhere/ leads nowhere: there is no such file in the site",
        {"content/bad.md": front("title: T", "date: 2026-01-01", body="[x](/nowhere/)")}, command=("check",)),
]

SITE_YAML_ROWS = [
    config("unknown_setting", "title: T\ncolour: red\n", "site.yaml:2: unknown setting 'colour'"),
    config("invalid_yaml", "title: [\n", "site.yaml:2: invalid YAML"),
    config("not_a_mapping", "- a\n", "site.yaml:1: site.yaml must be a mapping"),
    config("unknown_timezone", "title: T\ntimezone: Mars/Olympus\n", "site.yaml:2: timezone: unknown timezone 'Mars/Olympus'"),
    config("permalink_escapes", "title: T\npermalink: /../{slug}/\n", "site.yaml:2: permalink: permalink must be a path inside the site"),
    config("permalink_without_slug", "title: T\npermalink: /{year}/\n", "site.yaml:2: permalink: '/{year}/' must contain {slug}"),
    config("permalink_format_spec", "title: T\npermalink: '/{slug}/{year:>999999999}/'\n",
           "site.yaml:2: permalink: '/{slug}/{year:>999999999}/' may only use plain fields like {slug}"),
    config("per_page_zero", "title: T\nper_page: 0\n", "site.yaml:2: per_page: must be a whole number"),
    config("per_page_text", "title: T\nper_page: '20'\n", "site.yaml:2: per_page: must be a whole number of at least 1, got '20'"),
    config("base_url_without_scheme", "base_url: example.org/news/\n", "site.yaml:1: base_url: 'example.org/news/' is not an http(s) URL"),
    config("base_url_with_query", "base_url: https://example.org/?page=1\n", "site.yaml:1: base_url: 'https://example.org/?page=1' must not have a query"),
    config("sources_a_list", "sources: [AFP, Reuters]\n", "site.yaml:1: sources: must be a mapping of outlet names, got a list"),
    config("not_utf8", "title: Caf\xe9\n".encode("latin-1"), "site.yaml:1: not valid UTF-8 (byte 0xe9 at offset 10) (save the file as UTF-8)"),
    config("alias_bomb", BOMB, "site.yaml:1: YAML anchors and aliases are not allowed here"),
    config("duplicate_key", "title: A\nper_page: 5\ntitle: B\n", "site.yaml:3: duplicate key 'title' (first on line 1)"),
    Row("site_yaml_a_folder", "site.yaml: cannot read: Is a directory",
        setup=lambda root: ((root / "site.yaml").unlink(), (root / "site.yaml").mkdir())),
]

TEMPLATES = [
    template("syntax_error", "{% if x %}oops", "templates/article.html:1: template syntax: Unexpected end of template"),
    template("undefined_variable", "line one\n{{ article.titel }}",
             "templates/article.html:2: template error: 'sitegen.views.ArticleView object' has no attribute 'titel'"),
    template("includes_itself", "{% include 'article.html' %}",
             "templates/article.html:1: template error: it includes, extends or calls itself without end"),
    template("extends_itself", "{% extends 'article.html' %}",
             "templates/article.html:1: template error: it includes, extends or calls itself without end"),
    template("includes_a_missing_template", "one\n{% include 'nope.html' %}", "templates/article.html:2: unknown template 'nope.html'"),
    template("not_utf8", b"{% extends 'default/article.html' %}\n{# caf\xe9 #}\n",
             "templates/article.html:2: template syntax: not valid UTF-8 (byte 0xe9); save the file as UTF-8"),
    template("filter_on_wrong_type", "{{ article.title | date_long }}",
             "templates/article.html:1: template error: 'str' object has no attribute 'astimezone'"),
]

DIGESTS = [
    incoming("digest_without_separator", "digest.txt", "Just some notes\n\nwith no separator\n",
             "{site}/incoming/digest.txt:1: no articles found"),
    incoming("digest_empty", "digest.txt", "", "{site}/incoming/digest.txt:1: no articles found"),
    incoming("digest_headline_missing", "digest.txt", posted("Fine", "Text. (Punch)") + "Posted on Leave a comment\n\n\n",
             "{site}/incoming/digest.txt:7: article has no headline: nothing follows this 'Posted on' line"),
    incoming("digest_only_a_headline", "digest.txt", posted("Only a headline"),
             "{site}/incoming/digest.txt:3: article 'Only a headline' has no text under its headline"),
    incoming("digest_unreadable_date", "digest.txt", posted("Dated", "Text.", line="Posted on yesterday by me Leave a comment"),
             "{site}/incoming/digest.txt:1: cannot read the date of this 'Posted on' line"),
    incoming("digest_not_utf8", "digest.txt", posted("Caf\xe9", "Text.").encode("latin-1"),
             "{site}/incoming/digest.txt:3: not valid UTF-8 (byte 0xe9"),
    incoming("digest_utf16", "digest.txt", posted("Head", "Text. (Punch)").encode("utf-16"),
             "{site}/incoming/digest.txt:1: UTF-16 text, not UTF-8 (save the file as UTF-8)"),
    incoming("digest_binary", "digest.bin", b"Posted on Leave a comment\n\n\x00\x01\x02", "{site}/incoming/digest.bin:3: binary file"),
    incoming("digest_over_5_mib", "digest.txt", posted("Head", "word " * 1_300_000),
             "{site}/incoming/digest.txt: file is 6.2 MiB, over the 5 MiB limit"),
]

FEEDS = [
    incoming("feed_that_is_html", "feed.xml", "<!doctype html><html><body><p>Hello<br></body></html>",
             "{site}/incoming/feed.xml:1: not an RSS or Atom feed: not well-formed XML"),
    incoming("feed_of_another_xml_kind", "feed.xml", "<?xml version='1.0'?><note><to>x</to></note>",
             "{site}/incoming/feed.xml: not an RSS or Atom feed: the document is <note>"),
    incoming("feed_billion_laughs", "feed.xml", rss("<item><title>&lol3;</title></item>", LAUGHS),
             "{site}/incoming/feed.xml:1: refused: the feed declares XML entities"),
    incoming("feed_external_entity", "feed.xml",
             rss("<item><title>&xxe;</title></item>", '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
             "{site}/incoming/feed.xml:1: refused: the feed declares XML entities"),
    incoming("feed_over_10_mib", "feed.xml", rss("<item><title>Big</title><description>" + "x" * (11 * 2**20) + "</description></item>"),
             "{site}/incoming/feed.xml: file is over the 10.0 MiB limit"),
    Row("feed_file_missing", "{site}/incoming/gone.xml: cannot read: No such file or directory", command=("import", "incoming/gone.xml")),
]

ROWS = CONTENT + SITE_YAML_ROWS + TEMPLATES + DIGESTS + FEEDS


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Site:
    """A small site built once; each row works on a copy of it."""
    site = Site(tmp_path_factory.mktemp("template") / "site")
    site.write("site.yaml", SITE_YAML)
    site.write("content/fine.md", GOOD)
    site.write("content/other.md", article("Other", "2025-12-24", "Another story.", tags=["Ukraine"], source="Punch"))
    assert site.build(now=NOW).ok
    return site


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input_is_one_line_with_file_and_line_and_changes_nothing(built_site, tmp_path, capsys, row):
    site = Site(tmp_path / "site")
    shutil.copytree(built_site.root, site.root, symlinks=True)
    for rel, data in row.files.items():
        site.write(rel, data)
    if row.setup:
        row.setup(site.root)
    build_before, content_before = site.tree_hash(), site.tree_hash("content")
    command, *options = row.command
    inputs = [str(site.root / option) for option in options] if command == "import" else options
    code = main([command, *inputs, "--site", str(site.root)])
    err = capsys.readouterr().err
    expected = row.expected.replace("{site}", str(site.root))
    assert code == 1, err
    assert err.count(expected) == 1, err
    assert "Traceback" not in err
    assert site.tree_hash() == build_before
    assert site.tree_hash("content") == content_before
    assert not list(site.root.glob("build.*")), "no staging folder left behind"


def test_the_table_covers_every_kind_of_input_the_notes_ask_for():
    assert len(ROWS) >= 40
    assert {len(CONTENT) > 30, len(SITE_YAML_ROWS) > 10, len(TEMPLATES) > 5, len(DIGESTS) > 5, len(FEEDS) > 4} == {True}


def test_hostile_html_in_front_matter_is_escaped_everywhere(site):
    payload = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
    site.write("content/xss.md", article(f"Title {payload}", "2026-01-05", "Body.", summary=f"Sum {payload}",
                                         source=f"Src {payload}", tags=[f"Tag {payload}", '" onmouseover="x'],
                                         author=f"By {payload}"))
    assert site.build().ok
    assert dangerous_markup_in_tree(site.out) == {}
    assert "Title &#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in site.read("2026/01/05/xss/index.html")


def test_editor_droppings_in_content_are_ignored(site):
    site.build()
    before = site.tree_hash()
    for name in (".tianjin.md.swp", "tianjin.md~", "#tianjin.md#", ".#tianjin.md", "4913", "_draft.md"):
        site.write(f"content/{name}", "---\ntitle: [broken\n")
    assert site.build().ok and site.tree_hash() == before


def test_an_article_dated_in_the_future_is_left_out_with_a_note(site, capsys):
    site.write("content/later.md", article("Later", "2099-01-01"))
    assert main(["build", "--site", str(site.root), "-q"]) == 0
    assert main(["build", "--site", str(site.root)]) == 0
    assert "1 draft or future articles left out (use --drafts / --future)" in capsys.readouterr().out
    assert not (site.out / "2099").exists()


def test_tags_differing_in_case_share_one_page(site):
    assert site.build().ok
    page = site.read("tags/ukraine/index.html")
    assert "UK, France pledge" in page and "Peace hopes dented" in page
    assert not (site.out / "tags" / "Ukraine").exists()


def test_all_problems_of_a_build_are_listed_at_once(site, capsys):
    site.write("content/a.md", "---\ndate: 2026-01-01\n---\n")
    site.write("content/b.md", "---\ntitle: T\ndate: nonsense\n---\n")
    site.write("content/c.md", "---\ntitle: T\ndate: 2026-01-01\ntags: 5\n---\n")
    assert main(["build", "--site", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert "content/a.md:1: title is required" in err
    assert "content/b.md:3: date: 'nonsense' is not a date" in err
    assert "content/c.md:4: tags: must be a list of text" in err
    assert "Build failed: 3 problems" in err


def test_two_articles_claiming_one_url_name_both_files(site, capsys):
    site.write("content/one.md", article("One", "2026-02-02", slug="same"))
    site.write("content/two.md", article("Two", "2026-02-02", slug="same"))
    assert main(["build", "--site", str(site.root)]) == 1
    err = capsys.readouterr().err
    assert "content/two.md:4: URL /2026/02/02/same/ is also produced by content/one.md" in err


def test_urls_differing_only_in_case_collide(site, capsys):
    site.write("site.yaml", "title: T\npermalink: /{slug}/\n")
    site.write("content/a.md", article("A", "2026-02-02", slug="news"))
    site.write("content/b.md", article("B", "2026-02-02"))
    site.write("content/tags.md", article("Tags page", "2026-02-02", slug="tags"))
    assert main(["build", "--site", str(site.root)]) == 1
    assert "URL /tags/ is also produced by content/tags.md" in capsys.readouterr().err


def test_missing_content_folder(tmp_path, capsys):
    (tmp_path / "site.yaml").write_text("title: T\n")
    assert main(["build", "--site", str(tmp_path)]) == 1
    assert "content/: folder not found" in capsys.readouterr().err


def test_bom_and_crlf_build_exactly_like_lf(site):
    text = article("Line endings", "2026-03-03", "One.\n\nTwo.")
    site.write("content/le.md", text)
    site.build()
    lf = site.tree_hash()
    site.write("content/le.md", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    site.build()
    assert site.tree_hash() == lf


def test_output_folder_that_would_replace_the_site_is_refused(site, capsys):
    assert main(["build", "--site", str(site.root), "--output", str(site.root / "content")]) == 1
    assert "refusing to build into" in capsys.readouterr().err
    assert (site.root / "content" / "tianjin.md").is_file()


def test_cli_bug_exit_code_is_2_with_traceback(site, monkeypatch, capsys):
    import sitegen.stages as build_module

    def boom(*args, **kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(build_module, "index_but_relations", boom)
    assert main(["build", "--site", str(site.root)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "bug in sitegen" in err


def test_console_script_reports_problem_and_exit_code(site):
    site.write("content/bad.md", "---\ntitle: T\ndate: yesterday\n---\n")
    proc = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site.root)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "content/bad.md:3: date: 'yesterday' is not a date" in proc.stderr


def test_a_story_template_mistake_is_reported_with_its_line_on_a_first_build(site, capsys):
    """story() renders _story.html for the listings (theme._story_function): a mistake in it is the
    template's, with its line, not a traceback."""
    site.write("templates/_story.html", "line one\n{{ item.titel }}\n")
    code = main(["build", "--site", str(site.root)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.count("templates/_story.html:2: template error: 'sitegen.views.ArticleView object' has no attribute "
                     "'titel'") == 1, err
    assert "Traceback" not in err
    assert not site.out.exists()
