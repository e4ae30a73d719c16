"""Plain prose made into HTML directly: the HTML Python-Markdown gives it, in a fraction of the time.

Most news bodies are plain prose: paragraphs, quoted paragraphs ("> ..."), a list of points ("- ..."),
an *emphasised* word, a [link](https://...), an ampersand, curly quotes and dashes. Python-Markdown
builds a tree for such a text, tries its block and inline processors on it and serialises the tree:
about a third of a millisecond an article even with sitegen/fastmarkdown.py's stand-ins, a quarter of a
cold build's work. make_prose() makes the same HTML with a few string operations, for texts that are
plain prose by rules stricter than Markdown's own (below), and returns None for any other text, which
then goes to Python-Markdown. It is a shortcut, not a second Markdown: tests/test_prose.py holds it,
byte for byte, to stock Python-Markdown with sitegen's extensions on the repository's articles,
generated bodies and text drawn from Markdown's punctuation, and it is used only on the Markdown
release it was checked against.

A text is plain prose when:
- outside its links, it has none of the characters that start other Markdown or HTML syntax ('\\',
  '`', '<', '[', ']', '_', '{', '}', '|', '~', '!' before a link, '&#' without a complete reference), no
  tab or carriage return, and no line that starts or ends with white space (a code block, a line
  break, a blank line of spaces);
- each block (the lines between blank lines) is a paragraph, a quote whose every line starts with
  "> ", or a list whose every line starts with "- " (one point a line), and a list does not follow
  a list (that would be one loose list);
- no line of a paragraph, and no quoted line or point once its marker is taken off, starts with a
  character that can open a block: '#', '>', '-', '+', '=', ':', a '*' not followed by a letter or
  digit, or a number followed by '.' or ')' and then a space or the line's end;
- a link is [text](address): text without brackets, not starting or ending with a space; an address
  of URL characters without quotes, parentheses or '*';
- every '*' is one of a pair around a phrase that starts and ends with a letter or a digit, with white
  space, an opening quote or bracket (or the line's start) before it and white space, punctuation or
  the line's end after it: what Markdown makes an <em> of.
"""
from __future__ import annotations

import re

import markdown

# The Markdown release tests/test_prose.py compares make_prose() with (the one pinned in pyproject.toml).
VERIFIED_VERSIONS = frozenset({"3.11.3", "3.11.4"})
ENABLED = markdown.__version__ in VERIFIED_VERSIONS

_LINK_MARK = "\x01"  # where a link was; xml_text drops the character from every body, and make_prose refuses it
# A literal first, and the checks that would need a look-behind made on the match: the regex engine
# then skips ahead to the candidates (a look-behind first made these searches four to eight times slower).
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([\w\-.~:/?#@!$&+,;=%]+)\)")
# White space that is text within a line (a no-break space: "10\u00a0km"). At a line's start or end
# Markdown strips it in some places and not in others: such texts are left to it, as are texts with other
# white space (tabs, carriage returns, line and paragraph separators).
_MID_LINE_SPACES = frozenset("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
                             "\u205f\u3000")
_NOT_PROSE_SPACES = "".join(char for char in map(chr, range(0x3001))
                            if char.isspace() and char not in _MID_LINE_SPACES and char not in " \n")
# One character class, so one fast scan for the usual text, which has none of them.
_SYNTAX = re.compile("[%s]" % re.escape("\\`<[]_{}|~\x02\x03" + _NOT_PROSE_SPACES + "".join(_MID_LINE_SPACES)))
_OPENS_BLOCK = re.compile(r"\n(?:\s|[#>+=:-]|\*(?![^\W_])|\d+[.)](?!\S))")  # in "\n" + a block
_EM = re.compile(r"\*([^\W_](?:[^*\n]*[^\W_])?)\*(?=[\s.,;:!?)”’\"']|\Z)")
_BEFORE_EM = frozenset("(“‘\"'")  # or white space, or nothing
# An '&' that does not start an entity: what Python-Markdown's serialiser escapes, its entity pattern keeps.
_AMPERSAND = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.I)
# A numeric reference without its ';' ("&#35 "): Markdown's HTML preprocessor (html.parser) completes it
# to "&#35;" rather than escaping the '&'. Such texts are left to it.
_OPEN_NUMERIC_REFERENCE = re.compile(r"&#(?!(?:[0-9]+|x[0-9a-f]+);)", re.I)


def _unusual_syntax(text: str) -> bool:
    """Whether text has a character of other syntax, or a line that starts or ends with white space."""
    if text[:1] == " " or text[-1:] == " " or "\n " in text or " \n" in text:
        return True
    found = _SYNTAX.search(text)
    while found is not None:
        at = found.start()
        if text[at] not in _MID_LINE_SPACES or at == 0 or text[at - 1] == "\n" or text[at + 1:at + 2] in ("\n", ""):
            return True
        found = _SYNTAX.search(text, at + 1)
    return False


def make_prose(text: str) -> str | None:
    """The HTML Python-Markdown (extra, sane_lists) makes of text, when text is plain prose; else None."""
    if not ENABLED or _LINK_MARK in text or ("&#" in text and _OPEN_NUMERIC_REFERENCE.search(text)):
        return None
    links: list[str | None] = []
    if "](" in text:
        text = _LINK.sub(lambda match: _link(match, links), text)
        if None in links:
            return None
    if _unusual_syntax(text):
        return None
    parts: list[str] = []
    last = ""  # the kind of the block before: a quote right after a quote goes into the same <blockquote>
    for block in text.strip("\n").split("\n\n"):
        block = block.lstrip("\n")  # after three line breaks or more
        if not block:
            continue
        kind = block[:1]
        if kind == ">" or kind == "-":
            lines = block.split("\n")
            marker = kind + " "
            if not all(line.startswith(marker) for line in lines):
                return None
            inner = [line[2:] for line in lines]
            if _OPENS_BLOCK.search("\n" + "\n".join(inner)):
                return None
        elif _OPENS_BLOCK.search("\n" + block):
            return None
        if last == ">" and kind != ">":
            parts.append("</blockquote>")
        if kind == ">":
            if last != ">":
                parts.append("<blockquote>")
            quoted = "\n".join(inner)
            parts.append(f"<p>{_inline(quoted)}</p>")
        elif kind == "-":
            if last == "-":  # the two would be one loose list, each point a paragraph
                return None
            parts += ["<ul>", *(f"<li>{_inline(point)}</li>" for point in inner), "</ul>"]
        else:
            parts.append(f"<p>{_inline(block)}</p>")
        last = kind
    if last == ">":
        parts.append("</blockquote>")
    html = "\n".join(parts)
    if "*" in html:  # a '*' that is not part of a plain emphasis
        return None
    if links:
        made = iter(links)
        html = re.sub(_LINK_MARK, lambda _: next(made), html)
    return html


def _link(match: re.Match, links: list) -> str:
    """The link's HTML kept aside (None when its text is not plain prose), and a mark in its place."""
    text, address = match.group(1), match.group(2)
    if match.start() and match.string[match.start() - 1] == "!":  # an image
        links.append(None)
        return _LINK_MARK
    made = None if _unusual_syntax(text) else _inline(text)  # which refuses a space at either end too
    links.append(None if made is None or "*" in made else f'<a href="{_AMPERSAND.sub("&amp;", address)}">{made}</a>')
    return _LINK_MARK


def _inline(text: str) -> str:
    """Text with its escapes and emphasis (a '*' left over makes the whole text Markdown's to render)."""
    if "&" in text:
        text = _AMPERSAND.sub("&amp;", text)
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "*" in text:
        text = _EM.sub(_em, text)
    return text


def _em(match: re.Match) -> str:
    start = match.start()
    if start and not (match.string[start - 1].isspace() or match.string[start - 1] in _BEFORE_EM):
        return match.group()  # a '*' within a word: left, and the text left to Markdown
    return f"<em>{match.group(1)}</em>"
