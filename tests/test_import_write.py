"""What import and `sitegen new` do to content/: no duplicates, no overwrites, distinct slugs, dates in order."""
from __future__ import annotations

import datetime as dt
import os

import pytest

from conftest import NOW, article
from importing import SAMPLE, SAMPLE_DATES, imported, newsroom, posted, run_import  # noqa: F401 - fixture
from sitegen.cli import main
from sitegen.errors import SiteError
from sitegen.importers import EDITED, IMPORTED, OWN, REPEAT, WRITE, new_article
from sitegen.importers.write import _create_atomically, free_slug


def content_files(site) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site.root / "content").glob("*"))}


def test_reimport_writes_nothing_and_the_same_story_from_two_imports_is_one_article(newsroom):
    run_import(newsroom, SAMPLE, dates=SAMPLE_DATES)
    before = content_files(newsroom)
    again = run_import(newsroom, SAMPLE)  # without --date, and later: still the same articles
    assert [p.action for p in again.planned] == [IMPORTED] * 4
    other = newsroom.write("other.txt", posted("UK, France pledge 'reassurance force' for Ukraine after Russia "
                                               "ceasefire", "Retold. (Al Jazeera)"))
    assert [p.action for p in run_import(newsroom, other).planned] == [IMPORTED], "quotes and aliases normalised"
    assert content_files(newsroom) == before


def test_an_article_repeated_in_one_import_is_written_once(newsroom):
    text = posted("Same story", "First. (Punch)") + posted("Same story", "Again. (Punch)")
    report = run_import(newsroom, newsroom.write("d.txt", text))
    assert [p.action for p in report.planned] == [WRITE, REPEAT]
    assert list(content_files(newsroom)) == ["same-story.md"]


def test_an_edited_article_is_left_alone_and_reported(newsroom, capsys):
    run_import(newsroom, SAMPLE, dates=SAMPLE_DATES)
    path = newsroom.root / "content" / "peace-hopes-dented-as-russia-says-ukraine-tried-to-attack-putin-residence.md"
    edited = path.read_text(encoding="utf-8").replace("Russia accused Ukraine", "Moscow accused Kyiv")
    path.write_text(edited, encoding="utf-8")
    assert main(["import", str(SAMPLE), "--site", str(newsroom.root), "--quiet"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("content/peace-hopes-dented-as-russia-says-ukraine-tried-to-attack-putin-residence.md: left alone: "
                   "edited since it was imported (Peace hopes dented as Russia says Ukraine tried to attack Putin "
                   "residence)\n")
    assert path.read_text(encoding="utf-8") == edited
    assert [p.action for p in run_import(newsroom, SAMPLE).planned] == [IMPORTED, EDITED, IMPORTED, IMPORTED]


def test_a_hand_written_article_with_the_same_headline_and_outlet_is_recognised(newsroom):
    newsroom.write("content/my-own.md", article("Quake hits coast", source="AFP", body="Mine."))
    report = run_import(newsroom, newsroom.write("d.txt", posted("Quake Hits Coast", "Theirs. (AFP/Reuters)")))
    assert [(p.action, p.path) for p in report.planned] == [(OWN, "content/my-own.md")]


def test_different_headlines_with_one_slug_get_their_own_files_that_build(newsroom):
    long = "Leaders of the world's largest economies gather for a summit on trade, climate and security "
    text = (posted("Live updates", "A. (Punch)") + posted("Live updates", "B. (Al Jazeera)")
            + posted(long + "in Rome", "C. (Punch)") + posted(long + "in Paris", "D. (Punch)"))
    newsroom.write("content/live-updates-2.md", article("Something else", "2026-01-01"))
    report = run_import(newsroom, newsroom.write("d.txt", text), dates=("2026-01-06",))
    paths = [p.path.removeprefix("content/") for p in report.planned]
    slug = "leaders-of-the-world-s-largest-economies-gather-for-a-summit-on-trade-climate"
    assert paths == ["live-updates.md", "live-updates-3.md", f"{slug}.md", f"{slug}-2.md"]
    assert all(len(p.removesuffix(".md")) <= 80 for p in paths)
    result = newsroom.build()
    assert result.ok, result.problems
    assert (newsroom.out / "2026/01/06" / f"{slug}-2" / "index.html").is_file()


def test_free_slug_stays_within_the_length_limit():
    assert free_slug("a" * 80, {"a" * 80}) == "a" * 78 + "-2"
    assert free_slug("x", {"x", "x-2"}) == "x-3"


def test_dry_run_prints_what_would_be_written_and_writes_nothing(newsroom, capsys):
    assert main(["import", str(SAMPLE), "--site", str(newsroom.root), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would write content/uk-france-pledge-reassurance-force-for-ukraine-after-russia-ceasefire.md" in out
    assert out.endswith("4 articles: would write 4, 0 already there.\n")
    assert not (newsroom.root / "content").exists()


def test_undated_articles_are_a_minute_apart_newest_first_in_digest_order(newsroom):
    text = "".join(posted(f"Story {n}", "Text. (Punch)") for n in range(3))
    run_import(newsroom, newsroom.write("d.txt", text))
    dates = [imported(newsroom)[f"Story {n}"].date for n in range(3)]
    assert dates == [NOW, NOW - dt.timedelta(minutes=1), NOW - dt.timedelta(minutes=2)]


def test_one_date_for_several_articles_keeps_them_on_that_day_in_order(newsroom):
    text = "".join(posted(f"Story {n}", "Text. (Punch)") for n in range(3))
    run_import(newsroom, newsroom.write("d.txt", text), dates=("2026-01-12",))
    times = [imported(newsroom)[f"Story {n}"].date.isoformat() for n in range(3)]
    assert times == ["2026-01-12T00:02:00+00:00", "2026-01-12T00:01:00+00:00", "2026-01-12T00:00:00+00:00"]


def test_dates_that_do_not_match_the_articles_are_an_error(newsroom):
    with pytest.raises(SiteError, match=r"^--date: 2 dates given for 4 articles without a date of their own"):
        run_import(newsroom, SAMPLE, dates=("2026-01-01", "2026-01-02"))
    with pytest.raises(SiteError, match=r"^--date: 'soon' is not a date"):
        run_import(newsroom, SAMPLE, dates=("soon",))


def test_files_are_created_whole_or_not_at_all_and_never_replace_another(tmp_path):
    target = tmp_path / "a.md"
    _create_atomically(target, b"first")
    with pytest.raises(FileExistsError):
        _create_atomically(target, b"second")
    assert target.read_bytes() == b"first"
    assert os.listdir(tmp_path) == ["a.md"], "no temporary file is left behind"


def test_sitegen_new_creates_complete_front_matter_that_builds_and_prints_the_path(newsroom, capsys, monkeypatch):
    monkeypatch.chdir(newsroom.root)
    assert main(["new", "UK, France: a “deal”? #1", "--source", "AlJazeera", "--tags", "Ukraine, France",
                 "--date", "2026-01-06"]) == 0
    assert capsys.readouterr().out == "content/uk-france-a-deal-1.md\n"
    text = (newsroom.root / "content" / "uk-france-a-deal-1.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: 'UK, France: a “deal”? #1'\ndate: '2026-01-06T00:00:00+00:00'\n"
                           "source: Al Jazeera\nsource_url: ''\nauthor: Newsdesk\ntags: [Ukraine, France]\n"
                           "summary: ''\ndraft: false\nid: ")
    assert newsroom.build().ok
    assert (newsroom.out / "2026/01/06/uk-france-a-deal-1/index.html").is_file()
    assert main(["new", "UK, France: a ‘deal’? #1", "--source", "Al Jazeera"]) == 1
    assert "content/uk-france-a-deal-1.md: an article with this headline from this outlet is already here" in \
        capsys.readouterr().err


def test_sitegen_new_without_a_date_is_dated_now_and_refuses_an_empty_headline(newsroom):
    path = new_article(newsroom.root, "Breaking", now=NOW)
    assert imported(newsroom)["Breaking"].date == NOW and path.name == "breaking.md"
    with pytest.raises(SiteError, match="the headline is empty"):
        new_article(newsroom.root, "  \n ")
