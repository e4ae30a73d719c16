"""yamldoc builds plain text, mappings and lists itself, in the walk that checks the node tree: the data
must be what PyYAML's own constructor makes of the same tree, for every document it accepts, and a
document it refuses must still be refused, with the same message."""
from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content import split_front_matter
from sitegen import yamldoc
from sitegen.yamldoc import YamlError, _Loader, load_yaml

ROOT = Path(__file__).resolve().parents[1]

DOCUMENTS = [
    "title: Plain\ndate: 2026-01-01T10:00:00+00:00\ntags: [a, b, 'c d']\n",
    "n: 12\nf: 1.5\nneg: -3\nhex: 0x1F\noct: 0o17\nold_oct: 017\nsexagesimal: 1:30\ninf: .inf\nnan_is_float: .nan\n",
    "yes: yes\nno: no\non: on\noff: off\ntrue: True\nnull_word: null\ntilde: ~\nempty:\n",
    "quoted: 'no'\ndouble: \"1.10\"\nforced: !!str 12\nforced_int: !!int \"12\"\nforced_float: !!float '3'\n",
    "multi: |\n  line one\n  line two\nfolded: >\n  folded\n  text\nplain: a\n  continued\n",
    "nested:\n  a: [1, {b: c, d: [e, f]}]\n  g: {h: {i: j}}\nlist:\n  - x\n  - - y\n    - z\n",
    "1: one\n2.5: two and a half\ntrue: yes\n~: nothing\n'3': text three\n",
    "bin: !!binary aGVsbG8=\nset: !!set {a, b}\nomap: !!omap [a: 1, b: 2]\npairs: !!pairs [a: 1, a: 2]\n",
    "merged:\n  <<: {a: 1, b: 2}\n  b: 3\nlist_merge:\n  <<: [{x: 1}, {y: 2}]\n",
    "explicit_map: !!map {a: 1}\nexplicit_seq: !!seq [1, 2]\n",
    "- top\n- level\n- [list]\n",
    "just text\n",
    "12\n",
    "{}\n",
    "[]\n",
    "empty_map: {}\nempty_list: []\nspaces: '  kept  '\nunicode: Zürich – “quotes”\n",
    "? complex\n: key\n? [a, list]\n: as key\n",  # unhashable key: refused
    "unknown: !custom thing\n",  # no constructor: refused
    "bad_map_tag: !!map [a, b]\n",  # a sequence tagged as a mapping: refused
    "bad_str_tag: !!str [a, b]\n",  # refused: text must be a scalar
    "bad_int: !!int twelve\n",  # refused
    "timestamp: 2026-01-01\nwith_time: 2026-01-01 10:00:00\n",  # stay text (no timestamp resolver)
    "dup_nested:\n  a: 1\n  a: 2\n",
    "x: &anchor 1\ny: *anchor\n",
    "=: x\n", "x: {<<: {a: 1}, =: 2}\n", "x: =\n", "- =\n",  # "=" is a key PyYAML rewrites as text
    # Two problems: the one named is the one PyYAML's own order and the checks before it name.
    "a: !foo x\nb: &x 1\nc: *x\n", "a: !!float x\nb: {c: 1, c: 2}\n", "a: {b: 1, b: 2}\na: 3\n",
    "a: &x 1\nb: *x\na: 2\n", "a: !!float x\n!!int y: 1\n", "a: !!int y\nb: [!!float z]\n",
]


def constructed(text: str):
    """PyYAML's own answer: the data construct_document makes, or the message of its error."""
    loader = _Loader(text)
    try:
        return "data", loader.get_single_data()
    except yaml.YAMLError as exc:
        return "error", getattr(exc, "problem", None) or str(exc)
    except ValueError as exc:  # from a constructor: int('twelve')
        return "error", str(exc).split(";")[0]
    finally:
        loader.dispose()


def ours(text: str):
    try:
        return "data", load_yaml(text).data
    except YamlError as exc:
        return "error", exc.message


def same(a, b) -> bool:
    """Equal data of equal types throughout (1 == 1.0 == True in Python; NaN is never equal to itself)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return b != b
    return a == b


def as_before(text: str):
    """load_yaml with PyYAML's construct_document in place of yamldoc's own building: data, or the
    error with its line."""
    real = yamldoc._data
    yamldoc._data = lambda loader, node: loader.construct_document(node)
    try:
        return "data", load_yaml(text).data, None
    except YamlError as exc:
        return "error", exc.message, exc.line
    finally:
        yamldoc._data = real


def assert_same_as_pyyaml(text: str) -> None:
    try:
        now = "data", load_yaml(text).data, None
    except YamlError as exc:
        now = "error", exc.message, exc.line
    before = as_before(text)
    assert now[0] == before[0] and now[2] == before[2], (text, now, before)
    assert same(now[1], before[1]) if now[0] == "data" else now[1] == before[1], (text, now, before)
    kind, value = ours(text)
    expected_kind, expected = constructed(text)
    if kind == "error":
        # Refused: either PyYAML refuses it too, or it is one of the cases yamldoc refuses on purpose.
        assert expected_kind == "error" or "aliases" in value or "duplicate key" in value or "digits" in value, text
        if expected_kind == "error" and not ("aliases" in value or "duplicate key" in value):
            assert expected in value, (text, value, expected)
    else:
        assert expected_kind == "data", (text, expected)
        assert same(value, expected), (text, value, expected)


@pytest.mark.parametrize("text", DOCUMENTS)
def test_data_is_what_pyyaml_constructs(text):
    assert_same_as_pyyaml(text)


def test_refusals_name_their_line():
    assert ours("a: 1\nb: 2\na: 3\n") == ("error", "duplicate key 'a' (first on line 1)")
    with pytest.raises(YamlError) as caught:
        load_yaml("ok: 1\nx: &a [1]\ny: *a\n", first_line=2)
    assert caught.value.line == 3 and "aliases" in caught.value.message
    with pytest.raises(YamlError) as caught:
        load_yaml("ok: 1\nn: " + "9" * 5000 + "\n")
    assert caught.value.line == 2 and "5000 digits" in caught.value.message


def test_front_matter_of_the_repository_and_its_samples():
    files = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "sitegen" / "starter").rglob("*.md"))
    assert files
    for path in files:
        front = split_front_matter(path.read_text(encoding="utf-8"))[0]
        assert_same_as_pyyaml(front)
    assert_same_as_pyyaml((ROOT / "site.yaml").read_text(encoding="utf-8"))


SCALARS = ["a", "'quoted'", '"dq"', "12", "-1", "1.5", "0x1f", "yes", "No", "null", "~", "", ".inf", "1:30",
           "2026-01-01", "!!str 5", "!!int '7'", "[]", "{}", "[a, 1, no]", "{k: v, 2: 3}", "!!binary aGk=",
           "!!set {a}", "Zürich", "'a: b'", "!!float 1"]
KEYS = ["a", "b", "1", "'1'", "true", "~", "c d", "<<"]


@settings(max_examples=int(os.environ.get("SITEGEN_YAML_EXAMPLES", "300")), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(SCALARS), st.booleans()), max_size=6))
def test_generated_mappings(entries):
    lines = []
    for key, value, nested in entries:
        if nested:
            lines += [f"{key}:", f"  inner: {value}", f"  list:", f"    - {value}"]
        else:
            lines.append(f"{key}: {value}")
    assert_same_as_pyyaml("\n".join(lines) + "\n")


def test_every_pair_of_scalars_in_a_list_and_a_mapping():
    for a, b in itertools.product(SCALARS, repeat=2):
        assert_same_as_pyyaml(f"- {a}\n- {b}\n")
        assert_same_as_pyyaml(f"x: {a}\ny: [{b}]\n")
