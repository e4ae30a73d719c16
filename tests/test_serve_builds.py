"""The pieces behind `sitegen serve`, in process: rebuilds with a warm cache, what browsers reload, the watcher."""
from __future__ import annotations

import os

from conftest import article
from sitegen.build import BuildOptions, build
from sitegen.serve_builds import RELOAD_PAGE, PreviewBuilder
from sitegen.serve_pages import insert_before_body_end, page_decorator
from sitegen.serve_watch import changed_paths, is_ignored, take_snapshot

UKRAINE = "2026/01/06/ukraine-force/"


def test_rebuilds_are_incremental_and_equal_a_cold_build(site, tmp_path):
    builder = PreviewBuilder(site.root, tmp_path / "preview", "http://127.0.0.1:9")
    assert builder.rebuild().ok
    site.write("content/peace-hopes.md", article("Peace hopes revived", "2025-12-29T18:00:00+00:00", tags=["Russia"]))
    again = builder.rebuild(("content/peace-hopes.md",))
    assert again.result.parsed == 1 and again.result.markup_rendered == 1, "only the edited file is read again"
    assert "2025/12/29/peace-hopes/index.html" in again.result.written and again.reload == (RELOAD_PAGE,)
    cold = build(site.root, BuildOptions(output=tmp_path / "cold", base_url="http://127.0.0.1:9/"))
    assert cold.ok and tree(tmp_path / "preview") == tree(tmp_path / "cold")
    assert builder.rebuild().reload == (), "nothing changed: the browsers are left alone"


def test_a_changed_stylesheet_alone_is_swapped_in_place(site, tmp_path):
    builder = PreviewBuilder(site.root, tmp_path / "preview", "http://127.0.0.1:9")
    builder.rebuild()
    site.write("templates/assets/style.css", "body { color: teal }\n")
    assert builder.rebuild().reload == ("/assets/style.css",)


def test_a_bug_in_sitegen_is_shown_and_the_server_keeps_going(site, tmp_path, monkeypatch):
    builder = PreviewBuilder(site.root, tmp_path / "preview", "http://127.0.0.1:9")
    assert builder.rebuild().ok

    def crash(*args, **kwargs):
        raise ZeroDivisionError("injected")

    monkeypatch.setattr("sitegen.serve_builds.build", crash)
    failed = builder.rebuild()
    assert failed.result is None and "ZeroDivisionError: injected" in failed.error
    assert b"Internal error in sitegen" in builder.decorate(b"<html><body></body></html>")
    assert (tmp_path / "preview" / UKRAINE / "index.html").is_file(), "the last good site is still there"
    monkeypatch.undo()
    assert builder.rebuild().ok and b"Internal error" not in builder.decorate(b"<body></body>")


def test_the_watcher_sees_additions_changes_and_removals_and_ignores_editor_files(site):
    before = take_snapshot(str(site.root))
    site.write("content/added.md", article("Added"))
    site.write("content/.hidden.md", article("Hidden"))
    os.remove(site.root / "content/tianjin.md")
    site.write("site.yaml", (site.root / "site.yaml").read_text() + "\n")
    assert changed_paths(before, take_snapshot(str(site.root))) == ["content/added.md", "content/tianjin.md",
                                                                     "site.yaml"]
    assert all(map(is_ignored, [".x.swp", "4913", "a.md~", "#a.md#", ".git", "a.tmp"]))
    assert not any(map(is_ignored, ["a.md", "style.css", "site.yaml"]))


def tree(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_overlay_escapes_problems_and_pages_keep_their_ending():
    decorate = page_decorator("Build failed: 1 problem.", ["content/a.md:3: title: <script>alert(1)</script>"])
    page = decorate(b"<!DOCTYPE html><html><body><p>x</p></body>\n</html>\n")
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page and b"<script>alert(1)" not in page
    assert page.endswith(b"</body>\n</html>\n") and page.index(b"sitegen-build-errors") < page.index(b"</body>")
    assert insert_before_body_end(b"no markup", b"+") == b"no markup+"
    assert insert_before_body_end(b"<BODY>x</BODY></HTML>", b"+") == b"<BODY>x+</BODY></HTML>"
