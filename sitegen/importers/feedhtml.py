"""Third-party HTML from feeds -> safe, readable Markdown; and plain text for titles, names and tags.

Three steps, because sanitised HTML is not yet safe Markdown:
1. nh3 keeps an allowlist of tags and attributes, http(s)/mailto URLs only, relative URLs resolved
   against the feed; URLs are percent-encoded so that a ')' or '<' in one cannot end a Markdown link
   and start raw HTML.
2. markdownify writes Markdown, with every text node escaped by mdtext (its own escaping leaves
   `<` raw for Python-Markdown) and code blocks indented (a fence could be closed by the code).
3. The Markdown is rendered as a build renders it and checked; if anything dangerous came out anyway,
   the article gets the plain text instead. The first two steps should make this never happen.
"""
from __future__ import annotations

import html
import re
from urllib.parse import quote

import nh3
from markdownify import MarkdownConverter

from sitegen.htmlscan import risky_markup, start_tags, url_scheme
from sitegen.importers.draft import clean_line
from sitegen.importers.mdtext import escape_text
from sitegen.markup import MarkupError, render_markdown

TAGS = {"p", "br", "hr", "a", "strong", "b", "em", "i", "u", "s", "del", "sub", "sup", "small", "mark", "abbr",
        "blockquote", "q", "cite", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
        "code", "img", "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "span", "div", "section", "article"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
URL_SCHEMES = {"http", "https", "mailto"}
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
                        "textarea", "select", "button", "form", "title"}
_URL_SAFE = ":/?#@!$&'*+,;=%~"  # reserved characters that may stay; ()<>"` and spaces are encoded
_BLOCKS = {"p", "br", "div", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"}


def sanitise_html(fragment: str, base_url: str | None = None) -> str:
    """An allowlisted copy of fragment: no scripts, event handlers, iframes, forms or non-http(s) URLs."""
    relative = ("rewrite_with_base", base_url) if base_url and url_scheme(base_url) in ("http", "https") else "deny"
    return nh3.clean(fragment, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None,
                     clean_content_tags=REMOVED_WITH_CONTENT, url_relative=relative, attribute_filter=_encode_url)


def _encode_url(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("href", "src"):
        return quote(value.strip(), safe=_URL_SAFE)
    return value


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment on one line: tags gone, entities decoded. Feed titles are often HTML,
    whatever the feed declares, so a title like '<img src=x onerror=…> News' comes out as 'News'."""
    kept = nh3.clean(fragment, tags=_BLOCKS, attributes={}, clean_content_tags=REMOVED_WITH_CONTENT)
    return clean_line(html.unescape(re.sub(r"<[^>]*>", " ", kept)))


class _InertConverter(MarkdownConverter):
    """markdownify with text escaped by mdtext and code in indented blocks."""

    def escape(self, text, parent_tags):
        return escape_text(text) if text else ""

    def convert_img(self, el, text, parent_tags):
        alt = escape_text(clean_line(el.get("alt") or ""))
        src = el.get("src")
        return f"![{alt}]({src})" if src and "_inline" not in parent_tags else alt

    def convert_pre(self, el, text, parent_tags):
        lines = text.strip("\n").split("\n")
        return "\n\n" + "\n".join("    " + line for line in lines) + "\n\n" if text.strip() else ""


def html_to_markdown(fragment: str, base_url: str | None = None) -> tuple[str, bool]:
    """Feed HTML as Markdown that renders without anything dangerous; False when only plain text was safe."""
    converter = _InertConverter(heading_style="atx", bullets="-")
    markdown = converter.convert(sanitise_html(fragment, base_url))
    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip("\n").rstrip()  # keep a leading code block's indent
    try:
        unsafe = unsafe_constructs(render_markdown(markdown).html)
    except MarkupError:  # lists nested hundreds deep: an attack on the renderer, not news
        unsafe = True
    if unsafe:
        return escape_text(plain_text(fragment)), False
    return markdown, True


DANGEROUS_TAGS = {"script", "style", "iframe", "frame", "object", "embed", "applet", "form", "input", "button",
                  "textarea", "select", "svg", "math", "link", "meta", "base", "template"}


def unsafe_constructs(rendered_html: str) -> list[str]:
    """What in rendered HTML could run script: dangerous elements, on* attributes, non-http(s) URLs."""
    return [risk.what for risk in risky_markup(start_tags(rendered_html), DANGEROUS_TAGS)]
