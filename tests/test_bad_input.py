"""Every user mistake: a message with file and line, all problems at once, exit 1, old build/ untouched."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import article
from sitegen.cli import main

GOOD = article("Fine", "2026-01-01")

CASES = [
    # (id, file, content, expected message fragment)
    ("malformed_yaml", "content/bad.md", "---\ntitle: [unclosed\ndate: 2026-01-01\n---\nx\n",
     "content/bad.md:3: invalid YAML"),
    ("front_matter_not_a_mapping", "content/bad.md", "---\n- a\n- b\n---\nx\n",
     "content/bad.md:2: front matter must be a mapping of keys, got a list"),
    ("missing_title", "content/bad.md", "---\ndate: 2026-01-01\n---\nx\n", "content/bad.md:1: title is required"),
    ("empty_title", "content/bad.md", "---\ntitle: ''\ndate: 2026-01-01\n---\nx\n", "content/bad.md:2: title is required"),
    ("title_not_text", "content/bad.md", "---\ntitle: no\ndate: 2026-01-01\n---\nx\n",
     'content/bad.md:2: title: must be text, got a boolean (quote it: "False")'),
    ("date_not_a_date", "content/bad.md", "---\ntitle: T\ndate: yesterday\n---\nx\n",
     "content/bad.md:3: date: 'yesterday' is not a date"),
    ("impossible_date", "content/bad.md", "---\ntitle: T\ndate: 2026-13-45\n---\nx\n",
     "content/bad.md:3: date: '2026-13-45' is not a date: month must be in 1..12"),
    ("missing_date", "content/bad.md", "---\ntitle: T\n---\nx\n", "content/bad.md:1: date is required"),
    ("tags_not_a_list", "content/bad.md", "---\ntitle: T\ndate: 2026-01-01\ntags: {a: 1}\n---\nx\n",
     "content/bad.md:4: tags: must be a list of text, got a mapping"),
    ("unknown_template", "content/bad.md", "---\ntitle: T\ndate: 2026-01-01\ntemplate: nope.html\n---\nx\n",
     "content/bad.md: unknown template 'nope.html'"),
    ("not_utf8", "content/bad.md", "---\ntitle: caf\xe9\ndate: 2026-01-01\n---\nx\n".encode("latin-1"),
     "content/bad.md:2: not valid UTF-8 (byte 0xe9"),
    ("binary_file", "content/bad.md", b"---\ntitle: T\x00\n", "content/bad.md:2: binary file"),
    ("no_front_matter", "content/bad.md", "Just text\n", "content/bad.md:1: missing front matter"),
    ("unclosed_front_matter", "content/bad.md", "---\ntitle: T\n", "content/bad.md:1: front matter opened here is never closed"),
    ("empty_file", "content/bad.md", "", "content/bad.md:1: empty file"),
    ("duplicate_key", "content/bad.md", "---\ntitle: A\ntitle: B\ndate: 2026-01-01\n---\n",
     "content/bad.md:3: duplicate key 'title' (first on line 2)"),
    ("alias_bomb", "content/bad.md", "---\na: &a [x, x]\nb: [*a, *a]\ntitle: T\ndate: 2026-01-01\n---\n",
     "anchors and aliases are not allowed"),
    ("python_tag", "content/bad.md", "---\ntitle: !!python/object/apply:os.system [echo hi]\ndate: 2026-01-01\n---\n",
     "content/bad.md:2: invalid YAML: could not determine a constructor"),
    ("escaping_slug", "content/bad.md", "---\ntitle: T\ndate: 2026-01-01\nslug: ../../etc/x\n---\n",
     "content/bad.md:4: slug: '../../etc/x' is not allowed"),
    ("bad_offset", "content/bad.md", "---\ntitle: T\ndate: 2026-01-01T10:00:00+25:00\n---\n",
     "invalid UTC offset +25:00"),
    ("javascript_source_url", "content/bad.md", "---\ntitle: T\ndate: 2026-01-01\nsource_url: javascript:alert(1)\n---\n",
     "content/bad.md:4: source_url: 'javascript:alert(1)' is not an http(s) URL"),
    ("unknown_config_key", "site.yaml", "title: T\ncolour: red\n", "site.yaml:2: unknown setting 'colour'"),
    ("bad_config_yaml", "site.yaml", "title: [\n", "site.yaml:2: invalid YAML"),
    ("config_not_mapping", "site.yaml", "- a\n", "site.yaml:1: site.yaml must be a mapping"),
    ("unknown_timezone", "site.yaml", "title: T\ntimezone: Mars/Olympus\n", "site.yaml:2: timezone: unknown timezone 'Mars/Olympus'"),
    ("permalink_escapes", "site.yaml", "title: T\npermalink: /../{slug}/\n", "site.yaml:2: permalink: permalink must be a path inside the site"),
    ("permalink_without_slug", "site.yaml", "title: T\npermalink: /{year}/\n", "site.yaml:2: permalink: '/{year}/' must contain {slug}"),
    ("per_page_zero", "site.yaml", "title: T\nper_page: 0\n", "site.yaml:2: per_page: must be a whole number"),
    ("template_syntax_error", "templates/article.html", "{% if x %}oops", "templates/article.html:1: template syntax"),
    ("template_undefined_variable", "templates/article.html", "line one\n{{ article.titel }}",
     "templates/article.html:2: template error: 'sitegen.views.ArticleView object' has no attribute 'titel'"),
]


@pytest.mark.parametrize("name,rel,content,expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_with_file_and_line_and_old_build_kept(site, capsys, name, rel, content, expected):
    site.build()
    before = site.tree_hash()
    content_before = site.tree_hash("content")
    site.write(rel, content)
    code = main(["build", "--site", str(site.root)])
    err = capsys.readouterr().err
    assert code == 1
    assert expected in err
    assert "Traceback" not in err
    assert "is unchanged" in err
    assert site.tree_hash() == before
    if not rel.startswith("content/"):
        assert site.tree_hash("content") == content_before


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
    import sitegen.build as build_module

    def boom(*args, **kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(build_module, "build_index", boom)
    assert main(["build", "--site", str(site.root)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "bug in sitegen" in err


def test_console_script_reports_problem_and_exit_code(site):
    site.write("content/bad.md", "---\ntitle: T\ndate: yesterday\n---\n")
    proc = subprocess.run([sys.executable, "-m", "sitegen", "build", "--site", str(site.root)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "content/bad.md:3: date: 'yesterday' is not a date" in proc.stderr
