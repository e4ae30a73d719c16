"""Articles -> content/<slug>.md, without ever losing or duplicating the newsroom's files.

- Identity: `id` is a hash of the headline and outlet, normalised (case, accents, punctuation), so the
  same story under the same headline is one article however often it is imported. Files without an
  `id` (written by hand) get the same identity from their own title and source.
- A file that is already there is never rewritten. `import_hash` records what the import wrote; if the
  file no longer matches it, the editor has changed it, and the report says so.
- Two different headlines with the same slug get content/x.md and content/x-2.md.
- Each file is written to a temporary name, synced, then linked into place, which fails rather than
  overwrite a file that appeared meanwhile: after a crash a file is complete or absent.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import Config
from sitegen.content import decode_text, dump_article, split_front_matter
from sitegen.content_files import CONTENT_DIR, find_content_files
from sitegen.errors import Problem, SiteError
from sitegen.slugs import MAX_LENGTH, fold_accents, slugify
from sitegen.yamldoc import YamlError, load_yaml

IMPORT_HASH = "import_hash"

WRITE = "write"  # a new file
IMPORTED = "imported"  # already imported, unchanged since
EDITED = "edited"  # already imported, changed by the editor since
OWN = "own"  # already there, written by hand
REPEAT = "repeat"  # the same article earlier in this very import


@dataclass(frozen=True, slots=True)
class Planned:
    """What happens to one article: `action` is one of the constants above; `path` is relative to the site."""

    action: str
    path: str
    title: str
    text: str = ""  # the file's text, for WRITE

    def describe(self, dry_run: bool = False) -> str:
        return "would write" if dry_run and self.action == WRITE else _DESCRIPTIONS[self.action]

    @property
    def needs_attention(self) -> bool:
        """The editor should hear of it: a file of theirs stands where the import would have written."""
        return self.action in (EDITED, OWN)


_DESCRIPTIONS = {WRITE: "wrote", IMPORTED: "already imported", REPEAT: "repeated in the input, imported once",
                 EDITED: "left alone: edited since it was imported", OWN: "left alone: already there, not imported"}


def article_id(title: str, source: str | None) -> str:
    """The same for the same headline from the same outlet, whatever the quotes, case or accents."""
    def words(text: str) -> str:
        return " ".join(re.findall(r"\w+", fold_accents(text).casefold()))
    return hashlib.sha256(f"{words(title)}|{words(source or '')}".encode()).hexdigest()[:16]


def import_hash(meta: dict, body: str) -> str:
    """A hash of the values written, so that re-saving the same YAML differently does not count as an edit."""
    values = json.dumps({k: v for k, v in meta.items() if k != IMPORT_HASH}, sort_keys=True, ensure_ascii=False,
                        default=str)
    return hashlib.sha256(f"{values}\0{body.strip()}".encode()).hexdigest()[:16]


def plan_files(site_dir: Path, articles: list[tuple[dict, str]], config: Config, stamp: bool = True) -> list[Planned]:
    """Decide, for each (front matter, body), which file it becomes or why it is left alone. stamp: record
    import_hash (imports do; `sitegen new` does not, since nothing was imported)."""
    known, taken = _existing(site_dir, config)
    planned, batch = [], {}
    for meta, body in articles:
        key = article_id(meta["title"], meta.get("source"))
        if key in known:
            planned.append(Planned(known[key][1], known[key][0], meta["title"]))
        elif key in batch:
            planned.append(Planned(REPEAT, batch[key], meta["title"]))
        else:
            slug = free_slug(slugify(meta["title"]), taken)
            taken.add(slug)
            batch[key] = f"{CONTENT_DIR}/{slug}.md"
            planned.append(Planned(WRITE, batch[key], meta["title"], _file_text({**meta, "id": key}, body, stamp)))
    return planned


def _file_text(meta: dict, body: str, stamp: bool) -> str:
    return dump_article({**meta, IMPORT_HASH: import_hash(meta, body)} if stamp else meta, body)


def free_slug(slug: str, taken: set[str]) -> str:
    """slug, or slug-2, slug-3 … cut so that the whole stays within the slug length limit."""
    if slug not in taken:
        return slug
    for number in itertools.count(2):
        candidate = f"{slug[:MAX_LENGTH - len(str(number)) - 1].rstrip('-')}-{number}"
        if candidate not in taken:
            return candidate
    raise AssertionError("unreachable")


def _existing(site_dir: Path, config: Config) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Identity -> (path, IMPORTED | EDITED | OWN) of every article in content/, and every slug in use."""
    known, slugs = {}, set()
    for path in find_content_files(site_dir):
        slugs.add(path.stem)
        meta, body = _read_front_matter(path)
        if meta is None:
            continue  # a broken file keeps its slug; `sitegen build` reports what is wrong with it
        if isinstance(meta.get("slug"), str):
            slugs.add(meta["slug"])
        key = meta.get("id")
        if not isinstance(key, str):
            if not isinstance(meta.get("title"), str):
                continue
            source = meta.get("source")
            key = article_id(meta["title"], config.canonical_source(source) if isinstance(source, str) else None)
        known.setdefault(key, (path.relative_to(site_dir).as_posix(), _state(meta, body)))
    return known, slugs


def _state(meta: dict, body: str) -> str:
    if IMPORT_HASH not in meta:
        return OWN
    return IMPORTED if meta[IMPORT_HASH] == import_hash(meta, body) else EDITED


def _read_front_matter(path: Path) -> tuple[dict | None, str]:
    try:
        text, problem = decode_text(path.name, path.read_bytes())
        front, body, _ = split_front_matter(text) if not problem else ("", "", 0)
        data = load_yaml(front).data
    except (OSError, ValueError, YamlError):
        return None, ""
    return (data, body) if isinstance(data, dict) else (None, "")


def write_planned(site_dir: Path, planned: list[Planned]) -> None:
    """Create the WRITE files; SiteError listing any that could not be (the others are written)."""
    problems = []
    for item in planned:
        if item.action != WRITE:
            continue
        target = site_dir / item.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _create_atomically(target, item.text.encode("utf-8"))
        except FileExistsError:
            problems.append(Problem(item.path, None, "appeared while importing; not overwritten (import again)"))
        except OSError as exc:
            problems.append(Problem(item.path, None, f"cannot write: {exc.strerror or exc}"))
    if problems:
        raise SiteError(problems)


def _create_atomically(target: Path, data: bytes) -> None:
    """Write data to a new file at target, complete or not at all; FileExistsError if target exists."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")  # dot file: ignored by builds
    try:
        with open(temp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, target)  # atomic, and refuses to replace
        except FileExistsError:
            raise
        except OSError:  # a filesystem without hard links
            if target.exists():
                raise FileExistsError(target) from None
            os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
