"""Properties that must hold for any input (Hypothesis): parsers never crash, slugs and paths stay safe,
imports lose no text. A counterexample Hypothesis finds is kept below as an @example, named after it.

Bounded for CI (150 examples a property, no deadline on a loaded machine: profiles in conftest.py);
HYPOTHESIS_PROFILE=nightly runs 10,000.
"""
from __future__ import annotations

import datetime as dt
import html
import os
import posixpath
import re
import string
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from sitegen.config import Config, check_permalink
from sitegen.content import Article, decode_text, parse_article
from sitegen.errors import SiteError
from sitegen.importers.digest import parse_digest
from sitegen.markup import MAX_NESTING, nesting_depth, render_markdown, too_deeply_nested
from sitegen.output import _inside
from sitegen.routes import Route, article_path, find_collisions, href, output_for
from sitegen.slugs import MAX_BYTES, MAX_LENGTH, is_safe_slug, slugify

CONFIG = Config()

# YAML values that go wrong in ways plain text does not: typing, anchors, tags, nesting, escapes.
YAML_VALUES = ["no", "yes", "1.10", "12:30", "0o17", "~", "null", "[a, b]", "{a: 1}", "[", "{", "'", '"', "&a x",
               "*a", "!!binary aGk=", "!!python/object/apply:os.system [x]", "2026-13-45", "2026-01-06",
               "2026-01-06T18:00:00+25:00", "0001-01-01T00:00:00+14:00", '"\\x00\\x1b"', '"\\ud800"', "|\n  block",
               "- a\n- b", "[[[[[[[[]]]]]]]]", "1" + "0" * 5000, "<script>x</script>", "../../etc", "/abs"]
KEYS = ["title", "date", "tags", "source", "source_url", "summary", "author", "draft", "slug", "updated", "template",
        "<<", "? a", "1", "title"]


@st.composite
def front_matter_files(draw) -> str:
    """Text shaped like a content file, broken in the ways editors and importers break them."""
    lines = [f"{draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(YAML_VALUES) | st.text(max_size=20))}"
             for _ in range(draw(st.integers(0, 8)))]
    body = draw(st.text(max_size=200))
    opening = draw(st.sampled_from(["---\n", "---\r\n", "\ufeff---\n", "", "--- \n"]))
    closing = draw(st.sampled_from(["---\n", "...\n", "", "--\n"]))
    return opening + "\n".join(lines) + "\n" + closing + body


@given(front_matter_files() | st.text())
@example("---\n<<: {title: [a]}\ndate: 2026-01-01\n---\n")
def test_front_matter_parser_returns_problems_with_a_line_of_the_file(text):
    parsed = parse_article("content/a.md", text, CONFIG)
    assert (parsed.article is None) == bool(parsed.problems)
    line_count = text.count("\n") + 1
    for problem in parsed.problems:
        assert problem.line is not None and 1 <= problem.line <= line_count, (problem, text)


@given(st.binary(max_size=300))
def test_any_bytes_decode_or_give_a_problem_at_a_line_of_the_file(raw):
    text, problem = decode_text("content/a.md", raw)
    if problem:
        assert problem.line is None or 1 <= problem.line <= raw.count(b"\n") + 1
    else:
        assert "\r" not in text


@given(st.text())
@example("..")
@example("𠀀" * 100)
@example("a\u0000b/c\\d")
def test_slugs_are_safe_never_empty_stable_and_short(text):
    slug = slugify(text)
    assert slug and slug == slugify(text) and slugify(slug) == slug and is_safe_slug(slug)
    assert len(slug) <= MAX_LENGTH and len(slug.encode()) <= MAX_BYTES
    assert not re.search(r"[/\\\x00-\x1f\x7f]|\.\.", slug)


@given(st.from_regex(r"[a-z0-9]+(-[a-z0-9]+)*", fullmatch=True) | st.text(alphabet="az09-_ .Z", max_size=90))
@example("a" * 80)
@example("a" * 81)
@example("a--b")
@example("-a")
def test_a_slug_given_back_as_it_is_is_what_python_slugify_gives(text):
    from sitegen.slugs import _slugify_text

    assert slugify(text) == _slugify_text(text)


SEGMENTS = ["{slug}", "{year}", "{month}", "{day}", "..", ".", "%2e%2e", "a", "\\", "", "{slug}.html", "x..y", "~"]


@given(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6), st.text(max_size=40),
       st.dates(), st.sampled_from(["/", "/digest/", "/a/b/"]))
@example(["..", "{slug}", ""], "x", dt.date(2026, 1, 1), "/")
def test_every_permalink_that_passes_validation_stays_inside_the_output(segments, title, day, prefix):
    pattern = "/" + "/".join(segments)
    try:
        pattern = check_permalink(pattern)
    except ValueError:
        return
    config = Config(permalink=pattern, base_url=f"https://example.org{prefix}")
    moment = dt.datetime.combine(day, dt.time(), dt.timezone.utc)
    path = article_path(config, Article(path="content/a.md", slug=slugify(title), title="T", date=moment))
    rel = output_for(path)
    assert not posixpath.isabs(rel) and not posixpath.normpath(rel).startswith("..")
    assert os.path.commonpath(["/out", os.path.normpath(os.path.join("/out", rel))]) == "/out"
    assert href(config, path).startswith(config.path_prefix)


@given(st.text(alphabet=string.ascii_letters + "./\\%-_~" + "\x00", max_size=30))
@example("../build-evil/x.html")
@example("a/../../build-evil/x.html")
@example("..")
def test_output_paths_outside_the_output_are_refused_pelican_3611(rel):
    # The sibling-prefix escape: 'build-evil' starts with 'build', so a startswith() check lets it through.
    root = "/srv/site/build"
    escapes = os.path.commonpath([root, os.path.normpath(os.path.join(root, rel))]) != root
    route = Route("article", "/" + rel, rel, owner="content/a.md")
    flagged = any("outside the output folder" in p.message for p in find_collisions([route], []))
    if escapes or posixpath.isabs(rel):
        assert flagged
    try:
        _inside(Path(root), rel)
        refused = False
    except (SiteError, ValueError):  # ValueError: a NUL, which no file name may hold
        refused = True
    assert refused or not escapes


# Digest text: what newsrooms paste, including every character Markdown gives a meaning to.
TOKENS = list(string.ascii_letters + string.digits + "      .,;:!?'\"-–—‘’“”…éçøß€*_[](){}<>&#\\`|~^=+/@$%•\t") + [
    "&amp;", "&#60;", "1. ", "- ", ": ", "  ", "[x](y)", "<b>", "{: #id}", "---", "| a |", "***", "> ", "# ", "    "]
# How a line can start something other than a paragraph in Python-Markdown with "extra": drawn often,
# because a random line seldom starts with one.
LINE_STARTS = [": ", "=", "===", "---", "--- | ---", "|---|", "| a |", "~~~", "```", "> ", "# ", "- ", "* ", "+ ",
               "1. ", "1) ", "2022. ", "    ", "\t", "*[A]: ", "[^1]: ", "[x]: http://e.example", "<div>", "<!--",
               "{: .x}", "&#", "\\", "_", "* * *", "[TOC]"]
PASTED = st.tuples(st.sampled_from(LINE_STARTS) | st.just(""),
                   st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)).map("".join).filter(
    lambda line: line.strip() and "Leave a comment" not in line)
_TAGS = re.compile(r"<[^>]+>")
_LIST_MARKER = re.compile(r"^\s*(?:[-*+•◦‣▪·]|\d{1,3}[.)])\s+")  # what the digest format turns into list items


def shown_text(markdown: str) -> str:
    """The text a reader sees of rendered Markdown, on one line."""
    return " ".join(html.unescape(_TAGS.sub(" ", render_markdown(markdown).html)).split())


def written_text(lines: list[str]) -> str:
    """The text of digest lines as the format defines it: stripped, a list marker before text dropped."""
    return " ".join(" ".join(_LIST_MARKER.sub("", line.strip()) for line in lines).split())


@given(st.lists(PASTED, min_size=1, max_size=4))
@example(["term", ": definition"])  # found by this test: a definition list ate the ':'
@example(["a | b", "--- | ---"])  # a table ate the second line
@example(["="])  # a setext underline escaped as '\=' showed its backslash
@example(["&#0"])  # a character reference without ';' showed as U+FFFD
@example(["--- - "])  # a horizontal rule
def test_escaped_text_shows_exactly_as_written(lines):
    from sitegen.importers.mdtext import escape_text

    text = "\n".join(line.strip() for line in lines)
    assert shown_text(escape_text(text)) == " ".join(text.split())


def in_order(words: list[str], text: list[str]) -> bool:
    """Every word of words in text, in order (a list number Markdown chose to show may come between)."""
    rest = iter(text)
    return all(word in rest for word in words)


@st.composite
def digests(draw) -> tuple[str, list[list[list[str]]]]:
    """A digest of 1-3 articles and, for each, its paragraphs as lines (the outlet added to the last)."""
    articles, parts = [], []
    for _ in range(draw(st.integers(1, 3))):
        headline = draw(PASTED.filter(lambda h: not _LIST_MARKER.match(h)))
        paragraphs = draw(st.lists(st.lists(PASTED, min_size=1, max_size=3), min_size=1, max_size=4))
        paragraphs[-1][-1] = paragraphs[-1][-1].rstrip() + "."
        text = "\n\n".join("\n".join(p) for p in paragraphs) + " (Reuters)"
        parts.append(f"Posted on Leave a comment\n\n{headline}\n\n{text}\n\n")
        articles.append(paragraphs)
    return "".join(parts), articles


@given(digests())
@example(("Posted on Leave a comment\n\n: \n\n: \n- \n:. (Reuters)\n\n", [[[": ", "- ", ":."]]]))
def test_digest_import_never_crashes_and_never_loses_a_paragraph(digest):
    text, articles = digest
    try:
        harvest = parse_digest("digest.txt", text, CONFIG)
    except SiteError as exc:  # refusing is allowed (a headline too long to be one), with a line
        assert all(p.line and 1 <= p.line <= text.count("\n") + 1 for p in exc.problems)
        return
    assert len(harvest.drafts) == len(articles)
    for draft, paragraphs in zip(harvest.drafts, articles):
        shown = shown_text(draft.body)
        for paragraph in paragraphs:
            assert in_order(written_text(paragraph).split(), shown.split()), (paragraph, draft.body)
        assert draft.sources == ("Reuters",) and not shown.endswith("(Reuters)")


@given(st.text(alphabet=" \t>-*+1.)a\u0663\n", max_size=80))
@example("\t\t> 1. - ")
@example("1) 22. 333) >> * + -")
def test_a_lines_nesting_never_exceeds_its_opening_run(line):
    """too_deeply_nested walks only bodies with a line opening with more than MAX_NESTING of these
    characters: that is sound only if every level takes one of them."""
    run = re.match(r"[ \t>*+\-.)\d]*", line).end()
    assert nesting_depth(line) <= run


def test_too_deep_nesting_is_found_on_the_first_line_and_on_later_ones():
    for deep in (">" * (MAX_NESTING + 1), "\t" * (MAX_NESTING + 1) + "x", "- " * (MAX_NESTING + 1) + "x"):
        assert too_deeply_nested(deep).line == 1
        assert too_deeply_nested(f"Lead.\n\n{deep}\n").line == 3
        assert too_deeply_nested(deep[1:]) is None  # one level fewer


def _names_as_first_written(body_html: str) -> list[str]:
    """search.name_candidates as it was first written, one regular expression per kind of word: the
    specification the faster one must keep to."""
    from collections import Counter

    from sitegen import search

    text = html.unescape(search._TAG.sub("\n", body_html))
    within = Counter(re.findall(rf"(?<![\w'’-])[{search._UPPER}]{search._REST}", text))
    opening = re.compile(rf"(?:^|[.!?:;“”\"‘(])\s*([{search._UPPER}]{search._REST})", re.M)
    within.subtract(Counter(opening.findall(text)))
    lower = set(search._LOWER.findall(text)) | search.CALENDAR
    names: Counter[str] = Counter()
    for word, count in within.items():
        name = re.sub(r"(?:['’]s)?['’-]*$", "", word)
        if count > 0 and name and name.casefold() not in lower:
            names[name] += count
    return [name for name, _ in names.most_common()]


NAMES_TEXT = st.lists(st.sampled_from(list("aAbBzZsS'’- .\n,(“”12_:\t") + [
    "Éé", "ǅ", "İ", "ß", "ẞ", "ﬀ", "𐐀", "&amp;", "<p>", "</p>", "Monday",
    "\xa0", "—", "…", "\u0301", "\u2028", "\x1c", "\ud800", "٣", "漢"]), max_size=40).map("".join)


@given(NAMES_TEXT)
@example("Abc abc. Abc")
@example("Talks in Kyiv on Monday, not on Tuesday")
@example("İstanbul i̇stanbul")
@example("<p>Kyiv's Kyiv’s KYIV-based -Kyiv kyiv-</p>")
@example("Kyiv-'s Kyiv's-' A'''s Kyiv’s’ S's Ss")
def test_names_found_in_one_pass_are_those_of_the_first_version(text):
    from sitegen.search import name_candidates

    assert name_candidates(text) == _names_as_first_written(text)


@given(st.text() | NAMES_TEXT)
@example("“Kyiv” — Kyiv’s\xa0NATO-led")
def test_word_runs_split_as_the_run_regex_finds(text):
    from sitegen.textscan import RUN, word_runs

    assert word_runs(text) == RUN.findall(text)


def test_word_runs_of_a_text_of_many_distinct_symbols_are_the_regexs():
    from sitegen.textscan import MAX_REPLACED, RUN, word_runs

    symbols = "".join(map(chr, range(0x2190, 0x2190 + 4 * MAX_REPLACED)))  # arrows: none is in a run
    text = " ".join(f"w{i}{symbol}x" for i, symbol in enumerate(symbols * 50))
    assert word_runs(text) == RUN.findall(text)


@given(st.text() | NAMES_TEXT)
@example("a\xa0b  c\n\td\x1c e\u2028f")
@example(" lead and trail ")
def test_word_count_is_the_count_str_split_gives(text):
    from sitegen.textscan import word_count

    assert word_count(text) == len(text.split())


_KEYS = st.sampled_from(["title", "date", "tags", "source", "summary", "x-extra", "Ünïcode"])


@given(st.text(min_size=1), st.lists(st.text(), max_size=4), st.dictionaries(_KEYS, st.integers(1, 400), max_size=6))
def test_an_article_comes_back_from_a_pickle_equal_to_itself(title, tags, lines):
    import pickle

    original = Article(path="content/a.md", slug="a", title=title, date=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc),
                       tags=tuple(tags), source="Reuters", lines=lines, extra={"x-extra": [1, 2]})
    assert pickle.loads(pickle.dumps(original)) == original


def test_articles_with_one_front_matter_layout_share_one_dict_of_lines(monkeypatch):
    import pickle

    from sitegen import article as article_module

    def made(path, lines):
        return Article(path=path, slug="s", title="T", date=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc),
                       lines=lines)

    first, second, other = pickle.loads(pickle.dumps([made("a.md", {"title": 2, "date": 3}),
                                                      made("b.md", {"title": 2, "date": 3}),
                                                      made("c.md", {"title": 2, "date": 4})]))
    assert first.lines is second.lines and other.lines == {"title": 2, "date": 4}
    again = pickle.loads(pickle.dumps(made("d.md", {"title": 2, "date": 3})))  # another pickle: still shared
    assert again.lines is first.lines
    monkeypatch.setattr(article_module, "_LAYOUTS", {})
    monkeypatch.setattr(article_module, "MAX_LAYOUTS", 1)  # bounded: past it, layouts are kept apart
    a, b, c = pickle.loads(pickle.dumps([made("a.md", {"x": 1}), made("b.md", {"y": 1}), made("c.md", {"y": 1})]))
    assert b.lines == c.lines == {"y": 1} and b.lines is not c.lines
