"""Running the git command for deploy: one place that sets the environment and hides credentials.

sitegen never reimplements git: every repository operation is a `git` subprocess. Its output is
captured, never passed through, so that a token in a remote URL (https://user:TOKEN@host/...) can be
masked in every message, including git's own errors, before anyone sees it.
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

# scheme://userinfo@ -> scheme://***@ ; userinfo ends at the first '@' before any '/'.
_URL_USERINFO = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")
_ERROR_LINES = 6
# Secrets are also masked wherever they appear outside a URL; a very short password would turn that
# into masking ordinary letters, and the URL form of it is masked anyway.
_MIN_SECRET = 4


def mask_credentials(text: str, secrets: tuple[str, ...] = ()) -> str:
    """text with the user:password part of every URL replaced by ***, and every known secret too."""
    text = _URL_USERINFO.sub(r"\1***@", text)
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def url_secrets(url: str) -> tuple[str, ...]:
    """The parts of a remote URL that must never be shown: its password, raw and decoded."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return ()
    return tuple(s for s in {password, unquote(password)} if len(s) >= _MIN_SECRET) if password else ()


class GitError(Exception):
    """A git command failed; the message is already masked and safe to print."""


@dataclass
class Git:
    """The git command for one repository, with credentials masked in everything it reports."""

    cwd: Path
    secrets: tuple[str, ...] = ()
    env: dict = field(default_factory=lambda: _git_environment(os.environ))

    def run(self, *args: str, input: str | None = None, index: Path | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
        """Run git; the completed process, whatever its exit code."""
        env = self.env if index is None else {**self.env, "GIT_INDEX_FILE": str(index)}
        try:
            return subprocess.run(["git", *args], cwd=cwd or self.cwd, env=env, input=input, capture_output=True,
                                  text=True, encoding="utf-8", errors="surrogateescape")
        except FileNotFoundError:
            raise GitError("git is not installed (sitegen deploy runs the git command)") from None

    def out(self, *args: str, **kwargs) -> str:
        """Run git and return its output without the final newline; GitError when it fails."""
        proc = self.run(*args, **kwargs)
        if proc.returncode != 0:
            raise GitError(self.failure(args[0], proc))
        return proc.stdout.rstrip("\n")

    def ok(self, *args: str, **kwargs) -> bool:
        """True when the git command succeeds (for questions like 'is this an ancestor?')."""
        return self.run(*args, **kwargs).returncode == 0

    def failure(self, command: str, proc: subprocess.CompletedProcess) -> str:
        """A one-line, masked description of a failed git command and its last error lines."""
        lines = [line.strip() for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
        detail = " / ".join(lines[-_ERROR_LINES:]) or f"exit code {proc.returncode}"
        return self.mask(f"git {command} failed: {detail}")

    def mask(self, text: str) -> str:
        return mask_credentials(text, self.secrets)

    def add_secrets(self, url: str) -> None:
        """Remember the credentials in url so that no later message shows them."""
        self.secrets = tuple(dict.fromkeys(self.secrets + url_secrets(url)))


def _git_environment(base) -> dict:
    """The environment for git: never prompt for a password (a deploy must not hang in CI), and never
    take optional locks, so that `git status` does not rewrite the user's index."""
    return {**base, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
