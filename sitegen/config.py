"""site.yaml -> a frozen Config, every key validated and every problem reported at once."""
from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.errors import Problem, SiteError
from sitegen.yamldoc import YamlError, load_yaml, type_name

CONFIG_FILE = "site.yaml"
PERMALINK_FIELDS = {"year", "month", "day", "slug"}


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """An outlet as site.yaml describes it."""

    name: str
    url: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeployConfig:
    branch: str = "gh-pages"
    remote: str = "origin"
    cname: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    """The site's settings. Defaults are what a new digest needs; see docs/configuration.md."""

    title: str = "News Digest"
    description: str = ""
    base_url: str = "http://localhost:8000/"
    language: str = "en"
    timezone: str = "UTC"
    per_page: int = 20
    permalink: str = "/{year}/{month}/{day}/{slug}/"
    author: str | None = None
    feed_entries: int = 50
    max_tags: int = 6
    sources: Mapping[str, SourceInfo] = field(default_factory=lambda: MappingProxyType({}))
    tagging: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    deploy: DeployConfig = DeployConfig()
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def path_prefix(self) -> str:
        """The path part of base_url, always starting and ending with '/': '/digest/' or '/'."""
        return _split_base_url(self.base_url)[1]

    @property
    def origin(self) -> str:
        """scheme://host[:port] of base_url, without the path."""
        return _split_base_url(self.base_url)[0]

    def with_base_url(self, base_url: str) -> "Config":
        return replace(self, base_url=normalise_base_url(base_url))

    def canonical_source(self, name: str) -> str:
        """The configured spelling of an outlet, matching names and aliases case-insensitively."""
        return self._source_lookup().get(name.casefold(), name)

    def _source_lookup(self) -> dict:
        lookup = {}
        for info in self.sources.values():
            for spelling in (info.name, *info.aliases):
                lookup[spelling.casefold()] = info.name
        return lookup


@functools.lru_cache(maxsize=16)
def _split_base_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{parts.scheme}://{parts.netloc}", path if path.endswith("/") else path + "/"


def normalise_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def load_config(site_dir: Path) -> Config:
    """Read site_dir/site.yaml; a missing file means all defaults. Raises SiteError with every problem."""
    path = site_dir / CONFIG_FILE
    if not path.exists():
        return Config()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise SiteError([Problem(CONFIG_FILE, None, f"cannot read: {exc.strerror}")]) from None
    except UnicodeDecodeError as exc:
        raise SiteError([Problem(CONFIG_FILE, 1, f"not valid UTF-8 (byte {exc.object[exc.start]:#x} at offset "
                                                 f"{exc.start})", "save the file as UTF-8")]) from None
    try:
        doc = load_yaml(text)
    except YamlError as exc:
        raise SiteError([Problem(CONFIG_FILE, exc.line, exc.message)]) from None
    if doc.data is None:
        return Config()
    if not isinstance(doc.data, dict):
        raise SiteError([Problem(CONFIG_FILE, 1, f"site.yaml must be a mapping of settings, got {type_name(doc.data)}")])
    return config_from_mapping(doc.data, doc.key_lines)


def config_from_mapping(data: dict, key_lines: dict) -> Config:
    """Validate a parsed site.yaml; all problems are collected before raising."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    def bad(key: str, message: str, hint: str = "") -> None:
        problems.append(Problem(CONFIG_FILE, key_lines.get(key), message, hint))

    for key, value in data.items():
        checker = _CHECKERS.get(key)
        if checker is None:
            bad(key, f"unknown setting '{key}'", f"known settings: {', '.join(sorted(_CHECKERS))}; "
                                                 "put your own values under 'params:'")
            continue
        try:
            values[key] = checker(value)
        except ValueError as exc:
            bad(key, f"{key}: {exc}")
    if problems:
        raise SiteError(problems)
    return Config(**values)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be text, got {type_name(value)}")
    return value.strip()


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of at least 1, got {value!r}")
    return value


def _http_url(value: Any) -> str:
    url = _text(value)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"'{url}' is not an http(s) URL")
    return url


def _base_url(value: Any) -> str:
    url = _http_url(value)
    if "?" in url or "#" in url:
        raise ValueError(f"'{url}' must not have a query or fragment: links are made by adding paths to it")
    return normalise_base_url(url)


def _timezone(value: Any) -> str:
    name = _text(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone '{name}' (use a name like Europe/London or UTC)") from None
    return name


def _language(value: Any) -> str:
    lang = _text(value)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        raise ValueError(f"'{lang}' is not a language tag like en or en-GB")
    return lang


def check_permalink(value: Any) -> str:
    pattern = _text(value)
    fields = _permalink_fields(pattern)
    if unknown := fields - PERMALINK_FIELDS:
        raise ValueError(f"unknown field {{{sorted(unknown)[0]}}} in '{pattern}' (use {{year}}, {{month}}, "
                         "{day}, {slug})")
    if "slug" not in fields:
        raise ValueError(f"'{pattern}' must contain {{slug}} so that every article has its own URL")
    segments = pattern.split("/")
    if not pattern.startswith("/") or any(s in ("..", ".") for s in segments) or "\\" in pattern:
        raise ValueError(f"permalink must be a path inside the site starting with '/': '{pattern}'")
    if not (pattern.endswith("/") or pattern.endswith(".html")):
        raise ValueError(f"'{pattern}' must end with '/' or '.html'")
    return pattern


def _permalink_fields(pattern: str) -> set[str]:
    """The {fields} of a permalink. Only plain names: the pattern goes through str.format, where
    '{year:>999999999}' would take gigabytes and '{slug.__class__}' would reach into Python objects."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise ValueError(f"'{pattern}' is not a valid pattern ({exc}; write braces as {{year}}, {{slug}} …)") from None
    fields = set()
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion or not re.fullmatch(r"\w+", name):
            raise ValueError(f"'{pattern}' may only use plain fields like {{slug}}, without formats or conversions")
        fields.add(name)
    return fields


def _sources(value: Any) -> Mapping[str, SourceInfo]:
    if not isinstance(value, dict):
        raise ValueError(f"must be a mapping of outlet names, got {type_name(value)}")
    result = {}
    for name, info in value.items():
        info = info or {}
        if not isinstance(info, dict) or set(info) - {"url", "aliases"}:
            raise ValueError(f"'{name}' must be a mapping with 'url' and 'aliases'")
        aliases = info.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ValueError(f"aliases of '{name}' must be a list of names")
        url = _http_url(info["url"]) if info.get("url") is not None else None
        result[str(name)] = SourceInfo(str(name), url, tuple(aliases))
    return MappingProxyType(result)


def _tagging(value: Any) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ValueError(f"must map each tag to the words that imply it, got {type_name(value)}")
    rules = {}
    for tag, words in value.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ValueError(f"the words for tag '{tag}' must be a list of text")
        rules[str(tag)] = tuple(words)
    return MappingProxyType(rules)


def _deploy(value: Any) -> DeployConfig:
    if not isinstance(value, dict) or set(value) - {"branch", "remote", "cname"}:
        raise ValueError("must be a mapping with branch, remote and cname")
    return DeployConfig(branch=_text(value.get("branch", "gh-pages")), remote=_text(value.get("remote", "origin")),
                        cname=_optional_text(value.get("cname")))


def _params(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"must be a mapping, got {type_name(value)}")
    return MappingProxyType(dict(value))


_CHECKERS = {
    "title": _text,
    "description": lambda v: "" if v is None else _text(v),
    "base_url": _base_url,
    "language": _language,
    "timezone": _timezone,
    "per_page": _positive_int,
    "permalink": check_permalink,
    "author": _optional_text,
    "feed_entries": _positive_int,
    "max_tags": _positive_int,
    "sources": _sources,
    "tagging": _tagging,
    "deploy": _deploy,
    "params": _params,
}
