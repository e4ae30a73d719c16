"""The build by the saved plan (sitegen/planmemo.py): only the routes that show an edited body are planned
again, and the output is still exactly that of a cold build; anything else plans afresh."""
from __future__ import annotations

import sqlite3

from conftest import NOW, SITE_YAML, Site, article
from sitegen import stages
from sitegen.build import BuildOptions, build
from sitegen.errors import Problem, SiteError
from sitegen.planmemo import _references
from test_incremental import tree


def make_site(site: Site, n: int = 9) -> None:
    site.write("site.yaml", SITE_YAML)
    for i in range(n):
        site.write(f"content/s{i}.md", article(f"Story {i}", f"2026-01-{i + 1:02d}T10:00:00+00:00",
                                               f"Lead of story {i}.\n\nMore of story {i}.",
                                               tags=["Trade", f"T{i % 3}"], source="Al Jazeera"))


def edit_body(site: Site, name: str, text: str) -> None:
    path = site.root / "content" / name
    front, _, body = path.read_text().partition("\n---\n")
    path.write_text(f"{front}\n---\n{text}\n{body}")


def assert_like_cold(site: Site) -> None:
    cold = site.root.parent / "cold"
    assert build(site.root, BuildOptions(now=NOW, output=cold, use_cache=False)).ok
    assert tree(site.out) == tree(cold)


def assert_body_edit_plans_afresh(site: Site, name: str) -> None:
    """After whatever the caller did, a body edit to name is built by a full build, like a cold one."""
    edit_body(site, name, "Edited.")
    result = site.build()
    assert result.ok and not result.from_plan
    assert_like_cold(site)


def test_a_body_edit_renders_only_the_pages_that_show_the_article(site):
    make_site(site)
    assert site.build().ok
    edit_body(site, "s4.md", "A new lead paragraph.")
    result = site.build()
    assert result.ok and result.from_plan, result.problems
    assert result.parsed == 1 and result.markup_rendered == 1
    # The article, the listings and feeds it appears in, its neighbours' and relatives' pages: not the site.
    assert 0 < result.pages_rendered < result.pages / 2
    assert "2026/01/05/s4/index.html" in result.written
    assert "sources/al-jazeera/feed.xml" in result.written  # its summary is in the source's feed
    assert "A new lead paragraph." in site.read("2026/01/05/s4/index.html")
    assert_like_cold(site)


def test_edits_that_change_an_articles_shape_plan_everything_again(site):
    make_site(site)
    assert site.build().ok
    for old, new in [("title: Story 2", "title: Story Two"), ("- T2", "- Energy"),
                     ("2026-01-03T10", "2025-12-03T10"), ("source: Al Jazeera", "source: Punch")]:
        path = site.root / "content" / "s2.md"
        path.write_text(path.read_text().replace(old, new))
        result = site.build()
        assert result.ok and not result.from_plan, old
        assert_like_cold(site)
    edit_body(site, "s2.md", "Now a body edit again.")
    assert site.build().from_plan


def test_adding_removing_or_touching_settings_plans_everything_again(site):
    make_site(site)
    assert site.build().ok
    site.write("content/new.md", article("New", "2026-01-20T10:00:00+00:00"))
    assert not site.build().from_plan
    (site.root / "content" / "new.md").unlink()
    assert not site.build().from_plan
    site.write("site.yaml", SITE_YAML.replace("per_page: 2", "per_page: 3"))
    assert not site.build().from_plan
    site.write("templates/article.html", '{% extends "default/article.html" %}')
    assert not site.build().from_plan
    edit_body(site, "s1.md", "Body only.")
    assert site.build().from_plan
    assert not site.build(drafts=True).from_plan  # other settings, another plan
    assert_like_cold(site)


def test_a_touched_file_renders_nothing(site):
    make_site(site)
    assert site.build().ok
    path = site.root / "content" / "s3.md"
    path.write_bytes(path.read_bytes())
    result = site.build()
    assert result.ok and result.from_plan and result.written == ()


def test_an_edit_with_a_mistake_is_reported_like_any_build(site):
    make_site(site)
    assert site.build().ok
    before = tree(site.out)
    path = site.root / "content" / "s3.md"
    path.write_text(path.read_text().replace("title: Story 3", "title: [unclosed"))
    result = site.build()
    assert not result.ok and any(p.path == "content/s3.md" and p.line == 3 for p in result.problems)
    assert tree(site.out) == before


def test_an_output_changed_by_hand_is_repaired_by_a_full_build(site):
    make_site(site)
    assert site.build().ok
    (site.out / "tags" / "trade" / "index.html").unlink()
    (site.out / "index.html").write_text("changed by hand")
    assert_body_edit_plans_afresh(site, "s0.md")


def test_a_file_gone_with_its_manifest_row_is_repaired_by_a_full_build(site):
    """A build by the plan checks only the files the manifest lists: it must notice one that lost its row."""
    make_site(site)
    assert site.build().ok
    (site.out / "archive" / "index.html").unlink()
    with sqlite3.connect(site.root / ".sitegen-cache" / "cache.sqlite") as db:
        assert db.execute("DELETE FROM manifest WHERE rel=?", ("archive/index.html",)).rowcount == 1
    assert_body_edit_plans_afresh(site, "s0.md")
    assert (site.out / "archive" / "index.html").is_file()


def test_the_count_of_files_is_the_same_by_the_plan_and_by_a_full_build(site):
    """A static robots.txt replaces the generated one: one file, counted once either way."""
    make_site(site)
    site.write("static/robots.txt", "User-agent: *\nDisallow: /drafts/\n")
    full = site.build()
    edit_body(site, "s0.md", "Edited.")
    by_plan = site.build()
    assert by_plan.from_plan and by_plan.pages == full.pages == len(tree(site.out))
    assert by_plan.unchanged + len(by_plan.written) == by_plan.pages


def test_a_plan_that_was_not_saved_is_not_used(site, monkeypatch):
    """A build killed after its commit but before its plan was saved leaves no plan (forgotten at its start)."""
    make_site(site)
    assert site.build().ok
    monkeypatch.setattr(stages, "save_plan_record", lambda *args: None)  # the rows are saved, not the record
    path = site.root / "content" / "s5.md"
    path.write_text(path.read_text().replace("title: Story 5", "title: Story Five"))
    assert site.build().ok
    monkeypatch.undo()
    assert_body_edit_plans_afresh(site, "s0.md")


def test_a_cache_that_lost_rows_plans_afresh(site):
    make_site(site)
    assert site.build().ok
    with sqlite3.connect(site.root / ".sitegen-cache" / "cache.sqlite") as db:
        db.execute("DELETE FROM parsed WHERE key LIKE ?", ("%s1.md%",))
        db.execute("DELETE FROM plan_shared")
    assert_body_edit_plans_afresh(site, "s2.md")


def test_a_future_article_coming_due_plans_afresh(site):
    make_site(site)
    site.write("content/later.md", article("Later", "2026-12-01T10:00:00+00:00"))
    assert site.build().ok
    edit_body(site, "s1.md", "Edited.")
    assert site.build().from_plan
    edit_body(site, "s1.md", "Edited again.")
    later = site.build(now=NOW.replace(month=12, day=2))
    assert later.ok and not later.from_plan and "2026/12/01/later/index.html" in later.written


def test_templates_that_list_a_terms_articles_see_them_as_they_are(site):
    """A term's article list is loaded lazily on a plan build: a template that walks it gets the real articles."""
    make_site(site)
    site.write("templates/term.html", '{% extends "default/term.html" %}{% block main %}'
                                      '{% for a in term.articles %}<p>{{ a.title }}</p>'
                                      '{% endfor %}{{ super() }}{% endblock %}')
    assert site.build().ok
    edit_body(site, "s6.md", "Edited.")
    result = site.build()
    assert result.ok and result.from_plan
    assert_like_cold(site)


def test_each_output_folder_keeps_its_own_plan(site, tmp_path):
    """serve builds into its own folder with the site's cache; `build` must not lose its plan to it."""
    make_site(site)
    preview = tmp_path / "preview"
    assert site.build().ok and site.build(output=preview).ok
    edit_body(site, "s4.md", "Seen in both.")
    assert site.build().from_plan and site.build(output=preview).from_plan
    assert tree(site.out) == tree(preview)


def test_sitegen_check_leaves_no_plan_behind(site):
    from sitegen.check import CheckOptions, check_site

    make_site(site)
    assert site.build().ok
    check_site(site.root, CheckOptions(now=NOW))
    with sqlite3.connect(site.root / ".sitegen-cache" / "cache.sqlite") as db:
        outputs = {row[0] for table in ("plan_files", "plan_routes", "plan_shows", "plan_pickles", "plan_shared")
                   for row in db.execute(f"SELECT DISTINCT output FROM {table}")}
    assert outputs == {str(site.out)}
    edit_body(site, "s4.md", "After a check.")
    assert site.build().from_plan


def test_after_a_full_build_that_changed_few_routes_every_body_edit_still_follows_the_plan(site):
    # A shape change re-pickles only the routes whose key changed; the terms and archives that the
    # others refer to must still be in the plan, or an edit shown on those pages plans everything again.
    make_site(site)
    assert site.build().ok
    path = site.root / "content" / "s2.md"
    path.write_text(path.read_text().replace("title: Story 2", "title: Story Two"))
    assert not site.build().from_plan
    with sqlite3.connect(site.root / ".sitegen-cache" / "cache.sqlite") as db:
        saved = {pid for (pid,) in db.execute("SELECT id FROM plan_shared")}
        referred = {pid for (blob,) in db.execute("SELECT blob FROM plan_pickles") for pid in _references(blob)
                    if not pid.startswith("a\0")}
    assert referred and referred <= saved
    for name in ("s0.md", "s7.md", "s8.md"):
        edit_body(site, name, f"Edited {name}.")
        result = site.build()
        assert result.ok and result.from_plan, name
        assert_like_cold(site)


def test_a_full_build_that_fails_after_rendering_leaves_no_plan_and_the_next_one_a_good_one(site, monkeypatch):
    # The plan's rows are written while pages render: a build that then fails must leave no plan, and
    # the next full build, whose routes have the same keys, reuses those rows as they are.
    make_site(site, n=12)
    assert site.build().ok
    path = site.root / "content" / "s3.md"
    path.write_text(path.read_text().replace("title: Story 3", "title: Story Three"))

    def no_commit(self, *args):
        raise SiteError([Problem("build", None, "the commit failed")])

    monkeypatch.setattr(stages.OutputWriter, "commit", no_commit)
    assert not site.build().ok
    monkeypatch.undo()
    result = site.build()
    assert result.ok and not result.from_plan
    assert_like_cold(site)
    edit_body(site, "s6.md", "Edited after the failed build.")
    result = site.build()
    assert result.ok and result.from_plan
    assert_like_cold(site)


def test_a_full_build_with_nothing_to_render_still_saves_its_plan(site):
    make_site(site)
    assert site.build().ok
    site.write("static/extra.txt", "a new static file: a full build, every page as it was")
    result = site.build()
    assert result.ok and not result.from_plan and result.pages_rendered == 0
    edit_body(site, "s6.md", "Edited after it.")
    result = site.build()
    assert result.ok and result.from_plan
    assert_like_cold(site)


def _plan_rows(cache_dir) -> dict[str, set]:
    with sqlite3.connect(cache_dir / "cache.sqlite") as db:
        return {table: set(db.execute(f"SELECT * FROM {table}"))
                for table in ("plan_files", "plan_routes", "plan_shows", "plan_pickles", "plan_shared")}


def test_a_plan_saved_over_an_earlier_one_has_the_rows_of_one_saved_afresh(site):
    # Full builds write only the plan rows that differ from the saved ones (after adding one story most
    # are as they were): after each kind of change, the rows are those a new cache would hold.
    make_site(site, n=12)
    assert site.build().ok
    changes = [
        lambda: site.write("content/new.md", article("A new story", "2026-01-20T10:00:00+00:00", "New.",
                                                      tags=["Trade", "T9"], source="Reuters")),
        lambda: (site.root / "content" / "s3.md").unlink(),
        lambda: site.write("content/s5.md", (site.root / "content" / "s5.md").read_text()
                           .replace("title: Story 5", "title: Story Five")),
        lambda: site.write("content/s7.md", (site.root / "content" / "s7.md").read_text()
                           .replace("- T1", "- Energy")),
        lambda: site.write("content/s0.md", article("Story 0", "2026-02-01T10:00:00+00:00", "Moved to February.",
                                                    tags=["Trade"], source="Al Jazeera")),
    ]
    for number, change in enumerate(changes):
        change()
        result = site.build()
        assert result.ok and not result.from_plan, number
        afresh = site.root.parent / f"afresh-{number}"
        assert build(site.root, BuildOptions(now=NOW, cache_dir=afresh)).ok
        assert _plan_rows(site.root / ".sitegen-cache") == _plan_rows(afresh), number
        edit_body(site, "s8.md", f"Edited after change {number}.")
        result = site.build()
        assert result.ok and result.from_plan, number
        assert_like_cold(site)
