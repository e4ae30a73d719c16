"""The JSON the site writes (JSON Feeds, the search index, JSON-LD) is exactly what the standard json module
writes, whichever encoder sitegen.jsontext uses; what a template hands to script_json, whatever its types."""
from __future__ import annotations

import json
import re

import pytest

from conftest import article
from sitegen import jsontext
from sitegen.jsontext import compact_json, stdlib_compact_json
from sitegen.sharing import _SCRIPT_UNSAFE, script_json

TRICKY = [
    "plain", "", "\x00\x01\x1f\x7f \b\f\n\r\t", 'quotes " and \\ back / slash', "\u2028\u2029",
    "é ü ß – — “ ” ‘ ’ …", "😀 \U0010ffff", "\ufffe\uffff", "</script><!-- & -->",
    0, -1, 2**63 - 1, True, False, None, [], {}, ("a", 1), [{"k": ["v", None]}], {"z": 1, "a": 2},
]


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_the_encoder_writes_jsons_bytes(value):
    assert compact_json(value) == stdlib_compact_json(value)
    assert compact_json({"list": [value, value], "text": value}) == stdlib_compact_json({"list": [value, value],
                                                                                         "text": value})


def test_without_orjson_the_bytes_are_the_same(monkeypatch):
    document = {"title": "Zürich “talks” </script>", "items": [1, None, "\u2028"]}
    fast = compact_json(document)
    monkeypatch.setattr(jsontext, "orjson", None)
    assert compact_json(document) == fast == stdlib_compact_json(document)


def test_every_json_file_and_json_ld_of_a_built_site_is_what_json_writes(site):
    site.write("content/odd.md", article(
        "Odd “quotes” & <tags> \u2028 é", "2026-01-07T08:00:00+00:00",
        "Text with \"quotes\", a \\ backslash, </script> and emoji 😀.\n\n> Quoted.", source="Punch",
        source_url="https://example.com/a?b=1&c=2", tags=["Ünïcode", "Security"], author="Zoë O’Brien"))
    assert site.build().ok
    files = sorted(site.out.rglob("*.json"))
    names = {p.relative_to(site.out).as_posix() for p in files}
    assert {"feed.json", "search/index.json", "tags/security/feed.json"} <= names
    assert any(name.startswith("search/2026-") for name in names)
    for path in files:
        data = path.read_bytes()
        ending = b"\n" if path.name == "feed.json" else b""
        assert data == stdlib_compact_json(json.loads(data)) + ending, path
    scripts = 0
    for page in site.out.rglob("*.html"):
        for text in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text("utf-8"), re.S):
            expected = stdlib_compact_json(json.loads(text)).decode("utf-8")
            for char, escaped in _SCRIPT_UNSAFE.items():
                expected = expected.replace(char, escaped)
            assert text == expected, page
            assert "<" not in text and "&" not in text
            scripts += 1
    assert scripts >= 5


@pytest.mark.parametrize("value", [*TRICKY, 1.5, 1e-7, float("nan"), 2**64, -2**63 - 1, {1: "a"}, {"a": [0.1]},
                                   {"k": ("t", 2**70)}, type("Text", (str,), {})("sub"), {"k": {True: 1}}])
def test_any_value_is_written_as_json_writes_it(value):
    assert jsontext.any_compact_json(value) == stdlib_compact_json(value)
    assert jsontext.any_compact_json([value, {"v": value}]) == stdlib_compact_json([value, {"v": value}])


def test_a_lone_surrogate_fails_as_it_does_with_json():
    with pytest.raises(UnicodeEncodeError):
        stdlib_compact_json({"t": "\ud800"})
    with pytest.raises(UnicodeEncodeError):
        jsontext.any_compact_json({"t": "\ud800"})


def test_script_json_writes_any_front_matter_value_as_json_does():
    """A template may pass a front matter value: numbers as keys, floats, NaN (json's own spelling)."""
    value = {2024: 5, 1.5: "x", True: None, "small": 1e-7, "nan": float("nan"), "big": 2**70, "list": [0.1]}
    assert str(script_json(value)) == stdlib_compact_json(value).decode("utf-8")
