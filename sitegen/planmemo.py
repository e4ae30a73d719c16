"""The saved plan: the routes of the last full build, so that a build whose edits change only article
bodies renders just the routes that show those articles, without loading, indexing and planning
every article again.

Why that is safe: a route renders from its context alone (routes.py), and its memo key describes
that context with each article standing in by its file's digest (keys.py). Indexing and planning
read everything of an article but its body, so when every edited article keeps its *shape* (all its
fields but digest and body_key) the index and every route are as they were, except that the edited
articles are new objects: the routes to render again are exactly those whose key described an
edited article, and the plan keeps that list per content file.

A plan is forgotten when a full build starts and saved when it has committed, so it never describes
an output it did not make; and it is used only for the same settings, config, templates, list of
content files and list of static files (its frame). Articles, terms and archives are pickled by
reference, so loading a route loads only the articles it shows.
"""
from __future__ import annotations

import copyreg
import datetime as dt
import hashlib
import io
import json
import pickle
from dataclasses import dataclass, fields
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Sequence

from sitegen.article import ARTICLE_FIELDS, Article
from sitegen.cache import BuildCache
from sitegen.content_files import ContentFile
from sitegen.index import Archive, Term
from sitegen.routes import Route, StaticFile

_META = "plan:"  # + the output folder


def read_only(mapping: dict) -> MappingProxyType:
    """How a pickled route context comes back (the type itself cannot be pickled by name)."""
    return MappingProxyType(mapping)


_DISPATCH = {**copyreg.dispatch_table, MappingProxyType: lambda proxy: (read_only, (dict(proxy),))}
_SHARED = {"t": Term, "y": Archive}
_ARTICLES_AT = {Term: [f.name for f in fields(Term)].index("articles"),
                Archive: [f.name for f in fields(Archive)].index("articles")}


@dataclass(frozen=True, slots=True)
class SavedPlan:
    output: Path
    until: dt.datetime | None  # when a left-out future article comes due, and the plan with it
    skipped: int  # drafts and future articles the plan leaves out
    files: dict[str, str]  # content file -> the file_key of the version planned
    pages: int  # how many files the planned site has (routes and static files, one per output path)


def plan_frame(site_key: str, settings: str, files: list[ContentFile], statics: list[StaticFile]) -> str:
    """What a plan holds for as a whole: sitegen, config and templates (site_key), the build's settings,
    which content files exist and which static files."""
    digest = hashlib.sha256(f"{site_key}\0{settings}\0".encode())
    digest.update("\n".join(f.path for f in files).encode("utf-8", "surrogatepass"))
    digest.update(b"\1" + "\n".join(f"{s.output}\0{s.source}" for s in statics).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


_BODY_FIELDS = ("digest", "body_key")
assert set(_BODY_FIELDS) <= set(ARTICLE_FIELDS)  # renamed, they would count in the shape: every edit a full build
_SHAPE_FIELDS = tuple(name for name in ARTICLE_FIELDS if name not in _BODY_FIELDS)


def article_shape(article: Article) -> str:
    """A hash of all that indexing and planning read of an article: everything but its body."""
    shape = repr(tuple(getattr(article, name) for name in _SHAPE_FIELDS))
    return hashlib.sha256(shape.encode("utf-8", "surrogatepass")).hexdigest()


def forget_plan(cache: BuildCache, output: Path) -> None:
    """No plan for output until save_plan_record. Its rows stay, for save_plan_rows to reuse: without the
    record they are never read as a plan."""
    cache.set_meta(_META + str(output), "")


def drop_plan(cache: BuildCache, output: Path) -> None:
    """The plan of an output folder that is gone, record and rows."""
    forget_plan(cache, output)
    cache.forget_plan_rows(output)


def open_plan(cache: BuildCache, output: Path, frame: str, now: dt.datetime) -> SavedPlan | None:
    """The saved plan of output when it holds for this frame at this time, else None."""
    saved = cache.meta(_META + str(output))
    if not saved:
        return None
    record = json.loads(saved)
    until = dt.datetime.fromisoformat(record["until"]) if record["until"] else None
    if record["frame"] != frame or (until is not None and now >= until) or "pages" not in record:
        return None
    return SavedPlan(output, until, record["skipped"], cache.plan_file_keys(output), record["pages"])


def save_plan_rows(cache: BuildCache, output: Path, files: Iterable[tuple[str, str, Article | None]],
                   routes: list[Route], keys: dict[str, str], shown: dict[str, list[str]],
                   shared: Iterable[Term | Archive]) -> None:
    """Save a full build's plan but its record (save_plan_record, once the output is committed): rows
    without a record are never read as a plan, so they may be written while the pages render.
    files: (file, file_key, article); keys and shown: per route output, its key and the paths of the
    articles it shows; shared: every term and archive of the index, which route pickles refer to."""
    showing: dict[str, list[str]] = {}
    for rel, paths in shown.items():
        for path in dict.fromkeys(paths):
            showing.setdefault(path, []).append(rel)
    articles = [(file, key, article) for file, key, article in files if article is not None]
    # Only the rows that differ from the saved ones are written: after adding one story, most files,
    # and most routes, are as they were. A route whose key is the one saved has the same pickle: its
    # key describes every article it refers to (by a digest of path and text) and every term and
    # archive (by name), so only new and changed routes are pickled; a file with the same file_key
    # has the same article, and so the same shape. Every term and archive is saved anew: the routes
    # kept refer to them too. Generators, so that rows go to SQLite one by one.
    saved_keys, saved_files, saved_shows = cache.plan_route_keys(output), cache.plan_file_keys(output), \
        cache.plan_shows(output)
    shows = ((file, "\n".join(showing.get(article.path, ()))) for file, _, article in articles)
    pickles = ((route.output, _dumps(route)) for route in routes if saved_keys.get(route.output) != keys[route.output])
    shared_rows = ((_shared_id(obj), _dumps(tuple(getattr(obj, f.name) for f in fields(obj)))) for obj in shared)
    current = {file for file, _, _ in articles}
    cache.save_plan(output,
                    files=((file, key, article_shape(article)) for file, key, article in articles
                           if saved_files.get(file) != key),
                    shows=((file, text) for file, text in shows if saved_shows.get(file) != text),
                    gone_files=[file for file in saved_files if file not in current],
                    keys=((rel, key) for rel, key in keys.items() if saved_keys.get(rel) != key),
                    pickles=pickles, gone_routes=[rel for rel in saved_keys if rel not in keys], shared=shared_rows)


def save_plan_record(cache: BuildCache, output: Path, frame: str, until: dt.datetime | None, skipped: int,
                     pages: int) -> None:
    """What makes the rows of save_plan_rows a plan; pages: how many files the site has."""
    record = {"frame": frame, "until": until.isoformat() if until else "", "skipped": skipped, "pages": pages}
    cache.set_meta(_META + str(output), json.dumps(record))


class PlanReader:
    """Routes of the saved plan, with the articles they show as they are now.

    Two passes over a route's pickle: the first lists the articles it refers to, so that they come
    from the parse memo in one query, not one at a time. A term's or an archive's own list of
    articles is only ever counted (keys.py, the templates), so it is fetched only if something
    looks further (_Articles).
    """

    def __init__(self, cache: BuildCache, plan: SavedPlan, site_dir: str, fresh: dict[str, Article]):
        self.cache, self.plan, self.site_dir = cache, plan, site_dir
        self.articles: dict[str, Article] = dict(fresh)  # article path -> article
        self._shared: dict[str, Term | Archive] = {}

    def routes(self, rels: list[str]) -> list[Route]:
        blobs = self.cache.plan_route_blobs(self.plan.output, rels)
        if len(blobs) != len(rels):
            raise LookupError("the saved plan lacks a route")
        refs = [pid for blob in blobs.values() for pid in _references(blob)]
        shared = self.cache.plan_shared_blobs(self.plan.output, {pid for pid in refs if pid[0] in _SHARED})
        for pid, blob in shared.items():
            kind = _SHARED[pid[0]]
            values = list(_loads(blob, lambda ref: ref[2:]))  # the articles as their paths
            values[_ARTICLES_AT[kind]] = _Articles(values[_ARTICLES_AT[kind]], self)
            self._shared[pid] = kind(*values)
        self.fetch({pid[2:] for pid in refs if pid[0] == "a"})
        return [_loads(blobs[rel], self._resolve) for rel in rels]

    def fetch(self, paths: Iterable[str]) -> None:
        """Load the articles at these paths that are not loaded yet."""
        keys = {self.plan.files[f"{self.site_dir}/{path}"]: path for path in paths if path not in self.articles}
        found = self.cache.parsed_files(keys)
        if len(found) != len(keys):
            raise LookupError("the parse memo lacks an article of the saved plan")
        for key, parsed in found.items():
            self.articles[keys[key]] = parsed.article

    def _resolve(self, pid: str):
        return self.articles[pid[2:]] if pid[0] == "a" else self._shared[pid]


class _Articles(Sequence):
    """A term's or an archive's articles, by path until first looked at: counting them is free."""

    def __init__(self, paths: tuple[str, ...], reader: PlanReader):
        self._paths, self._reader, self._loaded = paths, reader, None

    def __len__(self) -> int:
        return len(self._paths)

    def __getitem__(self, index):
        if self._loaded is None:
            self._reader.fetch(self._paths)
            self._loaded = tuple(self._reader.articles[path] for path in self._paths)
        return self._loaded[index]


class _Pickler(pickle.Pickler):
    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = _DISPATCH

    def persistent_id(self, obj):
        return "a\0" + obj.path if type(obj) is Article else _shared_id(obj)


def _shared_id(obj) -> str | None:
    """How a pickle refers to a term or an archive (the plan saves each once); None for anything else."""
    kind = type(obj)
    if kind is Term:
        return f"t\0{obj.kind}\0{obj.slug}"
    if kind is Archive:
        return f"y\0{obj.year}\0{obj.month}"
    return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, resolve):
        super().__init__(io.BytesIO(data))
        self.resolve = resolve

    def persistent_load(self, pid):
        return self.resolve(pid)


def _dumps(obj) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer).dump(obj)
    return buffer.getvalue()


def _loads(data: bytes, resolve):
    return _Unpickler(data, resolve).load()


def _references(data: bytes) -> list[str]:
    found: list[str] = []
    _loads(data, lambda pid: found.append(pid))
    return found
