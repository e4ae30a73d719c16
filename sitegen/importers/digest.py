"""Digest text -> Drafts.

The format, as newsrooms publish it: each article starts with a line 'Posted on … Leave a comment'
(between the two, optionally, a date and 'by AUTHOR'); the first non-empty line after it is the
headline; then paragraphs separated by blank lines; the outlet in brackets at the very end of the
last paragraph: '… from attacking again. (AlJazeera)', or several: '(AFP/Reuters)'.

Digest text is plain text: it is escaped for Markdown (see mdtext), except that lines starting with
a bullet or a number become list items, because that is what they are in a digest.
"""
from __future__ import annotations

import re

from sitegen.config import Config
from sitegen.content import decode_text
from sitegen.errors import Problem, SiteError
from sitegen.importers.dates import parse_day_or_moment
from sitegen.importers.draft import Draft, Harvest, clean_line
from sitegen.importers.mdtext import escape_text

SEPARATOR = re.compile(r"^\s*Posted on\b(?P<middle>.*?)\bLeave a comment\s*$", re.I)
SEPARATOR_HINT = "articles start with a line like 'Posted on January 12, 2026 by newsdesk Leave a comment'"
HEADLINE_MAX = 200  # longer than any headline: such a line is a paragraph and the headline is missing
_BYLINE = re.compile(r"(?P<date>.*?)(?:\bby\s+(?P<author>.+))?", re.I)
_PUNCTUATION = " \t,;:|·•-–—"
# The credit must follow the end of a sentence (or stand alone), so that a paragraph ending in
# '… the Shanghai Cooperation Organisation (SCO)' keeps its bracket.
_ATTRIBUTION = re.compile(r"(?:^|(?<=[.!?…\"”’')\]]))\s*\((?P<names>[^()\n]{1,120})\)\s*$")
_NAME_SPLIT = re.compile(r"\s*(?:/|,|;|\s&\s|\sand\s)\s*")
_OUTLET = re.compile(r"\w[\w.'’&+-]*(?: [\w.'’&+-]+){0,4}")
_BULLET = re.compile(r"(?:[-*+•◦‣▪·]|(?P<number>\d{1,3})[.)])\s+(?P<text>.*)")

Block = tuple[int, list[str]]  # (0-based index of its first line, its lines stripped)


def read_digest(name: str, raw: bytes, config: Config) -> Harvest:
    """The bytes of a digest file -> its articles; SiteError naming the file and line otherwise."""
    text, problem = decode_text(name, raw)
    if problem:
        raise SiteError([problem])
    return parse_digest(name, text, config)


def parse_digest(name: str, text: str, config: Config) -> Harvest:
    """Every article of a digest, or every problem found in it at once."""
    lines = text.replace("\ufeff", "").split("\n")  # a BOM mid-file, left by concatenating digests
    starts = [i for i, line in enumerate(lines) if SEPARATOR.match(line)]
    if not starts:
        raise SiteError([Problem(name, 1, "no articles found", SEPARATOR_HINT)])
    drafts, problems, warnings = [], [], []
    preamble = next((i for i in range(starts[0]) if lines[i].strip()), None)
    if preamble is not None:
        warnings.append(Problem(name, preamble + 1, "text before the first 'Posted on' line belongs to no "
                                                     "article; left out"))
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        try:
            draft, warning = _article(name, lines, start, end, config)
        except SiteError as exc:
            problems.extend(exc.problems)
            continue
        drafts.append(draft)
        warnings.extend([warning] if warning else [])
    if problems:
        raise SiteError(problems)
    return Harvest(tuple(drafts), tuple(warnings))


def _article(name: str, lines: list[str], start: int, end: int, config: Config) -> tuple[Draft, Problem | None]:
    date, author = _byline(name, start, lines[start], config)
    blocks = _blocks(lines, start + 1, end)
    if not blocks:
        raise SiteError([Problem(name, start + 1, "article has no headline: nothing follows this 'Posted on' line")])
    (head_at, head_lines), *paragraphs = blocks
    headline = head_lines[0]
    if len(headline) > HEADLINE_MAX:
        raise SiteError([Problem(name, head_at + 1, f"article has no headline: this line is {len(headline)} "
                                                     "characters long, a paragraph rather than a headline",
                                 "put the headline on its own line after the 'Posted on' line")])
    if len(head_lines) > 1:  # text right under the headline, without a blank line: the first paragraph
        paragraphs.insert(0, (head_at + 1, head_lines[1:]))
    paragraphs, sources = _take_attribution(paragraphs, config)
    if not paragraphs:
        raise SiteError([Problem(name, head_at + 1, f"article '{headline}' has no text under its headline")])
    warning = None if sources else Problem(name, _last_line(paragraphs) + 1, "no outlet in brackets at the end "
                                                                            "of the article; source left empty")
    body = "\n\n".join(_paragraph_markdown(block) for _, block in paragraphs)
    return Draft(title=clean_line(headline), body=body, origin=f"{name}:{head_at + 1}", date=date,
                 author=author, sources=sources), warning


def _byline(name: str, index: int, line: str, config: Config):
    """The date and author a 'Posted on DATE by AUTHOR Leave a comment' line gives, if any."""
    middle = SEPARATOR.match(line)["middle"].strip(_PUNCTUATION)
    parts = _BYLINE.fullmatch(middle)
    date_text = parts["date"].strip(_PUNCTUATION)
    author = clean_line(parts["author"] or "").strip(_PUNCTUATION) or None
    if author and config.author and author.casefold() == config.author.casefold():
        author = config.author  # 'newsdesk' in the digest, 'Newsdesk' in site.yaml
    if not date_text:
        return None, author
    try:
        return parse_day_or_moment(date_text, config), author
    except ValueError as exc:
        raise SiteError([Problem(name, index + 1, f"cannot read the date of this 'Posted on' line: {exc}",
                                 "write it like January 12, 2026")]) from None


def _blocks(lines: list[str], start: int, end: int) -> list[Block]:
    """Runs of non-blank lines between start and end."""
    blocks: list[Block] = []
    previous_blank = True
    for index in range(start, end):
        text = lines[index].strip()
        if text and previous_blank:
            blocks.append((index, [text]))
        elif text:
            blocks[-1][1].append(text)
        previous_blank = not text
    return blocks


def _take_attribution(paragraphs: list[Block], config: Config) -> tuple[list[Block], tuple[str, ...]]:
    """Remove the bracketed credit that ends the last paragraph; the outlets it names, as configured."""
    if not paragraphs:
        return paragraphs, ()
    at, last = paragraphs[-1]
    match = _ATTRIBUTION.search(last[-1])
    names = _outlet_names(match["names"]) if match else ()
    if not names:
        return paragraphs, ()
    rest = last[-1][:match.start()].rstrip()
    kept = last[:-1] + ([rest] if rest else [])
    outlets = tuple(dict.fromkeys(config.canonical_source(n) for n in names))
    return paragraphs[:-1] + ([(at, kept)] if kept else []), outlets


def _outlet_names(text: str) -> tuple[str, ...]:
    """'AFP/Reuters' -> ('AFP', 'Reuters'); () when the bracket does not read as a list of outlet names."""
    names = tuple(n for n in _NAME_SPLIT.split(text.strip()) if n)
    ok = names and all(_OUTLET.fullmatch(n) and any(c.isalpha() for c in n) for n in names)
    return names if ok else ()


def _last_line(paragraphs: list[Block]) -> int:
    at, lines = paragraphs[-1]
    return at + len(lines) - 1


def _paragraph_markdown(lines: list[str]) -> str:
    """One paragraph of digest text as Markdown; bullet and numbered lines become a list."""
    out: list[str] = []
    in_list = False
    for line in lines:
        bullet = _BULLET.fullmatch(line)
        if bullet:
            if out and not in_list:
                out.append("")  # Python-Markdown starts a list only after a blank line
            marker = f"{bullet['number']}." if bullet["number"] else "-"
            out.append(f"{marker} {escape_text(bullet['text'])}")
            in_list = True
        else:
            out.append(("    " if in_list else "") + escape_text(line))
    return "\n".join(out)
