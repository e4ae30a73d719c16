"""sitegen deploy: build for production, then publish the result as one new commit on the Pages branch.

The site is built cold into a temporary folder: never into build/, which may hold a preview with
drafts and which `serve` may be watching, and never with the site's .sitegen-cache/, so what is
published does not depend on a cache and nothing is written into the site. Its files become a git
tree through a temporary index, so the user's index, working tree and current branch are never used.
The tree is committed on top of the remote publishing branch, fetched first (ghp-import skips that
step, so its pushes from fresh clones get rejected and users reach for --force, wiping the branch's
history), and pushed without force. Only after the push succeeds does the local branch move: a
failure at any step leaves nothing half-done.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from sitegen import __version__
from sitegen.build import BuildOptions, BuildResult, build
from sitegen.config import Config, load_config
from sitegen.errors import Problem, SiteError
from sitegen.git import Git, GitError
from sitegen.publish import (Changes, Source, Target, commit_tree, deploy_problem, diff_trees, fetch_branch,
                             move_local_branch, push_commit, tree_of, write_tree)

SITE_SOURCES = ("content", "templates", "static", "site.yaml")  # what a build reads from the site
SHOWN_PATHS = 5
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True, slots=True)
class DeployOptions:
    remote: str | None = None  # default: site.yaml deploy.remote
    branch: str | None = None  # default: site.yaml deploy.branch
    message: str | None = None  # first line of the commit message; the source commit is always named
    dry_run: bool = False  # show what would change; commit and push nothing
    push: bool = True  # False: commit to the local branch only
    force: bool = False  # replace the remote branch even if it moved on since it was fetched
    now: dt.datetime | None = None  # what counts as "future" (tests pin it)


@dataclass(frozen=True, slots=True)
class DeployResult:
    ok: bool
    outcome: str  # "published", "committed" (--no-push), "unchanged", "dry-run" or "failed"
    remote: str = ""
    url: str = ""  # the remote's URL with any credentials masked
    branch: str = ""
    commit: str | None = None  # the new commit; for "unchanged", the remote's
    changes: Changes = Changes()
    warnings: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    build: BuildResult | None = None


def deploy(site_dir: Path | str, options: DeployOptions = DeployOptions(),
           report: Callable[[str], None] | None = None) -> DeployResult:
    """Build site_dir for production and publish it; report(line) hears each step and warning as it happens."""
    run = _Deployment(Path(site_dir).resolve(), options, report or (lambda line: None))
    try:
        return run.publish()
    except SiteError as exc:
        return run.result("failed", problems=exc.problems)
    except GitError as exc:
        return run.result("failed", problems=(Problem("deploy", None, str(exc)),))


class _Deployment:
    """One deploy, step by step; holds what the final DeployResult reports."""

    def __init__(self, site_dir: Path, options: DeployOptions, report: Callable[[str], None]):
        self.site_dir, self.options, self.report = site_dir, options, report
        self.warnings: list[str] = []
        self.dirty: list[str] = []
        self.target: Target | None = None
        self.built: BuildResult | None = None

    def publish(self) -> DeployResult:
        config = load_config(self.site_dir)
        git = open_repository(self.site_dir)
        target = self.target = find_target(git, config, self.options)
        checkout = find_publishing_checkout(git, target.branch)
        if not self.options.dry_run:
            check_identity(git)
        self.check_before_publishing(git, config, target)
        with tempfile.TemporaryDirectory(prefix="sitegen-deploy-") as tmp:
            output = self.build_site(Path(tmp) / "site", config)
            parent = fetch_branch(git, target, self.report)
            tree = write_tree(git, output, Path(tmp) / "index")
        published_tree = tree_of(git, parent)
        changes = diff_trees(git, published_tree, tree)
        self.warn_about_cname(changes, config, target)
        if tree == published_tree:
            if not self.options.dry_run:
                self.update_local_branch(git, target, parent, checkout)  # it lags after a deploy killed after its push
            return self.result("unchanged", commit=parent)
        if self.options.dry_run:
            return self.result("dry-run", changes=changes)
        commit = commit_tree(git, tree, parent, commit_message(describe_source(git), self.options.message, self.dirty))
        if self.options.push:
            push_commit(git, target, commit, self.options.force, self.report)
        self.update_local_branch(git, target, commit, checkout)
        return self.result("published" if self.options.push else "committed", commit=commit, changes=changes)

    def check_before_publishing(self, git: Git, config: Config, target: Target) -> None:
        """Say what the user should know before anything is published."""
        self.dirty = uncommitted_site_files(git)
        if self.dirty:
            self.warn(f"uncommitted changes in the site are built as they are on disk: {_some(self.dirty)} "
                      "(commit them so that the published site matches a commit)")
        if (urlsplit(config.base_url).hostname or "") in LOCAL_HOSTS:
            self.warn(f"base_url is {config.base_url}, so feeds and canonical links will point there; set base_url "
                      "in site.yaml to the published address (https://USER.github.io/REPO/ for project pages)")
        if self.options.force and self.options.push and not self.options.dry_run:
            self.warn(f"--force: the push replaces {target.remote}'s {target.branch} even if someone published "
                      "since it was fetched; their commits would drop out of its history")

    def build_site(self, output: Path, config: Config) -> Path:
        """A production build: drafts and future articles left out, the configured base_url."""
        self.report(f"Building the site for {config.base_url} (drafts and future articles left out)")
        # A cold build (use_cache=False): what is published never depends on the state of .sitegen-cache/,
        # and deploy writes nothing into the site folder.
        self.built = build(self.site_dir, BuildOptions(output=output, drafts=False, future=False, now=self.options.now,
                                                       use_cache=False))
        if not self.built.ok:
            raise SiteError(self.built.problems)
        for note in self.built.notes:
            self.report(note)
        add_publishing_files(output, config.deploy.cname)
        return output

    def warn_about_cname(self, changes: Changes, config: Config, target: Target) -> None:
        # GitHub writes CNAME into the branch when a custom domain is set in the repository's settings;
        # dropping it silently takes the site off its domain.
        if "CNAME" in changes.removed and not config.deploy.cname:
            self.warn(f"{target.branch} has a CNAME file and site.yaml sets no deploy.cname, so CNAME is removed "
                      "and a custom domain stops working; set deploy.cname in site.yaml to keep it")

    def update_local_branch(self, git: Git, target: Target, commit: str, checkout: Path | None) -> None:
        try:
            move_local_branch(git, target, commit, checkout, self.report)
        except GitError as exc:
            if not self.options.push:
                raise
            # The remote holds the site; only the local copy of the branch lags, and the next deploy catches it up.
            self.warn(f"the local {target.branch} branch was not moved to {commit[:7]}: {exc}")

    def warn(self, text: str) -> None:
        self.warnings.append(text)
        self.report(f"warning: {text}")

    def result(self, outcome: str, **fields) -> DeployResult:
        target = self.target
        where = dict(remote=target.remote, url=target.url, branch=target.branch) if target else {}
        return DeployResult(ok=outcome != "failed", outcome=outcome, warnings=tuple(self.warnings), build=self.built,
                            **where, **fields)


def open_repository(site_dir: Path) -> Git:
    """The git command for the repository holding site_dir; a clear problem when there is none."""
    if not site_dir.is_dir():
        raise deploy_problem(f"{site_dir} is not a folder")
    git = Git(site_dir)
    if not git.ok("rev-parse", "--show-toplevel"):
        raise deploy_problem(f"{site_dir} is not in a git repository",
                             "sitegen deploy publishes from a git repository: git init, commit the site, "
                             "and add the GitHub repository as a remote")
    return git


def find_target(git: Git, config: Config, options: DeployOptions) -> Target:
    """The remote and branch to publish to, checked, with the remote's credentials registered for masking."""
    remote = options.remote or config.deploy.remote
    branch = options.branch or config.deploy.branch
    if not git.ok("check-ref-format", "--branch", branch):
        raise deploy_problem(f"'{branch}' is not a valid branch name", "set deploy.branch in site.yaml or --branch")
    proc = git.run("remote", "get-url", remote)
    if proc.returncode != 0:
        known = git.out("remote").split()
        raise deploy_problem(f"no git remote named '{remote}'",
                             f"known remotes: {', '.join(known)}; use --remote or deploy.remote in site.yaml" if known
                             else "add one with: git remote add origin https://github.com/USER/REPO.git")
    url = proc.stdout.strip()
    git.add_secrets(url)
    git.add_secrets(git.out("remote", "get-url", "--push", remote))
    local_tip = git.run("rev-parse", "--verify", "-q", f"refs/heads/{branch}^{{commit}}").stdout.strip() or None
    return Target(remote, branch, git.mask(url), local_tip)


def find_publishing_checkout(git: Git, branch: str) -> Path | None:
    """Another worktree that has the publishing branch checked out (it is moved along), if any.

    Publishing to the branch being worked on would replace the source with the built site, and a
    dirty checkout of the publishing branch would lose its changes: both are refused."""
    here = Path(git.out("rev-parse", "--show-toplevel")).resolve()
    for path in _worktrees_on(git, f"refs/heads/{branch}"):
        if path == here:
            raise deploy_problem(f"refusing to publish to '{branch}', the branch you are working on",
                                 "publish to a branch of its own, such as gh-pages: --branch or deploy.branch")
        if git.out("status", "--porcelain", cwd=path):
            raise deploy_problem(f"'{branch}' is checked out in {path} with uncommitted changes",
                                 "commit or discard them there first: deploy moves that checkout along")
        return path
    return None


def _worktrees_on(git: Git, ref: str) -> list[Path]:
    found = []
    for entry in git.out("worktree", "list", "--porcelain").split("\n\n"):
        fields = dict(line.partition(" ")[::2] for line in entry.splitlines())
        if fields.get("branch") == ref and "prunable" not in fields:
            found.append(Path(fields["worktree"]).resolve())
    return found


def describe_source(git: Git) -> Source | None:
    """The commit the site is built from; None in a repository with no commits yet."""
    proc = git.run("log", "-1", "--format=%H%n%s", "HEAD")
    if proc.returncode != 0:
        return None
    sha, _, subject = proc.stdout.strip().partition("\n")
    return Source(sha, subject)


def check_identity(git: Git) -> None:
    """commit-tree needs a name and email; say so before building rather than after."""
    if not git.ok("var", "GIT_COMMITTER_IDENT"):
        raise deploy_problem("git does not know your name and email, which the deploy commit needs",
                             "git config user.name 'Your Name' && git config user.email you@example.org")


def uncommitted_site_files(git: Git) -> list[str]:
    """Files of the site (content, templates, static, site.yaml) that differ from the last commit."""
    fields = iter(git.out("status", "--porcelain", "-z", "--untracked-files=all", "--", *SITE_SOURCES).split("\0"))
    paths = []
    for entry in fields:
        if entry:
            paths.append(entry[3:])
            if entry[0] in "RC":
                next(fields, None)  # a rename also names the old path
    return paths


def add_publishing_files(output: Path, cname: str | None) -> None:
    """.nojekyll keeps GitHub from running Jekyll (which hides files starting with '_'); CNAME from the config."""
    (output / ".nojekyll").write_bytes(b"")
    if cname:
        (output / "CNAME").write_text(cname + "\n", encoding="utf-8")


def commit_message(source: Source | None, message: str | None, dirty: list[str]) -> str:
    """First line: --message or the source commit; then the source commit and sitegen version, always."""
    origin = f"{source.short} {source.subject}" if source else "a repository with no commits yet"
    lines = [message or (f"Deploy {source.short}: {source.subject}" if source else "Deploy"), "",
             f"Source commit: {origin}", f"Built with sitegen {__version__}"]
    if dirty:
        lines.append(f"Uncommitted changes included: {_some(dirty)}")
    return "\n".join(lines) + "\n"


def _some(paths: list[str]) -> str:
    shown = ", ".join(paths[:SHOWN_PATHS])
    return shown + (f" and {len(paths) - SHOWN_PATHS} more" if len(paths) > SHOWN_PATHS else "")
