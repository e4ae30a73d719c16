"""The build memo, in SQLite: parsed content files, rendered Markdown, rendered routes and the output manifest.

Only pure, expensive results are kept, each under a key of everything it depends on, so a stale
entry can never be used: a changed file has a new (path, mtime, size) key, a changed body a new
Markdown key, a changed page a new route key. The database lives in `.sitegen-cache/` beside the
site (git-ignored, safe to delete); one that cannot be read is thrown away and rebuilt. SQLite keeps
memory flat at newsroom scale (article HTML stays on disk) and lets worker processes read it.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator

from sitegen import __version__
from sitegen.article import ARTICLE_FIELDS
from sitegen.errors import Problem, SiteError

CACHE_DIR = ".sitegen-cache"
# A body's HTML (about 5 KB in a news digest) and a route's pickle fit in a page of this size, where
# 4 KB pages (SQLite's default) chained most of them over overflow pages: a cold build of 10,000
# articles took 0.3 to 0.5 s longer.
PAGE_SIZE = 16384
RECENT_BODIES = 256  # rendered bodies kept in memory (about 5 KB each in a news digest)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS markup (key TEXT PRIMARY KEY, html TEXT, summary TEXT, words INTEGER, names TEXT);
-- Small rows read in bulk are WITHOUT ROWID, stored in key order: reading one output's 90,000
-- manifest rows through a separate index cost a random lookup per row (0.2 s at 50,000 articles).
CREATE TABLE IF NOT EXISTS routes (key TEXT PRIMARY KEY, sha TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS manifest (output TEXT, rel TEXT, size INTEGER, mtime INTEGER, sha TEXT,
                                     PRIMARY KEY (output, rel)) WITHOUT ROWID;
-- The saved plan, narrow tables apart from wide ones: a build by the plan reads every row of the
-- first two, and only a few of the others.
CREATE TABLE IF NOT EXISTS plan_files (output TEXT, file TEXT, file_key TEXT, shape TEXT,
                                       PRIMARY KEY (output, file)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS plan_routes (output TEXT, rel TEXT, key TEXT, PRIMARY KEY (output, rel)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS plan_shows (output TEXT, file TEXT, routes TEXT, PRIMARY KEY (output, file));
CREATE TABLE IF NOT EXISTS plan_pickles (output TEXT, rel TEXT, blob BLOB, PRIMARY KEY (output, rel));
CREATE TABLE IF NOT EXISTS plan_shared (output TEXT, id TEXT, blob BLOB, PRIMARY KEY (output, id));
"""
_PLAN_TABLES = ("plan_files", "plan_routes", "plan_shows", "plan_pickles", "plan_shared")
_TABLES = ("parsed", "markup", "routes", "manifest", *_PLAN_TABLES)
# Pickled articles are positional (content.Article.__reduce__): a change of fields is a new format.
_FORMAT = f"sitegen {__version__} cache 10 {','.join(ARTICLE_FIELDS)}"


class BuildCache:
    """Open with a folder; the same object can serve many builds (serve keeps one open)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / "cache.sqlite"
        self._db: sqlite3.Connection | None = None
        self._pid = None
        self._recent_html: dict[str, str] = {}

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():  # a forked worker needs its own connection
            self._db = self._open()
            self._pid = os.getpid()
        return self._db

    def _open(self) -> sqlite3.Connection:
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except (sqlite3.DatabaseError, ValueError):
            self._remove_files()  # corrupt or foreign: start again, it is only a memo
            try:
                return self._connect()
            except sqlite3.Error as exc:
                raise cache_problem(self.folder, exc) from None

    def _connect(self) -> sqlite3.Connection:
        db = self._connect_file()
        row = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        if row is None or row[0] != _FORMAT:  # new, or another version's tables: start again
            for table in _TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("DELETE FROM meta")
            _take_page_size(db)
            db.executescript(_SCHEMA)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (_FORMAT,))
        return db

    def _connect_file(self) -> sqlite3.Connection:
        # serve builds on its own thread; builds never overlap (output_lock), so sharing is safe
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # only a new file takes it (before WAL and any table)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # a lost write only costs a recomputation
        db.executescript(_SCHEMA)
        return db

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    def meta(self, key: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else ""

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def drop_meta_prefix(self, prefix: str) -> None:
        self.db.execute("DELETE FROM meta WHERE key LIKE ?", (prefix.replace("%", "") + "%",))

    # parsed content files: key (path, mtime, size, config) -> ParsedFile (without the body)
    def parsed_files(self, keys: Iterable[str] | None = None) -> dict[str, object]:
        """Every parse in the memo, or those of the given keys that it holds."""
        if keys is None:
            rows = self.db.execute("SELECT key, value FROM parsed")  # a cursor: the blobs are not all held at once
        else:
            rows = self._blobs("parsed", "key", keys, value="value").items()
        result = {}
        for key, blob in rows:
            try:
                result[key] = pickle.loads(blob)
            except Exception:  # noqa: BLE001 - an unreadable entry is simply recomputed
                continue
        return result

    def forget_parsed(self, stale: Iterable[str]) -> None:
        """Drop the parses of files that changed or vanished."""
        self._sync("parsed", (), stale)

    # Markdown: body key -> (html, summary, words, names: search.name_candidates, one per line)
    def markup_known(self, keys: Iterable[str]) -> dict[str, tuple[str, int]]:
        """(summary, words) of every key already rendered."""
        return {key: (summary, words) for key, summary, words in self._rows_in("markup", "key", "summary, words", keys)}

    def markup_digest(self, key: str) -> tuple[str, int]:
        """(summary, words) of a rendered body."""
        return self._markup_row(key, "summary, words")

    def put_parsed_and_markup(self, parses: Iterable[tuple[str, object]],
                              rows: Iterable[tuple[str, str, str, int, str]]) -> None:
        """New parses (file key -> ParsedFile) and rendered bodies, in one transaction."""
        with self._transaction() as db:
            db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?)",
                           ((key, pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)) for key, parsed in parses))
            db.executemany("INSERT OR REPLACE INTO markup VALUES (?, ?, ?, ?, ?)", rows)

    def markup_names(self, key: str) -> list[str]:
        return _name_list(self._markup_row(key, "names")[0])

    def markup_digests(self, keys: Iterable[str]) -> MarkupDigests:
        """markup_digest and markup_names of these bodies, read in one pass over the memo: a full build
        asks for every body's twice in each worker (its view, its search shard), and a query each was
        15 us. (The pass reads the rows it does not need too: 50 ms at 10,000, against 90 ms for
        queries of 500 keys each.)"""
        wanted = set(keys)
        return MarkupDigests({key: (summary, words, names) for key, summary, words, names
                              in self.db.execute("SELECT key, summary, words, names FROM markup") if key in wanted})

    def markup_html(self, key: str) -> str:
        # The bodies read last are kept: a term's JSON Feed is rendered right after its Atom feed,
        # with the same 50 bodies, and the newest stories are in many feeds. A key names one text, so
        # what is kept is never stale.
        html = self._recent_html.get(key)
        if html is None:
            html = self._recent_html[key] = self._markup_row(key, "html")[0]
            if len(self._recent_html) > RECENT_BODIES:
                del self._recent_html[next(iter(self._recent_html))]  # the oldest
        return html

    def _markup_row(self, key: str, columns: str) -> tuple:
        row = self.db.execute(f"SELECT {columns} FROM markup WHERE key=?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row

    # Routes: route key -> sha of the bytes it rendered to
    def route_shas(self, keys: Iterable[str] | None = None) -> dict[str, str]:
        """Every route key's sha, or those of the given keys that the memo holds."""
        if keys is None:
            return dict(self.db.execute("SELECT key, sha FROM routes"))
        return self._blobs("routes", "key", keys, value="sha")

    def update_routes(self, new: dict[str, str], stale: Iterable[str]) -> None:
        self._sync("routes", list(new.items()), stale)

    # Manifest: what sitegen last wrote into an output folder
    def manifest(self, output: Path, rels: Iterable[str] | None = None) -> dict[str, tuple[int, int, str]]:
        """rel -> (size, mtime, sha) of every file sitegen last wrote into output, or of the given files."""
        if rels is None:
            rows = self.db.execute("SELECT rel, size, mtime, sha FROM manifest WHERE output=?", (str(output),))
        else:
            rows = self._rows_in("manifest", "rel", "size, mtime, sha", rels, output)
        return {rel: (size, mtime, sha) for rel, size, mtime, sha in rows}

    def manifest_stamps(self, output: Path) -> Iterator[tuple[str, int, int]]:
        """(rel, size, mtime) of each file in the manifest, as a cursor (nothing held in memory)."""
        return self.db.execute("SELECT rel, size, mtime FROM manifest WHERE output=?", (str(output),))

    def manifest_size(self, output: Path) -> int:
        return self.db.execute("SELECT count(*) FROM manifest WHERE output=?", (str(output),)).fetchone()[0]

    def update_manifest(self, output: Path, new: dict[str, tuple[int, int, str]], removed: Iterable[str]) -> None:
        with self._transaction() as db:
            db.executemany("DELETE FROM manifest WHERE output=? AND rel=?", ((str(output), r) for r in removed))
            db.executemany("INSERT OR REPLACE INTO manifest VALUES (?, ?, ?, ?, ?)",
                           ((str(output), rel, *values) for rel, values in new.items()))

    def forget_manifest(self, output: Path) -> None:
        self.db.execute("DELETE FROM manifest WHERE output=?", (str(output),))

    # The saved plan of each output folder (see planmemo): per content file, the version and shape it
    # was planned from and the routes that show it; per route, its key and pickled form; terms and
    # archives, pickled once.
    def plan_file_keys(self, output: Path) -> dict[str, str]:
        return dict(self.db.execute("SELECT file, file_key FROM plan_files WHERE output=?", (str(output),)))

    def plan_file_shapes(self, output: Path, files: Iterable[str]) -> dict[str, tuple[str, str]]:
        """file -> (shape, the routes that show it, joined by newlines)."""
        files = list(files)
        shows = dict(self._rows_in("plan_shows", "file", "routes", files, output))
        return {file: (shape, shows.get(file, "")) for file, shape in self._rows_in("plan_files", "file", "shape",
                                                                                  files, output)}

    def plan_route_keys(self, output: Path) -> dict[str, str]:
        return dict(self.db.execute("SELECT rel, key FROM plan_routes WHERE output=?", (str(output),)))

    def plan_route_blobs(self, output: Path, rels: Iterable[str]) -> dict[str, bytes]:
        return dict(self._rows_in("plan_pickles", "rel", "blob", rels, output))

    def plan_shared_blobs(self, output: Path, ids: Iterable[str]) -> dict[str, bytes]:
        return dict(self._rows_in("plan_shared", "id", "blob", ids, output))

    def plan_shows(self, output: Path) -> dict[str, str]:
        """file -> the routes that show it, joined by newlines."""
        return dict(self.db.execute("SELECT file, routes FROM plan_shows WHERE output=?", (str(output),)))

    def save_plan(self, output: Path, files: Iterable[tuple[str, str, str]], shows: Iterable[tuple[str, str]],
                  gone_files: Iterable[str], keys: Iterable[tuple[str, str]], pickles: Iterable[tuple[str, bytes]],
                  gone_routes: Iterable[str], shared: Iterable[tuple[str, bytes]]) -> None:
        """The rows that differ from the saved ones: files (file, file_key, shape), what they show
        (file, routes), route keys (rel, key) and pickles (rel, blob) replace theirs; the rows of files
        and routes gone are dropped; terms and archives (shared) are saved anew."""
        where = str(output)
        with self._transaction() as db:
            db.execute("DELETE FROM plan_shared WHERE output=?", (where,))
            gone_files, gone_routes = list(gone_files), list(gone_routes)
            for table, column, gone in (("plan_files", "file", gone_files), ("plan_shows", "file", gone_files),
                                        ("plan_routes", "rel", gone_routes), ("plan_pickles", "rel", gone_routes)):
                db.executemany(f"DELETE FROM {table} WHERE output=? AND {column}=?", ((where, key) for key in gone))
            for table, rows, width in (("plan_files", files, 4), ("plan_shows", shows, 3), ("plan_routes", keys, 3),
                                       ("plan_pickles", pickles, 3), ("plan_shared", shared, 3)):
                db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({','.join('?' * width)})",
                               ((where, *row) for row in rows))

    def update_plan(self, output: Path, files: dict[str, str], keys: dict[str, str]) -> None:
        """New file versions of the same shape, and the new keys of the routes that show them."""
        where = str(output)
        with self._transaction() as db:
            db.executemany("UPDATE plan_files SET file_key=? WHERE output=? AND file=?",
                           ((k, where, f) for f, k in files.items()))
            db.executemany("UPDATE plan_routes SET key=? WHERE output=? AND rel=?",
                           ((k, where, r) for r, k in keys.items()))

    def forget_plan_rows(self, output: Path) -> None:
        with self._transaction() as db:
            for table in _PLAN_TABLES:
                db.execute(f"DELETE FROM {table} WHERE output=?", (str(output),))

    def _blobs(self, table: str, column: str, keys: Iterable[str], value: str = "blob") -> dict[str, bytes]:
        return dict(self._rows_in(table, column, value, keys))

    def _rows_in(self, table: str, column: str, values: str, keys: Iterable[str],
                 output: Path | None = None) -> Iterator[tuple]:
        """SELECT column, values FROM table WHERE column IN keys (and output=output), in chunks SQLite accepts."""
        keys = list(keys)
        where = "" if output is None else " AND output=?"
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            yield from self.db.execute(f"SELECT {column}, {values} FROM {table} WHERE {column} IN ({marks}){where}",
                                       chunk if output is None else [*chunk, str(output)])

    def _sync(self, table: str, rows: Iterable[tuple], stale: Iterable[str], width: int = 2) -> None:
        """Drop the stale keys and put the rows (of width columns; an iterable, consumed once)."""
        with self._transaction() as db:
            db.executemany(f"DELETE FROM {table} WHERE key=?", ((k,) for k in stale))
            db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({','.join('?' * width)})", rows)

    def _transaction(self):
        return _Transaction(self.db, self.folder)


def _take_page_size(db: sqlite3.Connection) -> None:
    """Rewrite an emptied cache file made with another page size (an earlier sitegen's) in PAGE_SIZE
    pages. Only a file in rollback-journal mode can change its page size, and leaving WAL needs the
    file to itself: when another process has it open (a preview server), it keeps its pages, which only
    costs time, rather than being pulled from under that process."""
    if db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE:
        return
    db.execute("PRAGMA busy_timeout=0")
    try:
        if db.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete":
            db.execute(f"PRAGMA page_size={PAGE_SIZE}")
            db.execute("VACUUM")
    except sqlite3.OperationalError:
        pass
    finally:
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA journal_mode=WAL")


def cache_problem(folder: Path, exc: Exception) -> SiteError:
    return SiteError([Problem(str(folder), None, f"cannot write the build cache: {exc}",
                              "free some disk space, or delete the folder: it is rebuilt")])


class _Transaction:
    def __init__(self, db: sqlite3.Connection, folder: Path):
        self.db, self.folder = db, folder

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")
        except sqlite3.Error as failure:
            exc = exc or failure
            exc_type = type(failure)
        if exc_type is not None and issubclass(exc_type, sqlite3.Error):
            raise cache_problem(self.folder, exc) from None


def _name_list(names: str) -> list[str]:
    return names.split("\n") if names else []


class MarkupDigests:
    """Rendered bodies' (summary, words) and search names, held in memory (about 0.6 KiB a body)."""

    def __init__(self, rows: dict[str, tuple[str, int, str]]):
        self._rows = rows

    def digest(self, key: str) -> tuple[str, int]:
        summary, words, _ = self._rows[key]
        return summary, words

    def names(self, key: str) -> list[str]:
        return _name_list(self._rows[key][2])
