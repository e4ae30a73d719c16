"""`sitegen import` of digest text: the sample, every variation real digests show, and every error."""
from __future__ import annotations

import datetime as dt
import random
import re
from zoneinfo import ZoneInfo

import pytest

from conftest import REPO
from htmlcheck import dangerous_markup_in_tree
from importing import SAMPLE, SAMPLE_DATES, imported, newsroom, posted, run_import  # noqa: F401 - fixture
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import SiteError
from sitegen.importers import IMPORTED, ImportOptions, import_inputs
from sitegen.importers.digest import read_digest

LONDON = ZoneInfo("Europe/London")


def sample_paragraphs() -> list[list[str]]:
    """The sample digest's paragraphs, article by article, straight from the text."""
    articles = re.split(r"^Posted on Leave a comment$", SAMPLE.read_text(encoding="utf-8"), flags=re.M)[1:]
    return [[p.strip() for p in a.split("\n\n") if p.strip()][1:] for a in articles]


def test_sample_digest_becomes_four_articles_with_headlines_outlets_and_every_paragraph(newsroom):
    report = run_import(newsroom, SAMPLE, dates=SAMPLE_DATES)
    assert [p.action for p in report.planned] == ["write"] * 4
    articles = sorted(imported(newsroom).values(), key=lambda a: a.date, reverse=True)
    assert [a.title for a in articles] == [
        "UK, France pledge ‘reassurance force’ for Ukraine after Russia ceasefire",
        "Peace hopes dented as Russia says Ukraine tried to attack Putin residence",
        "Putin accuses Europeans of sabotaging peace efforts on Ukraine; meets U.S. delegation",
        "Putin, Modi, Erdogan to attend Tianjin Summit as Xi welcomes world leaders"]
    assert [a.source for a in articles] == ["Al Jazeera", "Japan Today", "Japan Today", "Punch"]
    assert [a.date.date().isoformat() for a in articles] == list(SAMPLE_DATES)
    for article, paragraphs in zip(articles, sample_paragraphs()):
        body = article.body.strip().split("\n\n")
        assert body[0] == paragraphs[0]
        assert body[-1] == re.sub(r"\s*\((AlJazeera|JapanToday|Punch)\)$", "", paragraphs[-1])
        assert len(body) == len(paragraphs)
        assert not re.search(r"\((AlJazeera|JapanToday|Punch)\)", article.body)
        assert article.summary == paragraphs[0] and article.extra["id"] and article.extra["import_hash"]
    assert articles[0].body.strip().split("\n\n")[-1].endswith("until a comprehensive settlement is agreed.")
    assert {"Ukraine", "Russia"} <= set(articles[0].tags) and len(articles[0].tags) <= 6


def test_repository_content_is_exactly_what_importing_the_sample_writes():
    """content/ was produced by `sitegen import tests/data/digest-sample.txt --date …` (README) and not edited."""
    report = import_inputs(REPO, [str(SAMPLE)], ImportOptions(dates=SAMPLE_DATES, dry_run=True))
    assert [(p.action, p.path.split("/")[0]) for p in report.planned] == [(IMPORTED, "content")] * 4


def test_dated_separator_gives_the_date_and_author(newsroom):
    text = (posted("Markets rally", "Stocks rose. (Reuters)", line="Posted on January 12, 2026 by newsdesk Leave a comment")
            + posted("Rain expected", "Clouds. (Punch)", line="Posted on 3 Feb 2026 by Jane Doe — Leave a comment")
            + posted("Late news", "Night. (Punch)", line="Posted on July 4, 2025 at 6:05 pm Leave a comment"))
    run_import(newsroom, newsroom.write("digest.txt", text))
    articles = imported(newsroom)
    assert articles["Markets rally"].date == dt.datetime(2026, 1, 12, tzinfo=LONDON)
    assert articles["Markets rally"].author == "Newsdesk", "spelt as site.yaml's author"
    assert articles["Rain expected"].date == dt.datetime(2026, 2, 3, tzinfo=LONDON)
    assert articles["Rain expected"].author == "Jane Doe"
    assert articles["Late news"].date.isoformat() == "2025-07-04T18:05:00+01:00" and articles["Late news"].author is None


def test_several_outlets_give_the_first_as_source_and_keep_all(newsroom):
    run_import(newsroom, newsroom.write("d.txt", posted("Quake hits coast", "A strong quake struck. (AFP/Reuters)")))
    article = imported(newsroom)["Quake hits coast"]
    assert article.source == "AFP" and article.extra["sources"] == ["AFP", "Reuters"]
    assert article.body.strip() == "A strong quake struck."


def test_missing_attribution_leaves_source_empty_with_a_warning_and_keeps_brackets_inside_sentences(newsroom):
    text = posted("Summit opens", "Leaders met.", "It is the Shanghai Cooperation Organisation (SCO).")
    report = run_import(newsroom, newsroom.write("d.txt", text))
    article = imported(newsroom)["Summit opens"]
    assert article.source is None and article.body.strip().endswith("Organisation (SCO).")
    assert [str(w) for w in report.warnings] == [f"{newsroom.root / 'd.txt'}:7: no outlet in brackets at the end of "
                                                 "the article; source left empty"]


def test_windows_line_endings_and_byte_order_mark_import_exactly_like_plain_text(newsroom, tmp_path):
    text = SAMPLE.read_text(encoding="utf-8")
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    plain = run_import(newsroom, SAMPLE, dates=SAMPLE_DATES, dry_run=True)
    windows = run_import(newsroom, crlf, dates=SAMPLE_DATES, dry_run=True)
    assert [p.text for p in windows.planned] == [p.text for p in plain.planned]


def test_lists_curly_quotes_and_any_unicode_survive_as_written(newsroom):
    text = posted("Plan agreed in Zürich", "The plan has three parts:\n- a ceasefire\n- “guarantees” for Kyiv\n• troops",
                  "1. first\n2. second", "2022. That year changed everything.", "Москва, 北京 and São Paulo 🙂. (Punch)")
    run_import(newsroom, newsroom.write("d.txt", text))
    assert newsroom.build().ok
    page = next(newsroom.out.rglob("plan-agreed-in-zurich/index.html")).read_text(encoding="utf-8")
    assert "<p>The plan has three parts:</p>\n<ul>\n<li>a ceasefire</li>\n<li>“guarantees” for Kyiv</li>" in page
    assert "<li>troops</li>" in page and "<ol>\n<li>first</li>" in page
    assert "<p>2022. That year changed everything.</p>" in page
    assert "<p>Москва, 北京 and São Paulo 🙂.</p>" in page


def test_digest_text_is_shown_as_text_never_as_html_links_or_template(newsroom):
    payloads = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '[click](javascript:alert(1))',
                'Nice {: onclick="alert(1)" }', '<a href="java&#x09;script:alert(1)">x</a>', '{{ 7*7 }} {% raw %}',
                '<iframe src=//e></iframe>', '&lt;b&gt; stays', '# not a heading', '```\n<script>x</script>']
    run_import(newsroom, newsroom.write("d.txt", posted("<b>Hostile</b> digest", *payloads, "End. (Punch)")))
    assert newsroom.build().ok
    assert dangerous_markup_in_tree(newsroom.out) == {}
    page = next(newsroom.out.rglob("b-hostile-b-digest/index.html")).read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "{{ 7*7 }} {% raw %}" in page
    assert "[click](javascript:alert(1))" in page and "&amp;lt;b&amp;gt; stays" in page
    assert "<h1>&lt;b&gt;Hostile&lt;/b&gt; digest</h1>" in page


@pytest.mark.parametrize("text, line, message", [
    ("Just some notes\n\nwith no separator\n", 1, "no articles found"),
    (posted("Fine", "Text. (Punch)") + "Posted on Leave a comment\n\n\n", 7, "article has no headline: nothing follows"),
    (posted("Fine", "Text. (Punch)") + posted("x " * 150, "Text."), 9, "article has no headline: this line is 299"),
    (posted("Only a headline"), 3, "article 'Only a headline' has no text under its headline"),
    (posted("Dated", "Text.", line="Posted on yesterday by me Leave a comment"), 1, "cannot read the date of this"),
])
def test_broken_digest_is_an_error_naming_file_and_line_and_writes_nothing(newsroom, text, line, message):
    path = newsroom.write("digest.txt", text)
    with pytest.raises(SiteError) as caught:
        run_import(newsroom, path)
    assert str(caught.value).startswith(f"{path}:{line}: {message}")
    assert not (newsroom.root / "content").exists()


def test_every_problem_of_a_digest_is_reported_at_once_through_the_command(newsroom, capsys):
    path = newsroom.write("digest.txt", posted("One", "x", line="Posted on someday Leave a comment")
                          + "Posted on Leave a comment\n\n")
    newsroom.write("latin1.txt", "Posted on Leave a comment\n\nCaf\xe9\n".encode("latin-1"))
    assert main(["import", str(path), str(newsroom.root / "latin1.txt"), "--site", str(newsroom.root)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:1: cannot read the date" in err and f"{path}:7: article has no headline" in err
    assert f"{newsroom.root / 'latin1.txt'}:3: not valid UTF-8 (byte 0xe9 at offset" in err
    assert "Import failed: 3 problems." in err and "Traceback" not in err


def mutants(data: bytes, count: int, seed: int):
    """Seeded damage of the kinds real files suffer: flipped bytes, truncation, line endings, BOMs, repeats."""
    rng = random.Random(seed)
    for _ in range(count):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            kind, at = rng.randrange(5), rng.randrange(len(damaged) or 1)
            if kind == 0 and damaged:
                damaged[at] = rng.randrange(256)
            elif kind == 1:
                del damaged[at:]
            elif kind == 2:
                damaged = bytearray(bytes(damaged).replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n"])))
            elif kind == 3:
                damaged[at:at] = b"\xef\xbb\xbf"
            else:
                damaged[at:at] = damaged[at:at + rng.randrange(400)]
        yield bytes(damaged)


def test_damaged_digests_import_or_fail_with_problems_never_a_crash():
    config = load_config(REPO)
    for raw in mutants(SAMPLE.read_bytes(), 150, seed=3):
        try:
            harvest = read_digest("d.txt", raw, config)
        except SiteError as exc:
            assert all(p.path == "d.txt" and (p.line or 1) >= 1 for p in exc.problems)
            continue
        for draft in harvest.drafts:
            assert draft.title and not re.search(r"\((AlJazeera|JapanToday|Punch)\)\s*$", draft.body)
