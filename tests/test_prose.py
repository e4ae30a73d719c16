"""sitegen/prose.py makes plain prose into the HTML stock Python-Markdown (extra, sane_lists) gives it,
byte for byte, and leaves every other text to Markdown: on the repository's articles and digest sample,
on generated prose, on tricky texts, and on text Hypothesis draws from prose and Markdown punctuation.
"""
from __future__ import annotations

import os
import random
from pathlib import Path

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen import markup, prose
from sitegen.config import Config
from sitegen.content import parse_article
from sitegen.xmlchars import xml_text

REPO = Path(__file__).resolve().parent.parent
STOCK = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")


def made_as_stock(body: str) -> bool:
    """Whether make_prose made the body (failing if what it made is not stock's HTML)."""
    made = prose.make_prose(body)
    if made is not None:
        assert made == STOCK.reset().convert(body), repr(body)
    return made is not None


def test_enabled_on_the_pinned_markdown():
    """Fails when a Markdown release not yet checked is installed: run this file against it (with
    SITEGEN_PROSE_EXAMPLES=30000), then add it to prose.VERIFIED_VERSIONS."""
    assert markdown.__version__ in prose.VERIFIED_VERSIONS and prose.ENABLED


def test_every_white_space_character_but_space_and_line_break_is_looked_at():
    spaces = {chr(cp) for cp in range(0x110000) if chr(cp).isspace()} - {" ", "\n"}
    assert set(prose._NOT_PROSE_SPACES) | prose._MID_LINE_SPACES == spaces
    assert all(prose._SYNTAX.match(space) for space in spaces)


@pytest.mark.parametrize("path", sorted((REPO / "content").glob("*.md")), ids=lambda p: p.name[:40])
def test_repository_articles_are_made_as_stock(path):
    parsed = parse_article(path.name, path.read_text(encoding="utf-8"), Config())
    assert made_as_stock(xml_text(parsed.body))


def test_digest_sample_is_made_as_stock():
    assert made_as_stock((REPO / "tests" / "data" / "digest-sample.txt").read_text(encoding="utf-8"))


WORDS = ["Putin", "Kyiv", "talks", "the", "ministry", "said", "U.S.", "9.8", "percent", "2028,", "Mail & Guardian",
         "“We are ready,”", "‘fragile’", "–", "—", "(AFP)", "Le Monde.", "it’s", "don't", "\"quoted\"", "#1", "3:0",
         "a > b", "&amp;", "&#35;", "AT&T", "50%", "e.g.", "café", "Zürich", "北京", "😀"]
LINKS = ["[Read the statement](https://statements.example.net/49551)", "[AP](https://apnews.com/a_b?x=1&y=2#c)",
         "[*the* report](/reports/1)", "[Le Monde](https://lemonde.fr/)"]


def prose_sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 12))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words) + 1), "*" + rng.choice(["despite", "not", "very large", "Kyiv"]) + "*")
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words) + 1), rng.choice(LINKS))
    return " ".join(words)


def prose_bodies(count: int, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        blocks = []
        for _ in range(rng.randint(1, 10)):
            kind = rng.random()
            lines = [prose_sentence(rng) for _ in range(rng.randint(1, 3))]
            if kind < 0.15:
                blocks.append("\n".join("> " + line for line in lines))
            elif kind < 0.3:
                blocks.append("\n".join("- " + line for line in lines))
            else:
                blocks.append("\n".join(lines))
        bodies.append(rng.choice(["\n\n", "\n\n\n"]).join(blocks) + rng.choice(["", "\n", "\n\n"]))
    return bodies


def test_generated_prose_is_made_as_stock():
    bodies = prose_bodies(400)
    made = sum(made_as_stock(body) for body in bodies)
    # Lists right after lists and '*' within words are left to Markdown; the rest is made here.
    assert made > len(bodies) // 2


@pytest.mark.parametrize("body, made", [
    ("", True),
    ("One.\n\nTwo.", True),
    ("> Quoted.\n\n> Quoted again.\n\nNot quoted.\n\n> Another quote.", True),  # the first two: one <blockquote>
    ("- a\n- *b*\n\nText.\n\n- c", True),
    ("- a\n\n- b", False),  # one loose list: each point a paragraph
    ("- a\ncontinued", False),
    ("> a\ncontinued", False),
    ("a\n> b", False),
    ("> > nested", False),
    (">\n", False),
    ("- > quote in a point", False),
    ("> - point in a quote", False),
    ("* a star point", False),
    ("+ a plus point", False),
    ("1. first", False),
    ("2025) a year", False),
    ("9.8 percent, at a line's start", True),
    ("Text\n2025.", False),
    ("# Heading", False),
    ("Setext\n===", False),
    ("Setext\n---", False),
    ("Term\n: definition", False),
    ("    code", False),
    ("\tcode", False),
    ("line  \nbreak", False),
    ("trailing \nspace", False),
    ("no-break\u00a0\nspace", False),
    ("in\u00a0the\u2009middle", True),
    ("\u00a0at the start", False),
    ("a\n\u00a0at a line's start", False),
    ("at the end\u00a0", False),
    ("a *b*\u00a0c\u00a0*d*", True),
    ("a\u2028b", False),
    ("a\x85b", False),
    ("*em* and *more em*.", True),
    ("“*quoted em*”", True),
    ("(*bracketed*)", True),
    ("a*b*c", False),
    ("*a *", False),
    ("* a*", False),
    ("**strong**", False),
    ("*em\nacross lines*", False),
    ("*one* *", False),
    ("x > y & z &amp; &#35; &#x41; &copy; &nope", True),
    ("a &#35 b", False),  # Markdown's HTML preprocessor completes it: &#35;
    ("&#x41 b", False),
    ("a &#35x b", False),
    ("[a](/u?x=&#35)", False),
    ("AT&T &copy b &gt c", True),
    ("[text](https://a.example/p_q?x=1&y=2)", True),
    ("[*em* in a link](/u) and *em* after", True),
    ("[a](/u?x=1&amp;y=2&z=3&#35;&#x23;&copy) [b](mailto:x@y.z) [c](/u;p#frag) [d](https://e.x/~me/%20)", True),
    ("[a](/u)(b) [c](/d)[e](/f)", True),
    ("[a &amp; b > c](/u)", True),
    ("*em [with a link](/u) inside*", True),
    ("*em [ending with a link](/u)*", False),
    ("![an image](/i.png)", False),
    ("[ spaced ](/u)", False),
    ("[a](/u \"title\")", False),
    ("[a][ref]", False),
    ("[a](</u>)", False),
    ("a_b", False),
    ("`code`", False),
    ("<b>html</b>", False),
    ("a \\* escape", False),
    ("{: .class}", False),
    ("| a | b |", False),
    ("~~~", False),
    ("x\x01y", False),
    ("Text\r\nwith CRLF", False),
])
def test_tricky_texts(body, made):
    assert made_as_stock(body) is made


# Prose, and the punctuation that turns it into other Markdown.
PROSE_PIECES = ["Putin", "talks", " ", " ", "\n", "\n\n", "\n\n\n", "> ", "- ", "* ", "*a*", "*a b*", "[x](/u)",
                "[x](https://e.x/a_b?c=1&d=2)", "[x](/a&amp;b&c#d;e)", "&#35", "&#x41", "&#", "](", "&", "&amp;", "&#35;", ">", "“", "”", "‘", "(", ")", ".", ",",
                "1. ", "2) ", "#", ":", "=", "-", "+", "!", "_", "`", "<", "\\", "  \n", "\u00a0", "\u2009", "\t", "\x01", "**",
                "\u3000", "\u2028"]
PROSE_CHARACTERS = "ab .,*>-&#\n!()[]_:“”’'\"1\t\u00a0é"


@settings(max_examples=int(os.environ.get("SITEGEN_PROSE_EXAMPLES", "400")), deadline=None)
@given(st.lists(st.sampled_from(PROSE_PIECES) | st.sampled_from(PROSE_CHARACTERS), max_size=50).map("".join))
@example("a\n\n\n\n> b\n\n\n> c")
@example("- a\n- b\n\n\n- c")
@example("*a* [b](/c) *d*")
@example("a &#35 b")
@example("[a](/u?x=&#35)")
def test_same_html_as_stock_or_left_to_markdown(body):
    made_as_stock(body)


def test_other_markdown_releases_get_nothing_made(monkeypatch):
    monkeypatch.setattr(prose, "ENABLED", False)
    assert prose.make_prose("Plain prose.") is None


def test_render_markdown_makes_plain_prose_without_markdown(monkeypatch):
    def refuse(text):
        raise AssertionError("Markdown was asked")

    monkeypatch.setattr(markup._converter, "convert", refuse)
    rendered = markup.render_markdown("The *talks* [went on](https://e.example/).\n\n> “Not yet,” she said.")
    assert rendered.html == ('<p>The <em>talks</em> <a href="https://e.example/">went on</a>.</p>\n'
                             "<blockquote>\n<p>“Not yet,” she said.</p>\n</blockquote>")
    assert rendered.summary == "The talks went on." and rendered.words == 9  # "on" and "." are apart in the text


@pytest.mark.parametrize("text, made", [
    ("*a " * 30000 + "b", None), ("[a " * 30000, None), ("[a](" * 20000, None), ("*" + "a" * 100000, None),
    ("a\u00a0" * 30000 + "b", "<p>" + "a\u00a0" * 30000 + "b</p>"), ("&#1" * 30000, None),
    ("> a\n" * 20000, "<blockquote>\n<p>" + "\n".join(["a"] * 20000) + "</p>\n</blockquote>"),
    ("- a\n" * 20000, "<ul>\n" + "<li>a</li>\n" * 20000 + "</ul>"),
], ids=["stars", "brackets", "open links", "open emphasis", "no-break spaces", "references", "quote lines", "points"])
def test_long_adversarial_texts_are_decided_in_one_pass(text, made):
    """Every search in make_prose stops at the next '*', bracket or line break: a regex that backtracked
    over the rest of the text from each '*' or '[' would take minutes on these (no timing asserted)."""
    assert prose.make_prose(text) == made
