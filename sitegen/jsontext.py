"""Compact JSON for the documents sitegen makes itself: JSON Feeds, the search index, its JSON-LD.

For documents of text, whole numbers (below 2**64), booleans, None, lists and mappings with text keys,
which is all these hold, orjson makes the same bytes as json.dumps(value, ensure_ascii=False,
separators=(",", ":")) in UTF-8, about three times faster: a 10,000-article site writes over 50 MB of
JSON Feeds (tests/test_jsontext.py holds every JSON file of a built site to json's bytes). For other
values they differ (floats such as 1e-07, keys that are not text, dates), so what a site's template
hands to a filter goes through json (sharing.script_json writes only a sharing.Document with orjson). Where orjson cannot be installed, json
makes the bytes itself.
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
