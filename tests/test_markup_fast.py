"""sitegen's faster Markdown processors (sitegen/fastmarkdown.py) give the HTML of stock Python-Markdown,
byte for byte: on the repository's articles and digest sample, on generated article bodies, on a list of
tricky inputs, and on text Hypothesis draws from Markdown punctuation. And they step aside, leaving
stock processors, where they cannot be sure.
"""
from __future__ import annotations

import random
from pathlib import Path

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown import inlinepatterns as ip, treeprocessors

from sitegen import fastmarkdown, markup
from sitegen.config import Config
from sitegen.content import parse_article

REPO = Path(__file__).resolve().parent.parent
STAND_INS = {"inline", "normalize_whitespace", "fenced_code_block", "html_block", "attr_list"}


def stock_markdown(**kwargs) -> markdown.Markdown:
    return markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html", **kwargs)


STOCK = stock_markdown()


def assert_same_html(body: str) -> None:
    expected = STOCK.reset().convert(body)
    assert markup._converter.reset().convert(body) == expected, repr(body)


def test_sitegen_renders_with_every_stand_in_on_the_pinned_markdown():
    """Fails when a Markdown release not yet checked is installed: read it against fastmarkdown.py, run
    this file, then add it to VERIFIED_VERSIONS (and the pin in pyproject.toml)."""
    assert markdown.__version__ in fastmarkdown.VERIFIED_VERSIONS
    assert set(fastmarkdown.install(stock_markdown())) == STAND_INS
    md = markup._converter
    assert type(md.treeprocessors["inline"]) is fastmarkdown.FastInlineProcessor
    for registry in ("preprocessors", "treeprocessors", "postprocessors"):  # same names, same order
        assert [item.name for item in sorted(getattr(md, registry)._priority, key=lambda i: -i.priority)] == \
            [item.name for item in sorted(getattr(STOCK, registry)._priority, key=lambda i: -i.priority)]
    # Every pattern of extra + sane_lists is known, so none is tried on text it cannot match.
    assert None not in md.treeprocessors["inline"]._triggers


@pytest.mark.parametrize("path", sorted((REPO / "content").glob("*.md")), ids=lambda p: p.name[:40])
def test_repository_articles(path):
    parsed = parse_article(path.name, path.read_text(encoding="utf-8"), Config())
    assert parsed.article is not None
    assert_same_html(parsed.body)


def test_digest_sample():
    text = (REPO / "tests" / "data" / "digest-sample.txt").read_text(encoding="utf-8")
    assert_same_html(text)
    for part in text.split("\n\n"):
        assert_same_html(part)


TRICKY = [
    "",
    "plain text only",
    "a [link](http://example.com) and [another](<http://e.com/a b> \"title\") here",
    "[ref][1] and [short] and [unknown][nope]\n\n[1]: http://example.com/1 'One'\n[short]: /short",
    "![alt](img.png) ![ref img][i] ![i]\n\n[i]: /i.png",
    "!not an image [x](y) !",
    "text[^1] and [^2] and [^missing]\n\n[^1]: one\n[^2]: two *em*\n    more",
    "*[HTML]: Hyper Text Markup Language\n\nThe HTML spec and HTMLish",
    "inline <span class=\"x\">html *em*</span> and <br/> and <!-- comment --> and <?pi x?>",
    "<div>\nblock *html*\n</div>\n\nafter",
    "<div markdown=\"1\">\n*inside* {: .c}\n</div>",
    "a < b > c and x<y and <3 and 4>2",
    "entities &amp; &copy; &#169; &#xA9; & alone &nbsp &#12 x &#x1F z & ; &a;",
    "AT&T and Q&A &",
    "escapes \\* \\_ \\[ \\] \\\\ \\` \\< \\& \\{ \\# \\+ \\- \\. \\! \\q",
    "`code` and ``co`de`` and ```x``` and ` unclosed and \\`not code` and `` ` ``",
    "\\\\`code after escaped backslash`",
    "line one  \nline two   \nline three\\\nfour",
    "*em* **strong** ***both*** *a **b** c* **a *b* c** _u_ __uu__ ___uuu___ _a __b__ c_",
    "snake_case_word and 2*3*4 and * lone * stars ** and __init__ and *open",
    "**bold [link](u) *em `code` em* bold**",
    "*em with <b>html</b> and &amp; and [l](u)* after",
    "*em with `code` inside* and **strong with \\* escape**",
    "_under [link_](u)_ and *star [link*](u)*",
    "Header {#hid .cls}\n======\n\n## h2 {: #x }\n\npara {: .p}\n\n* item {: .li}",
    "{: .only}\n\n{not attr}\n\ntext {: data-x=\"1\" }",
    "| a | b |\n|---|:-:|\n| *1* | [2](u) |\n| `|` | \\| |",
    "Term\n:   Definition *em*\n\nTerm 2\n: def 2\n: def 3",
    "```python\ncode *not em* <b>\n```\n\n~~~\ntilde\n~~~\n\n```{.c #i}\nx\n```",
    "~~~\ntilde fence only *x*\n~~~",
    "para {.p}",
    "# h {#i}",
    "*em*{.cls} and `code`{#c}",
    "![alt text][img]\n\n[img]: /i.png",
    "[one] and [Two Words]\n\n[one]: /1\n[two words]: /2",
    # Stock leaves placeholders in these (a Python-Markdown bug); the same bytes are what counts here.
    "*_**\\**&amp;",
    "![[&amp;](u)\\a`<](u)![",
    "    indented code *x*\n\n1. one\n2. two\n\n* a\n    * nested\n\n3) sane\n4) lists",
    "> quote *em*\n> > nested [l](u)\n\n---\n\n***\n\n- - -",
    "Ünïcödé *ëm* — “quotes” ‘single’ 😀 [ссылка](http://пример.рф) ⟨a⟩ ＊全角＊ ｛x｝",
    "mixed\ttabs\tand\r\nCRLF\r\nlines\rCR",
    "\n \n  \n   \nspaces-only lines\n \ntext",
    "one\n \ntwo",
    "\x02klzzwxh:0000\x03 fake placeholder and \x02wzxhzdk:0\x03 and \x0212\x03",
    "<http://auto.link/x?a=1&b=2> and <me@example.com> and <not a link> and <a@b>",
    "http://bare.url and www.example.com and mailto:x@y",
    "[nested [brackets] here](http://x) and [a](b(c)d) and [t](u 'ti\"tle')",
    "* [ ] task\n* [x] done\n\nterm: no def",
    "trailing spaces  \n\nend  ",
    "## Header with *em* and `code` ##\n\nSetext *em*\n---",
    "a\n\n\n\n\nb",
    "&",
    "<",
    "*",
    "_",
    "[",
    "`",
    "\\",
    "{",
    "[^",
    "![",
    "  \n",
]


@pytest.mark.parametrize("body", TRICKY)
def test_tricky_inputs(body):
    assert_same_html(body)


# Pieces of article bodies, mixed at random into a few hundred bodies below.
SENTENCES = [
    "Officials in Kyiv said that {n} countries had joined the plan, according to Reuters.",
    "Analysts expect inflation to fall by {n}.{n} percent, *despite* the new deal.",
    "“We are ready,” the minister said on **Tuesday**.",
    "See [the report](https://example.com/r/{n}) and [the summary][s{n}].",
    "The agency (AT&T & partners) signed a deal worth $ {n} m.",
    "A footnote marker[^f{n}] follows this claim.",
    "The NATO and EU leaders met; HTML was mentioned.",
    "Use `x = {n}` or ``y = `z` `` in code.",
    "An <abbr title=\"x\">inline</abbr> tag and an &eacute; entity and &#{n};.",
    "Escaped \\*stars\\* and a snake_case_name and 2*{n}*3.",
    "Line ends with two spaces  \nand continues.",
    "An image ![chart {n}](/img/{n}.png) here.",
    "Mail <news{n}@example.com> or visit <https://example.com/{n}>.",
    "_Underscored_ and __double__ and ***triple*** emphasis.",
    "A brace {{: .x}} in text and a colon: here.",
]
BLOCKS = [
    "> {s}",
    "* {s}\n* {s}",
    "1. {s}\n2. {s}",
    "## {s}",
    "{s} {{: .lead}}",
    "| a | b |\n|---|---|\n| {s} | {n} |",
    "Term {n}\n:   {s}",
    "```\ncode {n} <b>*x*</b>\n```",
    "    indented {n}",
    "<div>\n{s}\n</div>",
    "[s{n}]: https://example.com/s/{n}",
    "[^f{n}]: The note {n}.",
    "*[NATO]: North Atlantic Treaty Organization",
    "---",
]


def generated_bodies(count: int, seed: int = 2026) -> list[str]:
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        blocks = []
        for _ in range(rng.randint(1, 8)):
            sentences = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
            template = rng.choice(BLOCKS) if rng.random() < 0.4 else "{s}"
            n = rng.randint(0, 99)
            blocks.append(template.format(s=sentences.format(n=n), n=n))
        bodies.append(rng.choice(["\n\n", "\n", "\n\n\n"]).join(blocks))
    return bodies


def test_generated_bodies():
    for body in generated_bodies(300):
        assert_same_html(body)


# Characters that mean something to Markdown or to the processors' tests, some letters, and pieces.
CHARACTERS = "*_[]()!<>&;#`\\{}:.-=+|~^\"'/@ \n\t\r\x02\x03abcxé😀"
PIECES = ["  \n", "\n\n", "\n ", "```", "~~~", "[^1]", "](", "<b>", "</b>", "<div>", "</div>", "&amp;", "&#1",
          "http://", "{: .c}", "*[", "]: ", "word", "HTML", "snake_case", "    ", "> ", "* ", "1. ", "|", "---"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.sampled_from(CHARACTERS), max_size=60).map("".join)
       | st.text(alphabet=CHARACTERS, max_size=80))
@example("*[HTML]: x\n\nHTML *a* [b](c)")
@example("\\`*x*`")
def test_same_html_as_stock_on_markdown_punctuation(body):
    assert_same_html(body)


# --- where the stand-ins step aside --------------------------------------------------------------------


def test_an_unverified_markdown_release_keeps_every_stock_processor(monkeypatch):
    monkeypatch.setattr(fastmarkdown.markdown, "__version__", "3.12")
    md = stock_markdown()
    assert fastmarkdown.install(md) == []
    assert type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor


def test_without_the_private_methods_the_stock_inline_processor_stays(monkeypatch):
    monkeypatch.delattr(treeprocessors.InlineProcessor, "_InlineProcessor__handleInline")
    md = stock_markdown()
    assert set(fastmarkdown.install(md)) == STAND_INS - {"inline"}
    assert type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor


def test_a_processor_some_extension_replaced_is_left_alone():
    md = stock_markdown()

    class Other(treeprocessors.InlineProcessor):
        pass

    md.treeprocessors.register(Other(md), "inline", 20)
    assert "inline" not in fastmarkdown.install(md)
    assert type(md.treeprocessors["inline"]) is Other


class StrikeInline(ip.SimpleTagInlineProcessor):
    """An inline pattern fastmarkdown does not know: ~~text~~ -> <del>."""


STRIKE_RE = r"(~~)(.+?)~~"


class ShoutingLink(ip.LinkInlineProcessor):
    """A subclass of a known pattern with the known regex, which may match differently."""


def test_unknown_patterns_are_always_tried_even_when_registered_after_install():
    assert fastmarkdown.triggers(StrikeInline(STRIKE_RE, "del")) is None
    assert fastmarkdown.triggers(ShoutingLink(ip.LINK_RE, None)) is None
    assert fastmarkdown.triggers(ip.LinkInlineProcessor(ip.LINK_RE + "x", None)) is None
    assert fastmarkdown.triggers(ip.LinkInlineProcessor(ip.LINK_RE, None)) == ("[",)

    fast, stock = stock_markdown(), stock_markdown()
    fastmarkdown.install(fast)
    body = "~~gone~~ and *kept* and [l](u) ~~again [x](y)~~"
    assert fast.convert(body) == stock.convert(body)
    for md in (fast, stock):
        md.inlinePatterns.register(StrikeInline(STRIKE_RE, "del"), "strike", 65)
    for text in (body, "no trigger of any known pattern ~~here~~", "~~a *b* c~~"):
        assert fast.reset().convert(text) == stock.reset().convert(text)
        assert "<del>" in fast.reset().convert(text)
