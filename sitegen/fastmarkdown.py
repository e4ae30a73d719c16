"""Faster stand-ins for some of Python-Markdown's processors; the HTML is byte-identical to stock.

Rendering bodies is the largest part of a cold build. Most of convert()'s time went to work that cannot
change the output of a typical article:

- the `inline` treeprocessor tries every inline pattern on every text node (about 290 tries per
  article) though most cannot match: no link without a '[', no entity without a '&';
- the block parser tries every block processor on every block (about 15 for a plain paragraph), though
  most can only take a block whose lines start with certain characters: no list without a marker, no
  quote without a '>', no table without a '|';
- `normalize_whitespace`, `fenced_code_block` and `html_block` scan the whole text with a regex or an
  HTML parser, `attr_list` and `unescape` the whole tree, and the `footnote` and `amp_substitute`
  postprocessors the whole HTML, for what an article without a "\\n \\n", a fence, a '<' or '&', a '{'
  or an STX placeholder does not have; `prettify` asks is_block_level() about every element and child;
- `em_strong` pairs every `*word*` through stacks, a region cache and a character-by-character search
  (FastDelimiterProcessor makes that plain case itself and leaves every other to stock);
- and for a text that only plain emphasis can act on (nine paragraphs in ten in a typical digest), the
  inline loop still stashes each <em> behind a placeholder and rebuilds the text around it: such a
  text is made at once (FastInlineProcessor._made_directly), any other takes the loop.

Each stand-in is the stock class with a cheap test in front that skips exactly the work that could
find nothing (or, for prettify, asks once per tag). It goes in only where the Markdown instance has the
stock class, under the same name and priority (the block parser: the same object, its class swapped for
a subclass), and only on the Markdown releases it was checked against (VERIFIED_VERSIONS): on any
other, the stock processors stay, so a new release makes rendering slower, never different.
"""
from __future__ import annotations

import re
from typing import Any, NamedTuple

import markdown
from markdown import (Markdown, blockparser, blockprocessors, inlinepatterns as ip, postprocessors, preprocessors,
                      treeprocessors, util)
from markdown.extensions import abbr, attr_list, def_list, fenced_code, footnotes, md_in_html, sane_lists, tables
from markdown.extensions.footnotes import FootnoteInlineProcessor

# Releases whose processors this was read against and tested on (tests/test_markup_fast.py): the
# inline loop copied below, the private methods it relies on, and the stock run() methods wrapped.
VERIFIED_VERSIONS = frozenset({"3.11.1", "3.11.2", "3.11.3", "3.11.4"})

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
        self._kinds = [type(p) for p in patterns]
        self._triggers = [triggers(p) for p in patterns]
        # For texts made whole (_made_directly): the em/strong stand-in, and the strings whose presence
        # lets some pattern act (that stand-in's '*' aside, which _made_directly pairs itself). With a
        # pattern of unknown triggers, every text takes the stock way.
        ems = [p for p in patterns if type(p) is FastDelimiterProcessor and not p.ANCESTOR_EXCLUDES]
        self._em = ems[0] if len(ems) == 1 else None
        self._blockers = None
        if all(need is not None for need in self._triggers):
            self._blockers = tuple({text for pattern, need in zip(patterns, self._triggers) for text in need
                                    if not (pattern is self._em and text == "*")} | {util.STX, util.ETX})

    def run(self, tree, ancestors=None):
        patterns = list(self.inlinePatterns)
        if len(patterns) != len(self._patterns) or any(a is not b or type(a) is not kind for a, b, kind
                                                       in zip(patterns, self._patterns, self._kinds)):
            self._snapshot(patterns)  # a pattern was registered, removed or given a class since the last document
        return self._run(tree, ancestors)

    def _run(self, tree, ancestors=None):
        """Stock run(), but for an element without children whose text _made_directly can make (most
        paragraphs): that text and its <em>s are set at once, as the stock loop would leave them
        (text, then each <em> with its tail), without placeholders or a second pass."""
        self.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {c: p for p in tree.iter() for c in p}
        stack = [(tree, tree_parents)]
        self._InlineProcessor__build_ancestors(tree, tree_parents)
        handle, place = self._InlineProcessor__handleInline, self._InlineProcessor__processPlaceholders
        while stack:
            currElement, parents = stack.pop(0)
            self.ancestors = parents
            if currElement is not tree:
                self.ancestors.append(currElement.tag.lower())
            insertQueue = []
            for child in currElement:
                made = None
                if child.text and not isinstance(child.text, util.AtomicString):
                    made = None if len(child) else self._made_directly(child.text)
                    if made is not None:
                        child.text = made[0] or None
                        for text, tail in made[1]:
                            em = ip.etree.SubElement(child, "em")
                            em.text, em.tail = text, tail or None
                            self.parent_map[em] = child
                    else:
                        self.ancestors.append(child.tag.lower())
                        text = child.text
                        child.text = None
                        lst = place(handle(text), child)
                        for item in lst:
                            self.parent_map[item[0]] = child
                        stack += lst
                        insertQueue.append((child, lst))
                        self.ancestors.pop()
                if child.tail:
                    tail = handle(child.tail)
                    dumby = ip.etree.Element('d')
                    child.tail = None
                    tailResult = place(tail, dumby, False)
                    if dumby.tail:
                        child.tail = dumby.tail
                    pos = list(currElement).index(child) + 1
                    tailResult.reverse()
                    for newChild in tailResult:
                        self.parent_map[newChild[0]] = currElement
                        currElement.insert(pos, newChild[0])
                if len(child) and made is None:
                    self.parent_map[child] = currElement
                    stack.append((child, self.ancestors[:]))
            for element, lst in insertQueue:
                for i, obj in enumerate(lst):
                    element.insert(i, obj[0])
        # As 3.11.4 does: the per-run maps would otherwise hold the document's elements until the next one.
        self.parent_map = {}
        self.stashed_nodes = {}
        return tree

    def _made_directly(self, data: str) -> tuple[str, list[tuple[str, str]]] | None:
        """(text before the first <em>, [(an <em>'s text, the text after it)]) for a text that no pattern
        but em/strong can act on, and in which every '*' opens or closes a plain emphasis that
        FastDelimiterProcessor makes itself; None for any other text."""
        blockers = self._blockers
        if blockers is None or any(text in data for text in blockers):
            return None
        star = data.find("*")
        if star < 0:
            return data, []
        em = self._em
        # The stand-in makes an <em> itself only with nothing pending (as after each of its own).
        if em is None or not em.nothing_pending():
            return None
        boundary, head, ems = em.delimiters["*"].boundary, data[:star], []
        while star >= 0:
            opening = boundary.match(data, star)
            if opening is None or opening.lastgroup != "start" or opening.end() != star + 1:
                return None
            closing = em._closing_star(data, star + 1)
            if closing is None or "*" in data[star + 1:closing]:
                return None
            after = data.find("*", closing + 1)
            ems.append((data[star + 1:closing], data[closing + 1:after if after >= 0 else len(data)]))
            star = after
        return head, ems

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
    """Stock run(), each step done only on text that it changes; the same lines.

    Most articles have no STX, ETX, CR or tab, so nothing for the replaces and expandtabs (each a copy of
    the text). The blank-line regex `(?<=\\n) +\\n` tests its look-behind at every position (about 55 µs on
    a 5 kB article) and needs a newline, spaces and a newline: in the text, or at its end once stock has
    appended "\\n\\n" (the text ends with a space). Without one, appending "\\n\\n" and splitting is splitting
    and appending two empty lines."""

    def run(self, lines: list[str]) -> list[str]:
        source = '\n'.join(lines)
        if util.STX in source or util.ETX in source:
            source = source.replace(util.STX, "").replace(util.ETX, "")
        if "\r" in source:
            source = source.replace("\r\n", "\n").replace("\r", "\n")
        if "\t" in source:
            source = source.expandtabs(self.md.tab_length)
        if _SPACES_LINE.search(source) or source.endswith(" "):
            return re.sub(r'(?<=\n) +\n', '\n', source + "\n\n").split('\n')
        lines = source.split('\n')
        lines += ("", "")
        return lines


# A line of spaces between two newlines: what the blank-line regex above needs (a literal-led search, fast).
_SPACES_LINE = re.compile(r"\n +\n")


class _SkipWithout:
    """For a preprocessor whose stock run() returns the text re-split, unchanged, when the text holds
    none of NEEDS: on such text, do just that."""

    NEEDS: tuple[str, ...] = ()

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        # A one-character search first: much faster than one for several characters.
        if not any(need[0] in text and need in text for need in self.NEEDS):
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


class FastPrettifyTreeprocessor(treeprocessors.PrettifyTreeprocessor):
    """Stock run(), copied, with md.is_block_level(tag) asked once per tag of the tree, not once per element
    and child (it lowercases the tag and scans the list of some 60 block-level names each time). Only while
    md's is_block_level is the stock method, which depends on nothing but the tag and that list."""

    def run(self, root) -> None:
        md = self.md
        if type(md).is_block_level is not Markdown.is_block_level or "is_block_level" in vars(md):
            return super().run(root)
        try:
            block = {tag: md.is_block_level(tag) for tag in {elem.tag for elem in root.iter()}}
        except TypeError:  # a tag that cannot be a dict key
            return super().run(root)
        _prettify(root, block)
        # The rest as stock.
        brs = root.iter('br')
        for br in brs:
            if not br.tail or not br.tail.strip():
                br.tail = '\n'
            else:
                br.tail = '\n%s' % br.tail
        pres = root.iter('pre')
        for pre in pres:
            if len(pre) and pre[0].tag == 'code':
                code = pre[0]
                if not len(code) and code.text is not None:
                    code.text = util.AtomicString(code.text.rstrip() + '\n')


def _prettify(elem, block: dict) -> None:
    """PrettifyTreeprocessor._prettifyETree, with block[tag] for md.is_block_level(tag); recursive as stock."""
    i = "\n"
    if block[elem.tag] and elem.tag not in ['code', 'pre']:
        if (not elem.text or not elem.text.strip()) \
                and len(elem) and block[elem[0].tag]:
            elem.text = i
        for e in elem:
            if block[e.tag]:
                _prettify(e, block)
    if not elem.tail or not elem.tail.strip():
        elem.tail = i


class FastUnescapeTreeprocessor(treeprocessors.UnescapeTreeprocessor):
    """Stock run(), copied, but the regex (STX, digits, ETX) only runs on a string that holds an STX: on an
    exact str without one, its sub() returns an equal str, and setting an attribute to its value changes
    nothing. (A str subclass, such as AtomicString, still goes through it: sub() returns a plain str.)"""

    def run(self, root) -> None:
        stx = util.STX
        for elem in root.iter():
            text = elem.text
            if text and not elem.tag == 'code' and (stx in text or type(text) is not str):
                elem.text = self.unescape(text)
            tail = elem.tail
            if tail and (stx in tail or type(tail) is not str):
                elem.tail = self.unescape(tail)
            for key, value in elem.items():
                if type(value) is str:
                    if stx in value:
                        elem.set(key, self.unescape(value))
                elif value is not None or _UNESCAPE_NONE:
                    elem.set(key, self.unescape(value))


# 3.11.1 and 3.11.2 hand a valueless (None) attribute to the regex too, a TypeError; 3.11.3 leaves it.
_UNESCAPE_NONE = markdown.__version__ in ("3.11.1", "3.11.2")


class FastDelimiterProcessor(ip.DelimiterProcessor):
    """The `em_strong` pattern, with the commonest case made directly: `*word or words*`.

    Stock pairs delimiters through stacks, a region cache and a character-by-character search of the
    rest of the text, for every emphasis (a fifth of a typical article's rendering). Here a single '*'
    that can only open (its own boundary regex says "start"), whose first later delimiter that stock's
    search would stop at is a single '*' that can close ("end", or "ambiguous" as before punctuation),
    with nothing pending, is made an <em> of the text between them, as stock's pairing makes it (one
    region, then a reset). Anything else goes to stock. Installed by swapping the class of the stock
    instance, which Markdown also holds as md.delimiters, and only on the release it was read against
    (EM_VERIFIED)."""

    def handleMatch(self, m, data):  # noqa: N802 - the stock name
        start = m.start(0)
        if data[start] != "*" or not self.nothing_pending():
            return super().handleMatch(m, data)
        star = self.delimiters["*"]
        opening = star.boundary.match(data, start)
        if opening is None or opening.lastgroup != "start" or opening.end() != start + 1:
            return super().handleMatch(m, data)
        closing = self._closing_star(data, start + 1)
        if closing is None:
            return super().handleMatch(m, data)
        element = ip.etree.Element(star.tags[1])
        element.text = data[start + 1:closing]
        return element, start, closing + 1

    def nothing_pending(self) -> bool:
        """No region, stacked delimiter or (3.11.4) cached element or rest of a closing run is waiting:
        the state stock starts a text in and leaves after its last element."""
        return not (self.regions or self.stack or getattr(self, "cache", None) or getattr(self, "remainder", None)
                    or any(d.stack for d in self.delimiters.values()))

    def _closing_star(self, data: str, position: int) -> int | None:
        """Where the closing '*' is when the delimiter stock's search would return next is one '*' that
        can close; None for anything else. Stock's search, with only the '*' opener pending: it passes
        characters no boundary matches and a '_' that can only close; it stops at the others."""
        star, under = data.find("*", position), data.find("_", position)
        while star >= 0 or under >= 0:
            at = star if under < 0 or 0 <= star < under else under
            match = self.delimiters[data[at]].boundary.match(data, at)
            if match is None or (data[at] == "_" and match.lastgroup[0] == "e"):
                # Only the one passed is looked for again: each character is looked at once.
                if at == star:
                    star = data.find("*", at + 1)
                else:
                    under = data.find("_", at + 1)
                continue
            # One '*' that closes; if it could also open ("ambiguous", before punctuation), stock closes
            # with it all the same, the opener being pending and as long.
            if data[at] == "*" and match.lastgroup in ("end", "ambiguous") and match.end() == at + 1:
                return at
            return None
        return None


class _PostSkipWithout:
    """For a postprocessor whose stock run() only replaces strings each of which holds NEEDS: text without
    it comes back as it is."""

    NEEDS = util.STX

    def run(self, text: str) -> str:
        if self.NEEDS not in text:
            return text
        return super().run(text)


class FastFootnotePostprocessor(_PostSkipWithout, footnotes.FootnotePostprocessor):
    """Replaces FN_BACKLINK_TEXT and NBSP_PLACEHOLDER, both of which start with STX."""


class FastAndSubstitutePostprocessor(_PostSkipWithout, postprocessors.AndSubstitutePostprocessor):
    """Replaces AMP_SUBSTITUTE, which starts with STX."""


# --- The block stage --------------------------------------------------------------------------------------
# For each block, the stock BlockParser.parseBlocks calls test() (and for some, run()) of every block
# processor in priority order until one takes it: about 15 tries for a plain paragraph, several of them a
# regex search of the whole block, a table row split, or a run() that pops the block, searches it and puts it
# back. Each processor below, known by exact class, its regexes and a tab length of 4, can take a block only
# where the block starts its lines with certain characters (derived from its test(), and for those whose
# test() is always True, from the match that their run() needs before it returns anything but False).


class Needs(NamedTuple):
    """What a block must have for a block processor to take it (a necessary condition, not a sufficient
    one). None: no condition. Character sets hold single characters, "" for "nothing" (an empty block, or
    no second line), and DIGIT for every character `\\d` matches (str.isdecimal)."""

    first: frozenset[str] | None = None   # block[:1]
    lead: frozenset[str] | None = None    # the first line's character after at most three spaces
    line: frozenset[str] | None = None    # that character on some line (the first, or one after a "\n")
    second: frozenset[str] | None = None  # the second line's first character
    pipe: bool = False                    # two lines or more, and a '|'

    def allow(self, first: str, lead: str, starts: frozenset[str], second: str, pipe: bool) -> bool:
        if self.first is not None and not _one_of(first, self.first):
            return False
        if self.lead is not None and not _one_of(lead, self.lead):
            return False
        if self.line is not None and not any(_one_of(char, self.line) for char in starts):
            return False
        if self.second is not None and not _one_of(second, self.second):
            return False
        return pipe or not self.pipe


DIGIT = "\\d"


def _one_of(char: str, chars: frozenset[str]) -> bool:
    return char in chars or (DIGIT in chars and char.isdecimal())


# The character after at most three spaces at the start of each line (a 4th space where there are more).
LINE_START = re.compile(r'^[ ]{0,3}(.)', re.MULTILINE)

# The regexes, as Python-Markdown 3.11.x compiles them (pattern, flags), that the conditions below were read
# off: a processor whose regex differs is unknown here, so always tried.
U, MU = re.UNICODE, re.MULTILINE | re.UNICODE
HASH_HEADER_RE = r'(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)'
HASH_HEADER_RE_3_11_2 = r'(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\])*?)#*(?:\n|$)'  # 3.11.1, 3.11.2
SETEXT_HEADER_RE = r'^.*?\n(?:=+|-+)[ ]*(\n|$)'
HR_RE = (r'^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))'
         r'(?P=atomicgroup)[ ]*$')
OLIST_RE = r'^[ ]{0,3}\d+\.[ ]+(.*)'
ULIST_RE = r'^[ ]{0,3}[*+-][ ]+(.*)'
DEFLIST_RE = r'(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)'
QUOTE_RE = r'(^|\n)[ ]{0,3}>[ ]?(.*)'
FOOTNOTE_DEF_RE = r'^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$'
ABBR_DEF_RE = r'^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$'
ABBR_DEF_RE_3_11_4 = r'^[*]\[(?P<abbr>[^\\\n]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$'
REFERENCE_RE = r'^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$'
TABLE_CODE_PIPES_RE = r'(?:(\\\\)|(\\`+)|(`+)|(\\\|)|(\|))'
TABLE_END_BORDER_RE = r'(?<!\\)(?:\\\\)*\|$'
HTML_PLACEHOLDER_RE = '\x02wzxhzdk:([0-9]+)\x03'

_Regexes = dict[Any, frozenset[tuple[str, int]]]


def _known(needs: Needs, *regexes: tuple[Any, str, int]) -> tuple[Needs, _Regexes]:
    """needs, and for each regex the processor uses (the name of its attribute, or a function that returns
    it), the (pattern, flags) it may have."""
    accepted: _Regexes = {}
    for where, pattern, flags in regexes:
        accepted[where] = accepted.get(where, frozenset()) | {(pattern, flags)}
    return needs, accepted


KNOWN_BLOCK_PROCESSORS: dict[type, tuple[Needs, _Regexes]] = {
    # test() is True; run() goes on only where the block starts with an HTML placeholder (STX...).
    md_in_html.MarkdownInHtmlProcessor: _known(
        Needs(first=frozenset("\x02")), (lambda: util.HTML_PLACEHOLDER_RE, HTML_PLACEHOLDER_RE, U)),
    # test(): not block or block.startswith('\n')
    blockprocessors.EmptyBlockProcessor: _known(Needs(first=frozenset({"", "\n"}))),
    # test(): block.startswith(' ' * tab_length) and more
    blockprocessors.ListIndentProcessor: _known(Needs(first=frozenset(" "))),
    def_list.DefListIndentProcessor: _known(Needs(first=frozenset(" "))),
    blockprocessors.CodeBlockProcessor: _known(Needs(first=frozenset(" "))),
    # test() splits the block in lines: one line is no table; a first line without '|' splits into one cell
    # and has no border (both regexes need a '|'), so is no table either.
    tables.TableProcessor: _known(
        Needs(pipe=True), ("RE_CODE_PIPES", TABLE_CODE_PIPES_RE, U), ("RE_END_BORDER", TABLE_END_BORDER_RE, U)),
    blockprocessors.HashHeaderProcessor: _known(
        Needs(line=frozenset("#")), ("RE", HASH_HEADER_RE, U), ("RE", HASH_HEADER_RE_3_11_2, U)),
    # match() at 0: '.' stops at the first "\n", which '=' or '-' must follow.
    blockprocessors.SetextHeaderProcessor: _known(Needs(second=frozenset("=-")), ("RE", SETEXT_HEADER_RE, MU)),
    blockprocessors.HRProcessor: _known(Needs(line=frozenset("-_*")), ("SEARCH_RE", HR_RE, MU)),
    # match() at 0
    blockprocessors.OListProcessor: _known(Needs(lead=frozenset({DIGIT})), ("RE", OLIST_RE, U)),
    sane_lists.SaneOListProcessor: _known(Needs(lead=frozenset({DIGIT})), ("RE", OLIST_RE, U)),
    blockprocessors.UListProcessor: _known(Needs(lead=frozenset("*+-")), ("RE", ULIST_RE, U)),
    sane_lists.SaneUListProcessor: _known(Needs(lead=frozenset("*+-")), ("RE", ULIST_RE, U)),
    def_list.DefListProcessor: _known(Needs(line=frozenset(":")), ("RE", DEFLIST_RE, U)),
    blockprocessors.BlockQuoteProcessor: _known(Needs(line=frozenset(">")), ("RE", QUOTE_RE, U)),
    # test() is True; run() returns False, the block put back, where its regex finds nothing.
    footnotes.FootnoteBlockProcessor: _known(Needs(line=frozenset("[")), ("RE", FOOTNOTE_DEF_RE, MU)),
    abbr.AbbrBlockprocessor: _known(Needs(line=frozenset("*")), ("RE", ABBR_DEF_RE, MU),
                                    ("RE", ABBR_DEF_RE_3_11_4, MU)),
    blockprocessors.ReferenceProcessor: _known(Needs(line=frozenset("[")), ("RE", REFERENCE_RE, MU)),
    # Takes every block.
    blockprocessors.ParagraphProcessor: _known(Needs()),
}


def block_needs(processor: object) -> Needs | None:
    """What a block needs for this block processor to take it, or None: always try it. Known only by exact
    class, regexes and a tab length of 4."""
    known = KNOWN_BLOCK_PROCESSORS.get(type(processor))
    if known is None or getattr(processor, "tab_length", None) != 4:
        return None
    needs, regexes = known
    for where, accepted in regexes.items():
        regex = getattr(processor, where, None) if isinstance(where, str) else where()
        if (getattr(regex, "pattern", None), getattr(regex, "flags", None)) not in accepted:
            return None
    return needs


class FastBlockParser(blockparser.BlockParser):
    """The stock block parser, whose loop skips the block processors that cannot take a block.

    Skipping a processor is what the stock loop does after its test() is False, or its run() returns False
    with the blocks as they were: go on to the next one. The processors come from a plain list taken once per
    parseBlocks() call (stock: once per block), checked against the Registry then; the ones to try for a block
    of one line depend only on its first characters, so are kept by those.
    """

    _processors: list | None = None

    def _snapshot(self, processors: list) -> None:
        self._processors = processors
        self._needs = [block_needs(p) for p in processors]
        self._chosen: dict[tuple, list[tuple[int, Any]]] = {}

    def _candidates(self, block: str) -> list[tuple[int, Any]]:
        """(position, processor) of the processors that may take this block, in order; kept by what they
        were chosen on: for a block of one line, its first character and the one after up to 3 spaces."""
        first = block[:1]
        if first == " ":
            match = LINE_START.match(block)
            lead = match.group(1) if match else ""
        else:
            lead = first
        if "\n" not in block:
            key: tuple = (first, lead)
            chosen = self._chosen.get(key)
            if chosen is None:
                chosen = self._choose(key, first, lead, frozenset((lead,)), "", False)
            return chosen
        cut = block.index("\n")
        starts, second, pipe = frozenset(LINE_START.findall(block)), block[cut + 1:cut + 2], "|" in block
        key = (first, lead, starts, second, pipe)
        chosen = self._chosen.get(key)
        if chosen is None:
            chosen = self._choose(key, first, lead, starts, second, pipe)
        return chosen

    def _choose(self, key: tuple, *block_facts) -> list[tuple[int, Any]]:
        if len(self._chosen) >= 1000:
            self._chosen.clear()
        chosen = self._chosen[key] = [(i, p) for i, (p, needs) in enumerate(zip(self._processors, self._needs))
                                      if needs is None or needs.allow(*block_facts)]
        return chosen

    def parseBlocks(self, parent, blocks: list[str]) -> None:
        processors = list(self.blockprocessors)
        if processors != self._processors:
            self._snapshot(processors)
        while blocks:
            block = blocks[0]
            processors = self._processors  # what the candidates are chosen from (a nested call may take another)
            for position, processor in self._candidates(block):
                if processor.test(parent, block):
                    if processor.run(parent, blocks) is not False:
                        break
                    if not blocks or blocks[0] is not block:
                        # A processor gave up after changing the blocks: go on as stock, with every one after it.
                        for processor in processors[position + 1:]:
                            if processor.test(parent, blocks[0]):
                                if processor.run(parent, blocks) is not False:
                                    break
                        break


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
    ("treeprocessors", "prettify", treeprocessors.PrettifyTreeprocessor, FastPrettifyTreeprocessor,
     lambda md, old: FastPrettifyTreeprocessor(md)),
    ("treeprocessors", "unescape", treeprocessors.UnescapeTreeprocessor, FastUnescapeTreeprocessor,
     lambda md, old: FastUnescapeTreeprocessor(md) if old.RE.pattern == UNESCAPE_RE else None),
    ("postprocessors", "footnote", footnotes.FootnotePostprocessor, FastFootnotePostprocessor,
     lambda md, old: FastFootnotePostprocessor(old.footnotes)
     if _all_hold(util.STX, footnotes.FN_BACKLINK_TEXT, footnotes.NBSP_PLACEHOLDER) else None),
    ("postprocessors", "amp_substitute", postprocessors.AndSubstitutePostprocessor, FastAndSubstitutePostprocessor,
     lambda md, old: FastAndSubstitutePostprocessor(md) if _all_hold(util.STX, util.AMP_SUBSTITUTE) else None),
)
UNESCAPE_RE = '\x02(\\d+)\x03'


def _all_hold(needle: str, *placeholders: str) -> bool:
    return all(needle in placeholder for placeholder in placeholders)


# The stock private methods FastInlineProcessor relies on.
_PRIVATE = ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern", "_InlineProcessor__processPlaceholders",
            "_InlineProcessor__build_ancestors")


# The stand-in matches what the stock class matches (a snapshot taken after install() must know it).
KNOWN_TRIGGERS[FastDelimiterProcessor, EM_STRONG_RE] = ("*", "_")

# FastDelimiterProcessor was read against these releases' DelimiterProcessor and Delimiter (the earlier
# 3.11 releases pair delimiters otherwise; 3.11.4 caches the elements it pairs, which the shortcut waits out).
EM_VERIFIED = frozenset({"3.11.3", "3.11.4"})


def _stock_em_delimiters(em: Any) -> bool:
    """The delimiters as Markdown's core sets them up: '*' and '_', each for strong and em, one or two."""
    return set(em.delimiters) == {"*", "_"} and all(
        d.tags == ("strong", "em") and d.tag_count == 2 and not d.double for d in em.delimiters.values())


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
        made = make(md, registry[name])
        if made is None:
            continue  # what the stand-in relies on is not as it was read: keep stock
        registry.register(made, name, priority)
        replaced.append(name)
    # em/strong: Markdown holds the instance as md.delimiters too, so it stays the same object, of the subclass.
    em = md.inlinePatterns["em_strong"] if "em_strong" in md.inlinePatterns else None
    if markdown.__version__ in EM_VERIFIED and type(em) is ip.DelimiterProcessor and _stock_em_delimiters(em):
        em.__class__ = FastDelimiterProcessor
        replaced.append("em_strong")
    # The block parser: block processors hold it (self.parser), so it stays the same object, of the subclass.
    if type(md.parser) is blockparser.BlockParser:
        md.parser.__class__ = FastBlockParser
        replaced.append("parser")
    return replaced
