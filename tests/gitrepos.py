"""Real git repositories for deploy tests: a bare repository as the GitHub remote, and clones of it."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import SITE_YAML, Site, article


def git(cwd: Path, *args: str, check: bool = True) -> str:
    """Run git in cwd; its output without the final newline."""
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.rstrip("\n")


class Repos:
    """origin.git (bare), and the site repository cloned from it, with a digest site committed on main."""

    def __init__(self, root: Path):
        self.root = root
        self.origin = root / "origin.git"
        git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(self.origin))
        self.site = Site(self.clone("site"))
        self.site.write("site.yaml", SITE_YAML)
        self.site.write("content/ukraine-force.md", article(
            "UK, France pledge ‘reassurance force’", "2026-01-06T18:00:00+00:00", "Key European allies pledged.",
            source="AlJazeera", tags=["Ukraine", "Security"]))
        self.site.write("content/tianjin.md", article("Tianjin summit", "2025-08-30", "Xi welcomed leaders.",
                                                      source="Punch", tags=["China"]))
        self.commit("First digest")
        git(self.path, "push", "--quiet", "origin", "main")

    @property
    def path(self) -> Path:
        return self.site.root

    def clone(self, name: str, *options: str) -> Path:
        """A clone of origin with a committer identity of its own."""
        target = self.root / name
        git(self.root, "clone", "--quiet", *options, self.url, str(target))
        git(target, "config", "user.name", "Test Editor")
        git(target, "config", "user.email", "editor@example.org")
        return target

    @property
    def url(self) -> str:
        return self.origin.as_uri()  # file:// so that --depth works as it does against GitHub

    def commit(self, message: str, repo: Path | None = None) -> str:
        repo = repo or self.path
        git(repo, "add", "--all")
        git(repo, "commit", "--quiet", "-m", message)
        return git(repo, "rev-parse", "HEAD")

    def tip(self, branch: str = "gh-pages", repo: Path | None = None) -> str | None:
        """The commit a branch points at (in origin unless repo is given); None when there is no such branch."""
        return git(repo or self.origin, "rev-parse", "--verify", "-q", f"refs/heads/{branch}", check=False) or None

    def history(self, branch: str = "gh-pages") -> list[str]:
        """Subjects of the branch's commits in origin, newest first."""
        return git(self.origin, "log", "--format=%s", branch).splitlines()

    def published(self, branch: str = "gh-pages") -> dict[str, bytes]:
        """Every file on origin's branch with its bytes."""
        names = git(self.origin, "ls-tree", "-r", "-z", "--name-only", branch).split("\0")
        return {name: subprocess.run(["git", "cat-file", "blob", f"{branch}:{name}"], cwd=self.origin,
                                     capture_output=True, check=True).stdout for name in names if name}

    def expected(self, **extra: bytes) -> dict[str, bytes]:
        """What a production build of the site holds, plus the given extra files, from a separate build."""
        out = self.root / "expected-build"
        result = self.site.build(output=out)
        assert result.ok, result.problems
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        return {**files, **extra}

    def source_state(self, repo: Path | None = None) -> dict[str, str]:
        """What a deploy must never change in the source repository: HEAD, branch, index, working tree."""
        repo = repo or self.path
        return {"status": git(repo, "status", "--porcelain", "--untracked-files=all"),
                "head": git(repo, "rev-parse", "HEAD"), "branch": git(repo, "symbolic-ref", "HEAD"),
                "index": git(repo, "ls-files", "--stage"), "main": git(self.origin, "rev-parse", "main"),
                "files": repr(sorted((p.relative_to(repo).as_posix(), p.read_bytes()) for p in repo.rglob("*")
                                     if p.is_file() and ".git" not in p.relative_to(repo).parts))}


@pytest.fixture
def repos(tmp_path: Path, monkeypatch) -> Repos:
    """Repositories under tmp_path, with git isolated from the machine's and the user's configuration."""
    for name in list(os.environ):
        if name.startswith("GIT_"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return Repos(tmp_path)
