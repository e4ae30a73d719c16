"""Dangerous markup in built pages, found with lxml: an oracle independent of the importer's own checks."""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html

FORBIDDEN_ELEMENTS = {"script", "iframe", "frame", "object", "embed", "applet", "form", "base", "svg", "math"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "srcset", "xlink:href"}
SAFE_SCHEMES = {"http", "https", "mailto", ""}


def dangerous_markup(html_text: str) -> list[str]:
    """Script elements, on* handlers and non-http(s) URLs in an HTML document or fragment."""
    if not html_text.strip():
        return []
    found = []
    for element in lxml.html.fromstring(html_text).iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        if element.tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"{name}= on <{element.tag}>")
            elif name.lower() in URL_ATTRIBUTES and _scheme(value) not in SAFE_SCHEMES:
                found.append(f"{name}={value!r} on <{element.tag}>")
    return found


def dangerous_markup_in_tree(folder: Path) -> dict[str, list[str]]:
    """Every *.html file under folder with what is dangerous in it."""
    report = {}
    for path in sorted(folder.rglob("*.html")):
        found = dangerous_markup(path.read_text(encoding="utf-8"))
        if found:
            report[path.relative_to(folder).as_posix()] = found
    return report


def _scheme(url: str) -> str:
    match = re.match(r"([a-z][a-z0-9+.-]*):", re.sub(r"[\x00-\x20]", "", url).lower())
    return match.group(1) if match else ""
