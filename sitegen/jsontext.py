"""Compact JSON for what sitegen writes out: JSON Feeds, the search index, JSON-LD.

orjson makes the same bytes as json.dumps(value, ensure_ascii=False, separators=(",", ":")) in UTF-8
for these documents, about three times faster: a 10,000-article site writes over 50 MB of JSON Feeds
(tests/test_jsontext.py holds every JSON file of a built site to json's bytes). Only floats would be
written differently (1e-07 against 1e-7), and no document the site makes holds one. Where orjson
cannot be installed, json makes the bytes itself.
"""
from __future__ import annotations

import json
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - a platform without its wheels
    orjson = None


def compact_json(value: Any) -> bytes:
    """value as compact UTF-8 JSON, non-ASCII characters as they are; dicts keep their order."""
    if orjson is not None:
        return orjson.dumps(value)
    return stdlib_compact_json(value)


def stdlib_compact_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
