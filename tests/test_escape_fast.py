"""Templates escape what they write out with theme._output_escape, not markupsafe.escape: the same
characters, without making a Markup object for each; and they call functions and macros through
theme._Context. These tests hold both to stock Jinja."""
from __future__ import annotations

import datetime as dt

import jinja2
import markupsafe
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from sitegen import theme
from sitegen.config import load_config


class _Html:
    def __html__(self):
        return "<i>own</i>"


class _Text:
    def __str__(self):
        return "a < b & \"c\" 'd'"


values = st.one_of(st.text(), st.text().map(Markup), st.integers(), st.floats(allow_nan=False), st.booleans(),
                   st.none(), st.just(_Html()), st.just(_Text()), st.just(dt.date(2026, 1, 6)))


def test_the_fast_escape_is_in_use_on_the_versions_it_was_checked_on():
    assert theme._FAST_ESCAPE, "Jinja or MarkupSafe changed: check _output_escape against this version"


def test_the_fast_escape_is_chosen_without_reading_markupsafe_version(monkeypatch):
    """MarkupSafe's __version__ is deprecated, and reading it loads importlib.metadata and scans every
    installed package (10 ms of each build's start): the check asks the escape functions instead."""
    asked = []
    monkeypatch.setattr(markupsafe, "__getattr__", lambda name: asked.append(name), raising=False)
    assert theme._escapes_as_checked() and asked == []


_stock_inner = markupsafe._escape_inner


def _escapes_as_markup(text):
    return Markup(_stock_inner(text))


@pytest.mark.parametrize("inner", [None, "not callable", _escapes_as_markup, lambda text: text,
                                   lambda text, quote: text, lambda text: text.replace("<", "&lt;")])
def test_an_inner_escape_that_is_missing_or_works_otherwise_keeps_stock_escaping(monkeypatch, inner):
    # escape() as it was (MarkupSafe's own calls the inner one it finds in its module)
    monkeypatch.setattr(markupsafe, "escape", lambda text: Markup(_stock_inner(str(text))))
    monkeypatch.setattr(markupsafe, "_escape_inner", inner, raising=False)
    assert not theme._escapes_as_checked()


@given(values)
def test_the_output_escape_gives_the_characters_of_markupsafe_escape(value):
    assert str(theme._output_escape(value)) == str(markupsafe.escape(value))


TEMPLATE = """\
{%- macro card(x, level=2) -%}<h{{ level }} title="{{ x }}">{{ x }}</h{{ level }}>{%- endmacro -%}
{%- macro box(x) -%}<div>{{ x }}{{ caller() }}</div>{%- endmacro -%}
{%- macro box2(x) -%}<div>{{ caller(x) }}</div>{%- endmacro -%}
{% set block_set %}<b>{{ text }}</b>{% endset %}
{{ text }} {{ markup }} {{ number }} {{ html_object }} {{ text ~ markup }} {{ markup ~ text }}
{{ card(text) }} {% call box(markup) %}<p>{{ text }}</p>{% endcall %}
{{ block_set }} {{ block_set | length }} {{ text | upper }} {{ text | e }} {{ markup | safe }}
{% filter upper %}{{ text }}{% endfilter %}
{% set kept = namespace() %}{% autoescape false %}{{ text }}{% set kept.card = card(text) %}{% endautoescape %}{{ kept.card }}
{% for item in items %}{{ loop.index }}:{{ item }} {% endfor %}
{{ "<literal>" }} {{ text if number else markup }} {{ [text, markup] | join(", ") }}
{% for item in items %}{{ card(item, level=loop.index) }}{{ plain(item, suffix="!") }}{{ with_context(item) }}{% endfor %}
{% set ns = namespace(total=0) %}{% for n in range(3) %}{% set ns.total = ns.total + n %}{% endfor %}{{ ns.total }}
{{ with_environment() }} {{ with_eval_context() }} {{ callable_object(text) }} {{ items | map("string") | join }}
{% for item in items %}{{ loop.cycle("odd", "even") }}{% call(x) box2(item) %}[{{ x }}]{% endcall %}{% endfor %}
"""


@jinja2.pass_context
def _with_context(context, item):
    return f"{item}@{context['number']}"


@jinja2.pass_environment
def _with_environment(environment):
    return type(environment).__name__


@jinja2.pass_eval_context
def _with_eval_context(eval_context):
    return f"autoescape={eval_context.autoescape}"


class _CallableObject:
    @jinja2.pass_context
    def __call__(self, context, value):
        return f"{value}#{context['number']}"


CALLS = dict(plain=lambda value, suffix="": f"<{value}{suffix}>", with_context=_with_context,
             with_environment=_with_environment, with_eval_context=_with_eval_context,
             callable_object=_CallableObject())


@pytest.mark.parametrize("text", ["plain", "Kyiv & <Moscow> \"quoted\" 'single'", "", "&amp; already"])
def test_a_template_writes_the_same_bytes_as_with_stock_escaping(tmp_path, text):
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "probe.html").write_text(TEMPLATE, encoding="utf-8")
    env = theme.make_environment(tmp_path, load_config(tmp_path), tmp_path / "bytecode")
    stock = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "templates")), autoescape=True,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                               keep_trailing_newline=True)
    context = dict(text=text, markup=Markup("<em>safe</em>"), number=3, html_object=_Html(),
                   items=[text, Markup("<br>"), 7], **CALLS)
    expected = stock.get_template("probe.html").render(context)
    assert env.get_template("probe.html").render(context) == expected
    # Again from the compiled templates kept on disk, as every later build loads them.
    again = theme.make_environment(tmp_path, load_config(tmp_path), tmp_path / "bytecode")
    assert again.get_template("probe.html").render(context) == expected
    for made in (env, again):  # the fast escape was in use, from source and from the compiled form
        assert made.get_template("probe.html").root_render_func.__globals__["escape"] is theme._output_escape
        assert made.context_class is theme._Context  # and the shorter calls


def test_an_undefined_name_still_fails_the_page(tmp_path):
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    env = theme.make_environment(tmp_path, load_config(tmp_path))
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
