"""Memo of the expensive, pure parts of a build: parsed content files and rendered Markdown.

Everything else (index, routes, templates) is recomputed each build, which keeps incremental
output identical to a cold build without tracking template dependencies.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sitegen.content import ParsedFile
from sitegen.markup import Rendered, markup_key, render_markdown


@dataclass
class BuildCache:
    """Owned by the caller: serve keeps one warm across rebuilds; a one-off build uses a fresh one."""

    parsed: dict[tuple, ParsedFile] = field(default_factory=dict)
    markup: dict[str, Rendered] = field(default_factory=dict)
    markup_misses: int = 0

    def parsed_file(self, key: tuple, compute: Callable[[], ParsedFile]) -> tuple[ParsedFile, bool]:
        """The cached parse for key (path, mtime, size, config), or compute it. Returns (result, was_parsed)."""
        hit = self.parsed.get(key)
        if hit is not None:
            return hit, False
        result = compute()
        self.parsed[key] = result
        return result, True

    def rendered(self, body: str) -> Rendered:
        key = markup_key(body)
        hit = self.markup.get(key)
        if hit is None:
            hit = self.markup[key] = render_markdown(body)
            self.markup_misses += 1
        return hit

    def forget_missing(self, live_keys: set[tuple]) -> None:
        """Drop parses of files that changed or vanished so a long serve session does not grow without bound."""
        self.parsed = {k: v for k, v in self.parsed.items() if k in live_keys}
