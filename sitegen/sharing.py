"""What a page tells search engines and link previews: JSON-LD documents and their safe embedding.

Open Graph and Twitter card tags are plain <meta> tags in templates/base.html; the structured data
is built here because it is nested and must be escaped for a <script> element, not for HTML.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

from sitegen.config import Config
from sitegen.jsontext import any_compact_json
from sitegen.routes import SEARCH_PATH, absolute_url
from sitegen.views import ArticleView

SCHEMA = "https://schema.org"

# Inside <script>, HTML escaping does not apply: only "</script" (or "<!--") ends or confuses the
# element. JSON allows any character to be written as \uXXXX, so these never appear literally.
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(value: Any) -> Markup:
    """value as JSON that is safe to put between <script type="application/ld+json"> tags."""
    # any_compact_json: a site's template may pass any front matter value here (numbers as keys, floats),
    # which orjson writes otherwise or refuses.
    text = any_compact_json(value).decode("utf-8")
    for char, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(char, escaped)
    return Markup(text)


def publisher(config: Config) -> dict:
    return {"@type": "Organization", "name": config.title, "url": absolute_url(config, "/"),
            "logo": {"@type": "ImageObject", "url": absolute_url(config, "/assets/favicon.svg")}}


def news_article(view: ArticleView, config: Config) -> dict:
    """A schema.org NewsArticle for an article page; isBasedOn is the original story."""
    doc = {
        "@context": SCHEMA, "@type": "NewsArticle", "headline": view.title, "description": view.summary,
        "url": view.abs_url, "mainEntityOfPage": view.abs_url,
        "datePublished": view.date.isoformat(), "dateModified": (view.updated or view.date).isoformat(),
        "wordCount": view.words, "keywords": [tag.name for tag in view.tags], "inLanguage": config.language,
        "author": _author(view, config), "publisher": publisher(config),
    }
    if view.source_url:
        doc["isBasedOn"] = view.source_url
    if view.source:
        doc["sourceOrganization"] = {"@type": "Organization", "name": view.source.name}
    return doc


def _author(view: ArticleView, config: Config) -> dict:
    if view.author:
        return {"@type": "Person", "name": view.author}
    if view.source:  # the outlet wrote it; the digest only retells it
        return {"@type": "Organization", "name": view.source.name}
    return {"@type": "Organization", "name": config.author or config.title}


def website(config: Config) -> dict:
    """The home page's WebSite, with the search page as its SearchAction (the sitelinks search box)."""
    target = absolute_url(config, SEARCH_PATH) + "?q={search_term_string}"
    return {
        "@context": SCHEMA, "@type": "WebSite", "name": config.title, "url": absolute_url(config, "/"),
        "description": config.description or config.title, "inLanguage": config.language,
        "publisher": publisher(config),
        "potentialAction": {"@type": "SearchAction", "target": {"@type": "EntryPoint", "urlTemplate": target},
                            "query-input": "required name=search_term_string"},
    }
