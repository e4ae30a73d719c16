"""Memo keys for rendered routes, computed from exactly what a rendering can see.

A route renders from its own context, the config and the templates, nothing else (routes.py keeps
it so). Its key hashes those, with articles standing in by the digest of their file, so an
unchanged key means unchanged bytes, without guessing which template uses what.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sitegen import __version__
from sitegen.article import Article
from sitegen.errors import Problem, SiteError
from sitegen.index import Archive, Term
from sitegen.routes import Page, Route


def templates_key(dirs: list[Path]) -> str:
    """A hash of every template file's path and bytes, in lookup order."""
    digest = hashlib.sha256()
    for folder in dirs:
        for path in sorted(folder.rglob("*")):
            try:
                data = path.read_bytes() if path.is_file() else None
            except FileNotFoundError:  # an editor's temporary file, gone since the listing
                continue
            except OSError as exc:
                raise SiteError([Problem(str(path), None, f"cannot read template: {exc.strerror}")]) from None
            if data is not None:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + data + b"\0")
        digest.update(b"\1")
    return digest.hexdigest()


def build_key(config_key: str, templates: str) -> str:
    """What every route depends on: sitegen's version, the settings and the templates."""
    return hashlib.sha256(f"{__version__}\0{config_key}\0{templates}".encode()).hexdigest()


def route_key(route: Route, site_key: str, shown: list[str] | None = None) -> str:
    """The route's memo key; the paths of the articles it describes are added to shown, when given
    (the saved plan's record of which routes show which article)."""
    parts: list[str] = [site_key, route.kind, route.path, route.template or ""]
    _describe(route.context, parts, shown)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


_PLAIN = (str, int, float, bool, dt.datetime, dt.date, type(None))


def _describe(value: Any, out: list[str], shown: list[str] | None) -> None:
    """Append a stable text description of value (articles by digest) to out."""
    if isinstance(value, _PLAIN):
        out.append(f"V{value!r}")
    elif isinstance(value, Article):
        out.append("A" + value.digest)
        if shown is not None:
            shown.append(value.path)
    elif isinstance(value, Term):
        out.append(f"T{value.kind}|{value.name}|{value.slug}|{value.url}|{len(value.articles)}")
    elif isinstance(value, Archive):
        out.append(f"Y{value.year}|{value.month}|{len(value.articles)}")
    elif isinstance(value, Page):
        out.append(f"P{value.number}|{value.count}|{value.first_path}")
        _describe(value.items, out, shown)
    elif isinstance(value, (dict, MappingProxyType)):
        for key in sorted(value):
            out.append(f"K{key}")
            _describe(value[key], out, shown)
    elif isinstance(value, (tuple, list)):
        out.append(f"L{len(value)}")
        if all(type(item) is Article for item in value):  # the common case, pages and feeds: one string
            out.append("|".join(item.digest for item in value))
            if shown is not None:
                shown.extend(item.path for item in value)
            return
        for item in value:
            _describe(item, out, shown)
    else:
        raise TypeError(f"route context holds a {type(value).__name__}; add it to keys._describe")
