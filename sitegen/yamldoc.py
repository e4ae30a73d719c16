"""Safe YAML reading for site.yaml and front matter, with line numbers for every top-level key.

PyYAML's safe loader still accepts alias bombs, silently keeps the last of two duplicate keys and
turns dates into objects whose errors carry no line. We compose the node tree first, refuse those
cases with the offending line, and only then construct plain Python data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 50
MAX_INT_DIGITS = 4000
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_REWRITTEN_KEYS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")  # "<<" and "=": flatten_mapping's
_PLAIN_KEYS = (str, int, float, bool, type(None))  # what a key built here may be (lists and mappings are not hashable)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that leaves timestamps as text: sitegen parses dates itself, with line numbers."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


class YamlError(ValueError):
    """A YAML document a user must fix; line is 1-based within the document."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML document: its data and the file line of each top-level key."""

    data: Any
    key_lines: dict
    raw: dict = field(default_factory=dict)  # top-level key -> its scalar value as written ('no', not False)


def load_yaml(text: str, first_line: int = 1) -> YamlDoc:
    """Parse text as one YAML document; raise YamlError with a line for anything a user must fix.

    first_line is the file line the text starts on (front matter starts on line 2), so every line
    reported, in errors and key_lines, is a line of the file.
    """
    offset = first_line
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None, {})
        _check_node(node, set(), 0, offset)
        data = _data(loader, node)
    except YamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset if mark else None
        raise YamlError(f"invalid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from None
    except RecursionError:
        raise YamlError("YAML nested too deeply", offset) from None
    except ValueError as exc:  # from constructors, besides the cases _check_node names with their line
        raise YamlError(f"invalid YAML value: {str(exc).split(';')[0]}", offset) from None
    finally:
        loader.dispose()
    return YamlDoc(data, _key_lines(node, offset), _raw_values(node))


def _check_node(node: yaml.Node, seen: set, depth: int, offset: int) -> None:
    """Refuse aliases (bomb-proof), deep nesting and duplicate keys, naming the line: over the whole
    tree before anything is built, so that the problem named is the same whatever follows it."""
    line = node.start_mark.line + offset
    if id(node) in seen:
        raise YamlError("YAML anchors and aliases are not allowed here", line)
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise YamlError(f"YAML nested deeper than {MAX_DEPTH} levels", line)
    if node.tag == _INT_TAG and len(node.value) > MAX_INT_DIGITS:
        # Python refuses to convert such numbers (its CVE-2020-10735 limit), with a ValueError and no line.
        raise YamlError(f"a number of {len(node.value)} digits (quote it if it is text)", line)
    if isinstance(node, yaml.MappingNode):
        first_line: dict = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in first_line:
                    raise YamlError(f"duplicate key '{key.value}' (first on line {first_line[key.value]})",
                                    key.start_mark.line + offset)
                first_line[key.value] = key.start_mark.line + offset
            _check_node(key, seen, depth + 1, offset)
            _check_node(value, seen, depth + 1, offset)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_node(item, seen, depth + 1, offset)


def _data(loader: yaml.BaseLoader, node: yaml.Node) -> Any:
    """The Python value of a checked node, as construct_document makes it. Plain text, mappings and
    lists are built here; anything else (numbers, booleans, nulls, other tags, and mappings with a
    "<<" or "=" key, which PyYAML rewrites first) is PyYAML's to construct: a third of front matter's
    cost was its constructor calls."""
    kind, tag = type(node), node.tag
    if kind is yaml.ScalarNode:
        return node.value if tag == _STR_TAG else loader.construct_object(node, deep=True)
    if kind is yaml.SequenceNode:
        if tag != _SEQ_TAG:
            return loader.construct_object(node, deep=True)
        return [_data(loader, item) for item in node.value]
    if tag != _MAP_TAG or any(key.tag in _REWRITTEN_KEYS for key, _ in node.value):
        return loader.construct_object(node, deep=True)
    items = []
    for key_node, value_node in node.value:  # key, value, key...: PyYAML's order, and so its first error
        key = _data(loader, key_node)
        if not isinstance(key, _PLAIN_KEYS):
            return loader.construct_object(node, deep=True)  # its error for an unhashable key
        items.append((key, _data(loader, value_node)))
    return dict(items)


def _key_lines(node: yaml.Node, offset: int) -> dict:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + offset for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _raw_values(node: yaml.Node) -> dict:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v.value for k, v in node.value if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)}


def type_name(value: Any) -> str:
    """How a YAML value's type reads in a message to a user."""
    names = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "a mapping",
             type(None): "nothing (null)", str: "text"}
    return names.get(type(value), type(value).__name__)
