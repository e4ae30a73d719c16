"""sitegen's faster Markdown processors (sitegen/fastmarkdown.py) give the HTML of stock Python-Markdown,
byte for byte: on the repository's articles and digest sample, on generated article bodies, on a list of
tricky inputs, and on text Hypothesis draws from Markdown punctuation. And they step aside, leaving
stock processors, where they cannot be sure.
"""
from __future__ import annotations

import os
import random
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown import blockparser, blockprocessors, inlinepatterns as ip, treeprocessors, util
from markdown.extensions import footnotes

from sitegen import fastmarkdown, markup
from sitegen.config import Config
from sitegen.content import parse_article

REPO = Path(__file__).resolve().parent.parent
STAND_INS = {"inline", "em_strong", "normalize_whitespace", "fenced_code_block", "html_block", "attr_list", "prettify",
             "unescape", "footnote", "amp_substitute", "parser"}


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
    # Every pattern has its triggers, the em/strong stand-in too (a snapshot may be taken after install).
    assert all(fastmarkdown.triggers(pattern) for pattern in md.inlinePatterns)
    # The extensions are given as instances (see markup.py), not by name: the same ones, the same
    # processors at the same priorities, the same escapable characters.
    assert sorted(type(e).__name__ for e in md.registeredExtensions) == \
        sorted(type(e).__name__ for e in STOCK.registeredExtensions if type(e).__name__ != "ExtraExtension")
    assert md.ESCAPED_CHARS == STOCK.ESCAPED_CHARS
    for registry in ("preprocessors", "treeprocessors", "postprocessors", "inlinePatterns", "parser.blockprocessors"):
        ours, stock = md, STOCK
        for attribute in registry.split("."):
            ours, stock = getattr(ours, attribute), getattr(stock, attribute)
        # In the order the registry runs them (a stable sort by priority keeps the order of registration).
        assert [(item.name, item.priority) for item in sorted(ours._priority, key=lambda i: -i.priority)] == \
            [(item.name, item.priority) for item in sorted(stock._priority, key=lambda i: -i.priority)]
    # Every pattern of extra + sane_lists is known, so none is tried on text it cannot match.
    assert None not in md.treeprocessors["inline"]._triggers
    # So is every block processor, and the parser is the same object, of the faster class.
    assert type(md.parser) is fastmarkdown.FastBlockParser
    assert all(fastmarkdown.block_needs(p) is not None for p in md.parser.blockprocessors)
    assert all(p.parser is md.parser for p in md.parser.blockprocessors)


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


# Blocks for each block processor, and blocks that come close to one: the block parser's stand-in must pick
# the same processor for each as stock.
TRICKY_BLOCKS = [
    # tables
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "a | b\n--|--\n1 | 2",
    "| a |\n| --- |\n| 1 |",
    "| a\n|---\n| 1",
    "a |\n--- |\nb |",
    "| a | b |\n|---|---|",
    "| a | b |\n| c | d |",
    "a | b\nnot a separator",
    "a\n| b | c |\n|---|---|",
    "`a | b` | c\n--- | ---",
    "`a | b`\n---",
    "a \\| b\n--- | ---",
    "| a | b |\n|:--|--:|\n|:-:|",
    "|\n|",
    "||\n||",
    "| a | b |",
    # ATX and setext headers
    "# h1\n## h2 ##\n###### h6\n####### h7",
    "#no space\n#\n##",
    "para\n# header inside\nmore",
    "  # indented two\n    # indented four",
    "a # not a header\n\\# escaped",
    "Title\n=====",
    "Title\n---",
    "Title\n=\nafter",
    "Title\n- not a list?",
    "Title\n===  \nmore text",
    "Title\n== =",
    "two\nlines\n---",
    "Title\n ---",
    "\n---",
    # horizontal rules
    "---", "***", "___", "- - -", "* * *", "_ _ _", " ---", "   ***", "    ---", "--", "**", "-- -",
    "---- --", "-_-", "*-*", "text\n\n***\nafter", "before\n___\nafter", "a\n* * *\nb", "--- x",
    # lists, sane and nested
    "* a\n* b\n* c", "- a\n+ b\n* c", "1. a\n2. b\n10. c", "3. three\n4. four", "1) not\n2) sane",
    "* a\n1. b", "1. a\n* b", "* a\n\n* b\n\n    para in b", "* a\n    * b\n        * c",
    "1. a\n    1. b\n    2. c\n2. d", "* a\nlazy continuation\n* b", "*not a list", "-not a list",
    "+ plus", "   * three spaces", "    * four spaces", "* * nested on one line", "1.no space", "1.",
    "12345678901. big", "   1. three spaces", " 2. one space", "2024. A year", "1.5 percent rose", "0. zero", "٣. arabic-indic three",
    "１. fullwidth one", "* item\n\n  para two spaces", "- [ ] task\n- [x] done",
    "* a\n\n\n* b", "* # header in item\nafter", "1. a\n\n    code?\n\n2. b",
    # definition lists
    "Term\n: def", "Term\n:   def\n\n    more def", "Term\n: def 1\n: def 2", ": no term",
    "Term one\nTerm two\n: def", "Term\n\n: def after blank", "Term\n:not a def", "a: b\nc: d",
    "Term\n   :  def three spaces",
    # footnote, abbreviation and reference definitions
    "x[^1]\n\n[^1]: note", "x[^a] y[^b]\n\n[^a]: one\n[^b]: two\n    continued", "[^n]:",
    "x[^1]\n\n   [^1]: indented 3", "x[^1]\n\n    [^1]: indented 4", "para\n[^1]: after para",
    "*[HTML]: Hyper Text\n*[CSS]: Style\n\nHTML and CSS", "*[X]:\n\nX", "para\n*[AB]: Alpha Beta\nAB",
    "[r]: http://x\n[s]: http://y 'T'\n\n[r] [s]", "[r]:\n  http://x\n  \"title\"\n\n[r]",
    "   [r]: /three\n\n[r]", "    [r]: /four\n\n[r]", "text\n[r]: /mid\ntext\n\n[r]", "[not]: a def? [x]",
    # quotes
    "> q", "> a\nlazy\n> b", "> > nested\n> back", ">no space", "   > three spaces", "    > code",
    "para\n> quote after para", "> * list in quote\n> * two", "> # header\n> text", ">",
    # code blocks
    "    code\n    more", "    code\n\n\n\n    after two blank lines", "    code\n\n\n\n\n\n    three", "    code\n\n    after blank", "    code\nnot code", "\tcode with tab",
    "para\n    not code (lazy)", "* a\n\n        code in item",
    # blocks starting with other characters
    "(parenthesis) and more", "\"quoted\" text", "“curly” text", "— dash", "…", "¡Hola!", "Ünïcödé",
    "😀 emoji", "\u00a0non-breaking space", "\u2028line separator", "\x0bvertical tab", "\x0cform feed",
    "a\r\n---", "[link](u) first", "![img](i) first", "<b>html</b> first", "&amp; first", "`code` first",
    "\\* escaped", "{: .attr}", "~~~ tilde", "~ one tilde", "= equals", "== two", "| pipe only", ": colon",
    "^ caret", "@ at", "% percent",
    # escapes that reach attributes and text as placeholders, for unescape
    "[a\\*b](http://x/\\_y \"t\\*t\")", "![al\\*t](i.png \"\\_\")", "<me@example.com> \\<",
    # several blocks
    "para\n\n# h\n\n* a\n* b\n\n> q\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTerm\n: def",
]


@pytest.mark.parametrize("body", TRICKY_BLOCKS)
def test_tricky_blocks(body):
    assert_same_html(body)
    # The same inside a list item, a quote and after a paragraph: other parents and parser states.
    indented = "\n".join("    " + line for line in body.split("\n"))
    assert_same_html("* item\n\n" + indented)
    assert_same_html("\n".join("> " + line for line in body.split("\n")))
    assert_same_html("para\n" + body)


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


def bodies_of(pieces: list[str], characters: str, pieces_max: int, characters_max: int):
    """Bodies made of pieces and characters, or of characters alone."""
    return (st.lists(st.sampled_from(pieces) | st.sampled_from(characters), max_size=pieces_max).map("".join)
            | st.text(alphabet=characters, max_size=characters_max))


@settings(max_examples=300, deadline=None)
@given(bodies_of(PIECES, CHARACTERS, 60, 80))
@example("*[HTML]: x\n\nHTML *a* [b](c)")
@example("\\`*x*`")
def test_same_html_as_stock_on_markdown_punctuation(body):
    assert_same_html(body)


# Emphasis: runs of '*' and '_' in every position against words, spaces, punctuation, and the code
# spans, links, entities and escapes that become placeholders before emphasis is looked for
# (fastmarkdown.FastDelimiterProcessor makes the simple ones itself).
EM_CHARACTERS = "*_ ab.,!?:\n\t\x02\x03\\`é"
EM_PIECES = ["*a*", "*a b*", "**a**", "***a***", "_a_", "__a__", "*", "**", "***", "_", "__", " * ", " _ ", "a*", "*a",
             "a_b", "*a_b*", "_a*b_", "[x](y)", "`c`", "&amp;", "\\*", "*\n*", "word", "  \n", "a_b_c_d_e_f"]


@settings(max_examples=int(os.environ.get("SITEGEN_EM_EXAMPLES", "300")), deadline=None)
@given(bodies_of(EM_PIECES, EM_CHARACTERS, 40, 60))
@example("a *b* c *d e* f **g** h_i_ *j_k* _l_ *m*n *o * p*")
@example("*a _b* c_")
@example("*a*b*")
def test_same_html_as_stock_on_emphasis(body):
    assert_same_html(body)


# Characters and pieces that start or make blocks.
BLOCK_CHARACTERS = "\n\n\n    |:#=->*+_.)[]^`~!\\\t0123456789٣abcZé "
BLOCK_PIECES = ["\n", "\n\n", "\n    ", "\n  ", "    ", "1. ", "2) ", "* ", "- ", "+ ", "> ", "# ", "## ", "---",
                "***", "___", "===", "| a | b |", "|---|---|", "| ", ": ", ":   ", "[^1]: ", "[^1]", "*[HTML]: ",
                "HTML", "[r]: /u", "[r]", "Term", "word", "\x02", "\x03", "\x02wzxhzdk:0\x03", "<div>", "</div>"]


@settings(max_examples=300, deadline=None)
@given(bodies_of(BLOCK_PIECES, BLOCK_CHARACTERS, 40, 60))
@example("a\n- b")
@example("| a\n|-")
@example("٣. x")
def test_same_html_as_stock_on_block_syntax(body):
    assert_same_html(body)


# --- where the stand-ins step aside --------------------------------------------------------------------


def test_an_unverified_markdown_release_keeps_every_stock_processor(monkeypatch):
    monkeypatch.setattr(fastmarkdown.markdown, "__version__", "3.12")
    md = stock_markdown()
    assert fastmarkdown.install(md) == []
    assert type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor
    assert type(md.parser) is blockparser.BlockParser


def test_without_the_private_methods_the_stock_inline_processor_stays(monkeypatch):
    monkeypatch.delattr(treeprocessors.InlineProcessor, "_InlineProcessor__handleInline")
    md = stock_markdown()
    assert set(fastmarkdown.install(md)) == STAND_INS - {"inline"}
    assert type(md.treeprocessors["inline"]) is treeprocessors.InlineProcessor


def test_stand_ins_whose_placeholders_or_regex_changed_stay_stock(monkeypatch):
    """The postprocessor stand-ins skip text without an STX because every placeholder they replace holds
    one; unescape's, text without an STX because its regex needs one."""
    monkeypatch.setattr(footnotes, "NBSP_PLACEHOLDER", "&nbsp-placeholder;")
    monkeypatch.setattr(util, "AMP_SUBSTITUTE", "&amp-substitute;")
    monkeypatch.setattr(treeprocessors.UnescapeTreeprocessor, "RE", re.compile(r"&#(\d+);"))
    md = stock_markdown()
    assert set(fastmarkdown.install(md)) == STAND_INS - {"footnote", "amp_substitute", "unescape"}
    assert type(md.postprocessors["footnote"]) is footnotes.FootnotePostprocessor


def test_emphasis_is_made_by_stock_on_other_releases_and_with_other_delimiters(monkeypatch):
    monkeypatch.setattr(fastmarkdown.markdown, "__version__", "3.11.2")  # verified, but it pairs otherwise
    md = stock_markdown()
    assert set(fastmarkdown.install(md)) == STAND_INS - {"em_strong"}
    assert type(md.inlinePatterns["em_strong"]) is ip.DelimiterProcessor
    monkeypatch.undo()
    md = stock_markdown()
    md.delimiters.add("~", "del,del")
    assert "em_strong" not in fastmarkdown.install(md)


def test_the_simple_emphasis_is_made_without_stock_and_the_rest_with_it(monkeypatch):
    made_by_stock = []
    stock = ip.DelimiterProcessor.handleMatch
    monkeypatch.setattr(ip.DelimiterProcessor, "handleMatch",
                        lambda self, m, data: (type(self) is fastmarkdown.FastDelimiterProcessor
                                               and made_by_stock.append(data[m.start(0):])) or stock(self, m, data))
    # R&amp;D: an entity, so these texts take the inline loop rather than _made_directly.
    assert_same_html("R&amp;D expect *despite* the *new plan*, not *this*.\n*Two* lines: *this*")
    assert made_by_stock == []
    assert_same_html("*a **b** c* and *d_")
    assert made_by_stock


def test_the_simple_emphasis_waits_while_stock_has_elements_or_a_run_pending(monkeypatch):
    """Markdown 3.11.4 pairs a whole text's delimiters at the first one and hands the elements out from
    a cache as the loop reaches them; it keeps the rest of a closing run aside too. While either is
    waiting, a plain *x* is stock's to give (it is one of those elements), never made again."""
    if markdown.__version__ != "3.11.4":
        pytest.skip("the cache is 3.11.4's")
    looked = []
    closing = fastmarkdown.FastDelimiterProcessor._closing_star
    monkeypatch.setattr(fastmarkdown.FastDelimiterProcessor, "_closing_star",
                        lambda self, data, at: looked.append((bool(self.cache), self.remainder)) or closing(self, data, at))
    # R&amp;D: the inline loop, not _made_directly. The first '**' is paired with the last '*' at once,
    # so the plain *c* and *d* after it come from stock's cache.
    for text in ("R&amp;D a**b *c* *d* e* f", "R&amp;D ***a** *b* c*", "R&amp;D **a*** *b* *c*"):
        assert_same_html(text)
    assert looked and all(cached is False and rest is None for cached, rest in looked)


def test_the_emphasis_processor_is_left_as_stock_leaves_it():
    """Nothing pending after a text (so nothing carried into the next), whoever made its last <em>: the
    processor's state is a new one's."""
    texts = ["R&amp;D plain *em* here", "R&amp;D a**b *c* *d* e* f", "R&amp;D *a **b** c* and *d_", "R&amp;D *x*",
             "*a*\n\n*b* c *d*", "R&amp;D ***a** *b* c*", "R&amp;D *a* **b*"]
    em = markup._converter.inlinePatterns["em_strong"]
    new = stock_markdown().inlinePatterns["em_strong"]
    kept = ("md", "delimiters", "compiled_re", "pattern", "tokens")
    for text in texts:
        assert_same_html(text)
        assert em.nothing_pending(), text
        assert {k: v for k, v in vars(em).items() if k not in kept} == \
            {k: v for k, v in vars(new).items() if k not in kept}, text


def test_texts_only_emphasis_can_act_on_are_made_without_the_inline_loop(monkeypatch):
    looped = []
    loop = fastmarkdown.FastInlineProcessor._InlineProcessor__handleInline
    monkeypatch.setattr(fastmarkdown.FastInlineProcessor, "_InlineProcessor__handleInline",
                        lambda self, data, index=0: looped.append(data) or loop(self, data, index))
    assert_same_html("Plain *em* text, *two* here.\n\n## A *heading*\n\n> Quoted *words*\n\n- item *a*\n"
                     "    - nested *b*\n\nA [link](/x) and *em*.\n\nAn *odd* star * here.\n\nR&amp;D *em*\n\n"
                     "*a **b** c*\n\nsnake_case *em*")
    texts = "\n".join(looped)
    for made_directly in ("Plain", "heading", "Quoted", "nested"):
        assert made_directly not in texts
    # An item with a list inside, a link, a '*' that neither opens nor closes, an entity, strong, '_'.
    for looped_over in ("item *a*", "[link]", "star * here", "R&amp;D", "**b**", "snake_case"):
        assert looped_over in texts


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


def test_quotes_nested_up_to_the_recursion_limit_give_stock_html():
    """Stock stops nesting quotes near the recursion limit (util.nearing_recursion_limit counts frames): the
    stand-in's loop must nest as deep, frame for frame."""
    for depth in (200, 330, 400):
        assert_same_html(">" * depth + " x")


# --- the block parser's stand-in: unknown processors, a processor that changes a block, other settings -------


class NoteProcessor(blockprocessors.BlockProcessor):
    """A block processor fastmarkdown does not know: '!!! text' -> <aside>."""

    def test(self, parent, block):
        return block.startswith("!!! ")

    def run(self, parent, blocks):
        etree.SubElement(parent, "aside").text = blocks.pop(0)[4:]


class RewritingProcessor(blockprocessors.BlockProcessor):
    """Turns a block starting with '%' into a header, then declines it: stock tries the processors after it
    on the changed block."""

    def test(self, parent, block):
        return block.startswith("%")

    def run(self, parent, blocks):
        blocks[0] = "# " + blocks[0][1:]
        return False


class ShoutingParagraph(blockprocessors.ParagraphProcessor):
    """A subclass of a known processor, which may take other blocks."""


def test_unknown_block_processors_are_always_tried_even_when_registered_after_install():
    md = stock_markdown()
    assert fastmarkdown.block_needs(NoteProcessor(md.parser)) is None
    assert fastmarkdown.block_needs(ShoutingParagraph(md.parser)) is None
    changed = blockprocessors.HashHeaderProcessor(md.parser)
    assert fastmarkdown.block_needs(changed) is not None
    changed.RE = re.compile(r"(?:^|\n)(?P<level>=)(?P<header>.*)")
    assert fastmarkdown.block_needs(changed) is None

    fast, stock = stock_markdown(), stock_markdown()
    fastmarkdown.install(fast)
    body = "!!! a note\n\n%a header\n\nplain %x !!! y\n\n* !!! in a list\n\n> %in a quote"
    assert fast.convert(body) == stock.convert(body)  # before: the parser has its snapshot
    for md in (fast, stock):
        md.parser.blockprocessors.register(NoteProcessor(md.parser), "note", 95)
        md.parser.blockprocessors.register(RewritingProcessor(md.parser), "rewrite", 96)
    html = fast.reset().convert(body)
    assert html == stock.reset().convert(body)
    assert "<aside>a note</aside>" in html and "<h1>a header</h1>" in html
    for text in TRICKY_BLOCKS[:40]:
        assert fast.reset().convert(text) == stock.reset().convert(text)


def test_other_tab_lengths_and_extensions_give_stock_html():
    """With another tab length every block processor is unknown, so always tried; without extensions the
    stock list processors are known too."""
    for kwargs in ({"tab_length": 2}, {"tab_length": 8}):
        fast, stock = stock_markdown(**kwargs), stock_markdown(**kwargs)
        fastmarkdown.install(fast)
        fast.convert("x")
        assert all(needs is None for needs in fast.parser._needs)
        for body in TRICKY_BLOCKS:
            assert fast.reset().convert(body) == stock.reset().convert(body), (kwargs, body)
    fast, stock = markdown.Markdown(), markdown.Markdown()
    assert "parser" in fastmarkdown.install(fast)
    for body in TRICKY_BLOCKS + TRICKY:
        assert fast.reset().convert(body) == stock.reset().convert(body), body


def test_a_parser_of_another_class_is_left_alone():
    md = stock_markdown()

    class OtherParser(blockparser.BlockParser):
        pass

    md.parser.__class__ = OtherParser
    assert "parser" not in fastmarkdown.install(md)
    assert type(md.parser) is OtherParser


class BlockEm(markdown.Markdown):
    """is_block_level overridden, and counting its calls: prettify must ask it as often as stock does, not
    remember answers, which may change."""

    calls = 0

    def is_block_level(self, tag):
        self.calls += 1
        return tag == "em" or super().is_block_level(tag)


def test_prettify_asks_an_overridden_is_block_level_as_often_as_stock():
    fast, stock = BlockEm(extensions=["extra", "sane_lists"]), BlockEm(extensions=["extra", "sane_lists"])
    assert "prettify" in fastmarkdown.install(fast)
    asked = {}
    for md in (fast, stock):  # count the calls prettify makes
        def run(root, md=md, prettify=md.treeprocessors["prettify"].run):
            before = md.calls
            prettify(root)
            asked[md] = md.calls - before
        md.treeprocessors["prettify"].run = run
    for body in ("a *em*", "*em* text\n\n* a *b*", "a\n\n> *q*"):
        assert fast.reset().convert(body) == stock.reset().convert(body)
        assert asked[fast] == asked[stock] > 0
