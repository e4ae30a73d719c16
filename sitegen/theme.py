"""The Jinja2 environment: the site's templates over the built-in theme, autoescape on, strict undefined."""
from __future__ import annotations

import datetime as dt
import functools
import os
import traceback
from pathlib import Path

import jinja2
import jinja2.bccache
import markupsafe
from markupsafe import Markup
from jinja2.loaders import split_template_path

from sitegen import __version__
from sitegen.config import Config
from sitegen.errors import Problem
from sitegen.routes import href
from sitegen.sharing import script_json
from sitegen.sitedirs import builtin_theme_dir, template_dirs
from sitegen.views import LONG_DATE, ArticleView


class _TemplateLoader(jinja2.FileSystemLoader):
    """Jinja's file loader, with a template that is not UTF-8 reported at its file and line."""

    def get_source(self, environment, template):
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            filename = next((path for folder in self.searchpath
                             if os.path.isfile(path := os.path.join(folder, *split_template_path(template)))), None)
            line = exc.object[:exc.start].count(b"\n") + 1
            raise jinja2.TemplateSyntaxError(f"not valid UTF-8 (byte {exc.object[exc.start]:#x}); save the file as "
                                             "UTF-8", line, template, filename) from None


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between builds (compiling them costs more than a one-article rebuild's
    rendering); an entry that cannot be read is compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - damaged or foreign: the template is compiled from source
            bucket.reset()


def _output_escape(value, _str=str, _escape_inner=getattr(markupsafe, "_escape_inner", None), _markup=Markup,
                   _escape=markupsafe.escape):
    """markupsafe.escape for what a template writes out ({{ ... }}): the same characters, but text comes
    back as plain text rather than as Markup, and Markup as it is. What is written out is only joined
    into the page (Jinja wraps a macro's or a {% set %} block's output in Markup itself), and making a
    Markup object was two thirds of an escape, done about 90 times a page."""
    kind = type(value)
    if kind is _str:
        return _escape_inner(value)
    if kind is _markup:
        return value
    return _escape(value)


class _Template(jinja2.Template):
    """A template whose output escapes are _output_escape. Jinja 3.1 compiles `{{ x }}` to `escape(x)`
    with `escape` a global of the template's module (also its namespace here); nothing else in the
    compiled code calls that name."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        if namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = _output_escape
        return super()._from_namespace(environment, namespace, globals)


_Macro, _Function = jinja2.runtime.Macro, type(lambda: None)


class _Context(jinja2.runtime.Context):
    """Jinja's context, with a shorter way for what templates call most: plain functions (story(),
    partial_cached(), site.url()) and macros, about 15 calls a page. Jinja's own call() looks for
    pass_context markers on the object and on its __call__ first, several lookups each time; a plain
    function without a marker, and a macro (always passed the eval context), are called as it would
    call them. Anything else goes through Jinja's call()."""

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own names: a caller's kwargs may say "self"
        kind = type(__obj)
        if kind is _Macro:
            args = (__self.eval_ctx, *args)
        elif kind is not _Function or "jinja_pass_arg" in __obj.__dict__:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined("value was undefined because a callable raised a"
                                                " StopIteration exception")


_ESCAPE_PROBES = ("<a href=\"x\">'&'</a>", "plain", "", "é ‘quotes’ — Київ 東京 🙂 &amp; &#39;", "\x00<\U0010ffff>")


def _escapes_as_checked() -> bool:
    """Whether MarkupSafe's inner escape is there and, for text, gives plain text with what escape()
    gives, as _output_escape relies on. Asked of the functions themselves: MarkupSafe's __version__ is
    deprecated (and will go), and reading it loads importlib.metadata and scans the installed packages,
    10 ms of every build's start. Anything unexpected, an error included, keeps stock escaping."""
    inner = getattr(markupsafe, "_escape_inner", None)
    try:
        return callable(inner) and all(type(made := inner(text)) is str and made == str(markupsafe.escape(text))
                                       for text in _ESCAPE_PROBES)
    except Exception:  # noqa: BLE001 - another signature or behaviour: not the function this was checked on
        return False


# Checked on Jinja 3.1 with MarkupSafe 3.0: the same bytes as stock on the benchmark's corpus and the
# tests' sites. With any other Jinja, or an inner escape that works otherwise, templates escape as stock.
_FAST_ESCAPE = jinja2.__version__.startswith("3.1.") and _escapes_as_checked()


def make_environment(site_dir: Path, config: Config, bytecode_dir: Path | None = None) -> jinja2.Environment:
    """The environment; with bytecode_dir, compiled templates are kept there for the next build."""
    dirs = template_dirs(site_dir)
    loader = jinja2.ChoiceLoader([
        _TemplateLoader([str(d) for d in dirs]),
        jinja2.PrefixLoader({"default": _TemplateLoader(str(builtin_theme_dir()))}),
    ])
    cache = None
    if bytecode_dir is not None:
        # The folder is per sitegen version: the entries are keyed by template source only, not by
        # the environment's options below.
        folder = bytecode_dir / f"sitegen-{__version__}"
        folder.mkdir(parents=True, exist_ok=True)
        cache = _BytecodeCache(str(folder))
    # auto_reload off: an environment lives for one build, during which templates do not change (with
    # it on, every page looked at the modification time of each template it uses).
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=cache,
                             auto_reload=False)
    if _FAST_ESCAPE:
        env.template_class = _Template
        env.context_class = _Context
    tz = config.tz
    env.filters["date_long"] = _date_filter(lambda d: _local(d, tz).strftime(LONG_DATE))
    env.filters["date_short"] = _date_filter(lambda d: _local(d, tz).strftime("%-d %b %Y"))
    env.filters["time"] = _date_filter(lambda d: _local(d, tz).strftime("%H:%M"))
    env.filters["isodate"] = _date_filter(lambda d: _local(d, tz).isoformat())
    env.filters["month_name"] = lambda m: dt.date(2000, m, 1).strftime("%B")
    env.filters["thousands"] = lambda n: f"{n:,}"
    env.filters["script_json"] = script_json
    env.globals["site"] = site_globals(config)
    env.globals["story"] = _story_function(env)
    env.globals["partial_cached"] = _partial_function(env)
    return env


def site_globals(config: Config) -> dict:
    """`site` in every template: a page's context has it, and so do partials and imported macros."""
    return {
        "title": config.title, "description": config.description, "language": config.language,
        "base_url": config.base_url, "author": config.author, "params": config.params,
        "url": lambda path: href(config, path),
    }


STORY_TEMPLATE = "_story.html"
MAX_STORIES_KEPT = 20_000  # fragments of about 700 bytes: at most about 20 MB in a worker, at any site size


def _story_function(env: jinja2.Environment):
    """story(item, heading_level): a story as listings show it (STORY_TEMPLATE), rendered once per story
    and heading level in each process, like Hugo's partialCached. A story appears on its day's, month's
    and year's pages, its outlet's and each of its topics' (about ten listings each in the benchmark's
    corpus), and rendering it each time was a third of a listing page's work. The fragment sees
    nothing but its two arguments, so those make its key; its trailing whitespace is dropped, the
    caller lays it out."""
    kept: dict[tuple[int, int], tuple[object, Markup]] = {}

    def story(item: ArticleView, heading_level: int = 3) -> Markup:
        key = (id(item), heading_level)
        hit = kept.get(key)
        if hit is not None and hit[0] is item:
            return hit[1]
        html = Markup(env.get_template(STORY_TEMPLATE).render(item=item, heading_level=heading_level).rstrip())
        # Only views: they cannot change, and each is kept with its fragment, so its id is never reused.
        if type(item) is ArticleView:
            if len(kept) >= MAX_STORIES_KEPT:
                kept.clear()
            kept[key] = (item, html)
        return html

    return story


MAX_PARTIALS_KEPT = 1_000
_KEY_TYPES = frozenset({str, int, float, bool, type(None)})


def _partial_function(env: jinja2.Environment):
    """partial_cached(name, **variables): the template name rendered with these variables, once per
    process for each set of their values, as Hugo's partialCached. It is for the parts of every page
    that depend on the site and a value or two: base.html's masthead and footer (a dozen site.url calls
    and about fifty escapes) were 14% of a page's rendering. Such a template sees the globals (`site`)
    and its variables only. Values other than text, numbers, booleans and None are rendered every time.
    Trailing whitespace is dropped, as story() does: the caller lays the fragment out."""
    kept: dict[tuple, Markup] = {}

    def partial_cached(name: str, **variables) -> Markup:
        # Only plain values make a key, each with its type: Markup("<b>") and "<b>" are equal, as are
        # True and 1, and render differently; anything else may change between calls.
        key = (name, *sorted((k, type(v), v) for k, v in variables.items())) \
            if all(type(v) in _KEY_TYPES for v in variables.values()) else None
        hit = kept.get(key) if key is not None else None
        if hit is not None:
            return hit
        html = Markup(env.get_template(name).render(variables).rstrip())
        if key is not None:
            if len(kept) >= MAX_PARTIALS_KEPT:
                kept.clear()
            kept[key] = html
        return html

    return partial_cached


def _date_filter(format_date):
    """A date filter that remembers its last few thousand results: a page formats its story's date up to
    four times, and a related story's on every page that links to it (strftime is 2 µs). The key holds
    fold and type besides the value: times an hour apart around a change of clocks, or a date and a
    datetime, can compare equal."""
    @functools.lru_cache(maxsize=4096)
    def formatted(moment, fold, kind):
        return format_date(moment)

    return lambda moment: formatted(moment, getattr(moment, "fold", 0), type(moment))


def _local(moment: dt.datetime, tz) -> dt.datetime:
    return moment.astimezone(tz)


def template_problem(exc: BaseException, site_dir: Path, template: str, owner: str | None) -> Problem | None:
    """Turn a Jinja error into a Problem at the template's file and line; None when it is not the template's fault."""
    if isinstance(exc, jinja2.TemplateNotFound):
        looked_in = "templates are looked up in the site's templates/, then in the built-in theme"
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")]
        if exc.name != template and frames:  # included or extended by a template: that is where to fix it
            return Problem(_display(site_dir, frames[-1].filename, template), frames[-1].lineno,
                           f"unknown template '{exc.name}'", looked_in)
        return Problem(owner or _display(site_dir, None, exc.name), None, f"unknown template '{exc.name}'", looked_in)
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(_display(site_dir, exc.filename, exc.name or template), exc.lineno, f"template syntax: {exc.message}")
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith((".html", ".xml", ".txt"))]
    if not frames:
        return None
    frame = frames[-1] if not isinstance(exc, RecursionError) else frames[0]  # where the circle starts
    message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    if isinstance(exc, RecursionError):
        message = "it includes, extends or calls itself without end"
    return Problem(_display(site_dir, frame.filename, template), frame.lineno, f"template error: {message}")


def _display(site_dir: Path, filename, fallback: str) -> str:
    """A template path as the user knows it: relative to the site when it is the site's own."""
    if not filename:
        return f"templates/{fallback}"
    path = Path(filename).resolve()
    if path.is_relative_to(site_dir.resolve()):
        return path.relative_to(site_dir.resolve()).as_posix()
    theme = builtin_theme_dir().resolve()
    return f"(built-in theme) {path.relative_to(theme).as_posix()}" if path.is_relative_to(theme) else str(path)
