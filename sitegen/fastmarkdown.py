"""Faster stand-ins for some of Python-Markdown's processors; the HTML is byte-identical to stock.

Rendering bodies is the largest part of a cold build. Most of convert()'s time went to work that cannot
change the output of a typical article:

- the `inline` treeprocessor tries every inline pattern on every text node (about 290 tries per
  article) though most cannot match: no link without a '[', no entity without a '&';
- `normalize_whitespace`, `fenced_code_block` and `html_block` scan the whole text with a regex or an
  HTML parser, and `attr_list` the whole tree, for what an article without a "\\n ", a fence, a '<' or
  '&', or a '{' does not have.

Each stand-in is the stock class with a cheap test in front that skips exactly the work that could
find nothing. It goes in only where the Markdown instance has the stock class, under the same name
and priority, and only on the Markdown releases it was checked against (VERIFIED_VERSIONS): on any
other, the stock processors stay, so a new release makes rendering slower, never different.
"""
from __future__ import annotations

import re

import markdown
from markdown import Markdown, inlinepatterns as ip, preprocessors, treeprocessors, util
from markdown.extensions import attr_list, fenced_code, md_in_html
from markdown.extensions.footnotes import FootnoteInlineProcessor

# Releases whose processors this was read against and tested on (tests/test_markup_fast.py): the
# inline loop copied below, the private methods it relies on, and the stock run() methods wrapped.
VERIFIED_VERSIONS = frozenset({"3.11.1", "3.11.2", "3.11.3"})

# The regexes of the patterns below, as Python-Markdown 3.11.3 builds them (markdown.inlinepatterns; the
# footnote one is a local of FootnoteExtension.extendMarkdown; the em/strong one is what DelimiterProcessor
# makes of its tokens '*' and '_'). Literals, not the module's constants: a release that changes a regex
# makes its pattern unknown here, so always tried, rather than silently given these triggers.
BACKTICK_RE = r'(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)'
ESCAPE_RE = r'\\(.)'
FOOTNOTE_RE = r'\[\^([^\]]*)\]'
LINK_RE = r'(?<!\!)\['  # also reference and short_reference
IMAGE_LINK_RE = r'\!\['  # also image_reference and short_image_ref
AUTOLINK_RE = r'<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>'
AUTOLINK_RE_3_11_2 = r'<((?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>]*)>'  # 3.11.1 and 3.11.2
AUTOMAIL_RE = r'<([^<> !]+@[^@<> ]+)>'
LINE_BREAK_RE = r'  \n'
HTML_RE = (
    r'''(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?|'''
    r'!--(?:(?!<!--|-->).)*--|'
    r'[?](?:(?!<[?]|[?]>).)*[?]|'
    r'!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\]'
    ')>)'
)
ENTITY_RE = r'(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)'
EM_STRONG_RE = r'\*|_'

# (exact class, regex) -> strings one of which a text must contain for the regex to find a match anywhere
# in it. Each was read off the regex: a literal that every match includes, or for backtick the literal
# of a lookahead (its first branch matches backslashes only when a backtick follows).
KNOWN_TRIGGERS: dict[tuple[type, str], tuple[str, ...]] = {
    (ip.BacktickInlineProcessor, BACKTICK_RE): ("`",),
    (ip.EscapeInlineProcessor, ESCAPE_RE): ("\\",),
    (FootnoteInlineProcessor, FOOTNOTE_RE): ("[^",),
    (ip.ReferenceInlineProcessor, LINK_RE): ("[",),
    (ip.LinkInlineProcessor, LINK_RE): ("[",),
    (ip.ImageInlineProcessor, IMAGE_LINK_RE): ("![",),
    (ip.ImageReferenceInlineProcessor, IMAGE_LINK_RE): ("![",),
    (ip.ShortReferenceInlineProcessor, LINK_RE): ("[",),
    (ip.ShortImageReferenceInlineProcessor, IMAGE_LINK_RE): ("![",),
    (ip.AutolinkInlineProcessor, AUTOLINK_RE): ("<",),
    (ip.AutolinkInlineProcessor, AUTOLINK_RE_3_11_2): ("<",),
    (ip.AutomailInlineProcessor, AUTOMAIL_RE): ("<",),
    (ip.SubstituteTagInlineProcessor, LINE_BREAK_RE): ("  \n",),
    (ip.HtmlInlineProcessor, HTML_RE): ("<",),
    (ip.HtmlInlineProcessor, ENTITY_RE): ("&",),
    # getattr: releases before 3.11.1 have other em/strong classes (unknown here) and no DelimiterProcessor.
    (getattr(ip, "DelimiterProcessor", None), EM_STRONG_RE): ("*", "_"),
}


def triggers(pattern: object) -> tuple[str, ...] | None:
    """The strings one of which a text needs for this inline pattern to match, or None: always try it.

    Known only by exact class and regex: a subclass or a changed regex may match anything."""
    regex = getattr(pattern, "compiled_re", None)
    if regex is None:
        return None
    return KNOWN_TRIGGERS.get((type(pattern), regex.pattern))


class FastInlineProcessor(treeprocessors.InlineProcessor):
    """The stock `inline` treeprocessor, whose per-text-node loop skips patterns that cannot match.

    Skipping a pattern is what the stock loop does after its search finds nothing (next pattern, from
    the start of the text), and the test is made on the text as it is at that step, so the output is
    the same. The patterns come from a plain list taken once per run(), not from the Registry, whose
    __getitem__ re-checks its sort on every call.
    """

    def __init__(self, md: Markdown):
        super().__init__(md)
        self._snapshot(list(self.inlinePatterns))

    def _snapshot(self, patterns: list) -> None:
        self._patterns = patterns
        self._triggers = [triggers(p) for p in patterns]

    def run(self, tree, ancestors=None):
        patterns = list(self.inlinePatterns)
        if len(patterns) != len(self._patterns) or any(a is not b for a, b in zip(patterns, self._patterns)):
            self._snapshot(patterns)  # a pattern was registered or removed since the last document
        return super().run(tree, ancestors)

    # Overrides the stock private `__handleInline` under its mangled name: run() and `__applyPattern`
    # (for the text inside an element a pattern made) call it through `self`, so this is the one place
    # to change the loop. The loop is stock's, plus the skip and the plain list.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        apply = self._InlineProcessor__applyPattern
        patterns, needs = self._patterns, self._triggers
        startIndex = 0
        count = len(patterns)
        while patternIndex < count:
            need = needs[patternIndex]
            if need is not None:
                for text in need:
                    if text in data:
                        break
                else:  # no match possible: as stock after a failed search
                    patternIndex += 1
                    startIndex = 0
                    continue
            data, matched, startIndex = apply(patterns[patternIndex], data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
        return data


class FastNormalizeWhitespace(preprocessors.NormalizeWhitespace):
    """Stock run(), copied, but the blank-line regex only runs on text that has what it matches.

    `(?<=\\n) +\\n` tests its look-behind at every position (about 55 µs on a 5 kB article) and needs a
    newline followed by a space, which most articles do not have."""

    def run(self, lines: list[str]) -> list[str]:
        source = '\n'.join(lines)
        source = source.replace(util.STX, "").replace(util.ETX, "")
        source = source.replace("\r\n", "\n").replace("\r", "\n") + "\n\n"
        source = source.expandtabs(self.md.tab_length)
        if "\n " in source:
            source = re.sub(r'(?<=\n) +\n', '\n', source)
        return source.split('\n')


class _SkipWithout:
    """For a preprocessor whose stock run() returns the text re-split, unchanged, when the text holds
    none of NEEDS: on such text, do just that."""

    NEEDS: tuple[str, ...] = ()

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if not any(need in text for need in self.NEEDS):
            return text.split("\n")
        return super().run(lines)


class FastFencedBlockPreprocessor(_SkipWithout, fenced_code.FencedBlockPreprocessor):
    """Every fence the stock regex matches opens with ``` or ~~~."""

    NEEDS = ("```", "~~~")


class FastHtmlBlockPreprocessor(_SkipWithout, md_in_html.HtmlBlockPreprocessor):
    """The HTML parser acts only on '<' and '&' (tags, comments, character and entity references):
    text with neither reaches its handle_data whole and comes back as it was."""

    NEEDS = ("<", "&")


class FastAttrListTreeprocessor(attr_list.AttrListTreeprocessor):
    """Stock changes an element only where one of its regexes, each of which needs a '{', matches the
    text or tail of an element: a tree with no '{' in any of them is left as it is."""

    def run(self, doc) -> None:
        for elem in doc.iter():
            text, tail = elem.text, elem.tail
            if (text and "{" in text) or (tail and "{" in tail):
                return super().run(doc)
        return None


# (registry, name, the stock class that must be there, stand-in, how to make one from the stock instance)
_STAND_INS = (
    ("treeprocessors", "inline", treeprocessors.InlineProcessor, FastInlineProcessor,
     lambda md, old: FastInlineProcessor(md)),
    ("preprocessors", "normalize_whitespace", preprocessors.NormalizeWhitespace, FastNormalizeWhitespace,
     lambda md, old: FastNormalizeWhitespace(md)),
    ("preprocessors", "fenced_code_block", fenced_code.FencedBlockPreprocessor, FastFencedBlockPreprocessor,
     lambda md, old: FastFencedBlockPreprocessor(md, old.config)),
    ("preprocessors", "html_block", md_in_html.HtmlBlockPreprocessor, FastHtmlBlockPreprocessor,
     lambda md, old: FastHtmlBlockPreprocessor(md)),
    ("treeprocessors", "attr_list", attr_list.AttrListTreeprocessor, FastAttrListTreeprocessor,
     lambda md, old: FastAttrListTreeprocessor(md)),
)
# The stock private methods FastInlineProcessor relies on.
_PRIVATE = ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")


def install(md: Markdown) -> list[str]:
    """Put the stand-ins in place of md's stock processors, same names and priorities; the names of
    those replaced. None on an unverified Markdown release, and no inline one if the private methods
    it relies on are gone: md renders as stock, only slower."""
    if markdown.__version__ not in VERIFIED_VERSIONS:
        return []
    replaced = []
    for registry_name, name, stock, fast, make in _STAND_INS:
        registry = getattr(md, registry_name)
        if name not in registry or type(registry[name]) is not stock:
            continue  # absent, or another extension's class: leave it
        if fast is FastInlineProcessor and not all(callable(getattr(stock, m, None)) for m in _PRIVATE):
            continue
        # Registry has no public way to read a priority; without it, keep stock.
        priority = next((item.priority for item in getattr(registry, "_priority", ()) if item.name == name), None)
        if priority is None:
            continue
        registry.register(make(md, registry[name]), name, priority)
        replaced.append(name)
    return replaced
