"""Compact JSON for the documents sitegen makes itself: JSON Feeds, the search index, its JSON-LD.

For documents of text, whole numbers (below 2**64), booleans, None, lists and mappings with text keys,
which is all these hold, orjson makes the same bytes as json.dumps(value, ensure_ascii=False,
separators=(",", ":")) in UTF-8, about three times faster: a 10,000-article site writes over 50 MB of
JSON Feeds (tests/test_jsontext.py holds every JSON file of a built site to json's bytes). For other
values they differ (floats such as 1e-07, keys that are not text, dates): any_compact_json, for what a
site's template may hand to a filter (sharing.script_json), looks first and leaves those to json.
Where orjson cannot be installed, json makes the bytes itself.
"""
from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - a platform without its wheels
    orjson = None


def compact_json(value: Any) -> bytes:
    """value (of the types above) as compact UTF-8 JSON, non-ASCII characters as they are; dicts keep their order."""
    if orjson is not None:
        return orjson.dumps(value)
    return stdlib_compact_json(value)


def stdlib_compact_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def any_compact_json(value: Any) -> bytes:
    """stdlib_compact_json's bytes for any value: through orjson when the value holds only text, whole
    numbers below 2**64, booleans, None, lists, tuples and dicts with text keys (each of these exactly,
    not a subclass), else through json. Looking costs about a tenth of what json takes."""
    if orjson is not None and _same_in_orjson(value):
        try:
            return orjson.dumps(value)
        except TypeError:  # a lone surrogate in a text: json's own error follows
            pass
    return stdlib_compact_json(value)


def _same_in_orjson(value: Any) -> bool:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -2**63 <= value < 2**64
    if kind is list or kind is tuple:
        return all(map(_same_in_orjson, value))
    if kind is dict:
        return all(type(key) is str and _same_in_orjson(item) for key, item in value.items())
    return False
