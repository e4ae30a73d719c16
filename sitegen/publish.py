"""Publishing a folder as one commit on a remote branch, with git plumbing (deploy.py decides when).

Every step goes through the git command and works beside the user's checkout, never in it: blobs are
hashed straight from the folder, the tree is written from a temporary index, the commit is made with
commit-tree, and the branch is pushed by commit id. No step touches the current working tree, its index
or HEAD.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sitegen.errors import Problem, SiteError
from sitegen.git import Git, GitError

FILE_MODE = "100644"  # a built site holds plain files only


@dataclass(frozen=True, slots=True)
class Target:
    """Where a deploy publishes: a remote, its branch, and the local branch's tip before the deploy."""

    remote: str
    branch: str
    url: str  # credentials masked
    local_tip: str | None

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.branch}"


@dataclass(frozen=True, slots=True)
class Source:
    """The commit a site is built from."""

    sha: str
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class Changes:
    """Files a deploy adds, changes and removes on the publishing branch."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


def deploy_problem(message: str, hint: str = "") -> SiteError:
    """A deploy failure the user can act on: printed as 'deploy: message (hint)', exit code 1."""
    return SiteError([Problem("deploy", None, message, hint)])


def fetch_branch(git: Git, target: Target, report: Callable[[str], None]) -> str | None:
    """Fetch the remote branch and return its tip; None when the remote has no such branch yet."""
    report(f"Fetching {target.branch} from {target.remote} ({target.url})")
    proc = git.run("ls-remote", target.remote, target.ref)
    if proc.returncode != 0:
        raise deploy_problem(f"cannot reach remote '{target.remote}' ({target.url})", git.failure("ls-remote", proc))
    tips = [line.split("\t")[0] for line in proc.stdout.splitlines() if line.endswith(f"\t{target.ref}")]
    if not tips:
        report(f"{target.remote} has no {target.branch} branch yet: this deploy creates it")
        return None
    try:
        git.out("fetch", "--quiet", "--no-tags", target.remote, target.ref)
    except GitError as exc:
        raise deploy_problem(f"cannot fetch {target.branch} from '{target.remote}' ({target.url})", str(exc)) from None
    if not git.ok("cat-file", "-e", f"{tips[0]}^{{commit}}"):
        raise deploy_problem(f"{target.remote}'s {target.branch} changed while it was being fetched", "run deploy again")
    return tips[0]


def write_tree(git: Git, folder: Path, index: Path) -> str:
    """Store every file under folder in the repository, byte for byte, and return the tree holding them.

    hash-object --no-filters keeps the user's autocrlf, attributes and ignore rules away from the
    published bytes; the temporary index keeps the user's own index out of it."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    if any("\n" in str(p) for p in files):
        raise deploy_problem("a file name in the built site contains a line break, which git's plumbing cannot take")
    blobs = git.out("hash-object", "-w", "--no-filters", "--stdin-paths",
                    input="".join(f"{p}\n" for p in files)).split("\n") if files else []
    entries = "".join(f"{FILE_MODE} {blob}\t{path.relative_to(folder).as_posix()}\0" for blob, path in zip(blobs, files))
    git.out("update-index", "--add", "-z", "--index-info", input=entries, index=index)
    return git.out("write-tree", index=index)


def tree_of(git: Git, commit: str | None) -> str:
    """The tree of a commit; the empty tree for None (a branch that does not exist yet)."""
    return git.out("rev-parse", f"{commit}^{{tree}}") if commit else git.out("mktree", input="")


def diff_trees(git: Git, old: str, new: str) -> Changes:
    """What publishing tree new over tree old adds, changes and removes."""
    fields = git.out("diff-tree", "-r", "-z", "--no-renames", "--name-status", old, new).split("\0")
    by_status: dict[str, list[str]] = {"A": [], "M": [], "D": []}
    for status, path in zip(fields[0::2], fields[1::2]):
        by_status.get(status, by_status["M"]).append(path)  # T (type change) counts as changed
    return Changes(tuple(by_status["A"]), tuple(by_status["M"]), tuple(by_status["D"]))


def commit_tree(git: Git, tree: str, parent: str | None, message: str) -> str:
    """A new commit of tree on top of parent (the remote tip), so the branch's history is kept."""
    return git.out("commit-tree", tree, *(["-p", parent] if parent else []), "-F", "-", input=message)


def push_commit(git: Git, target: Target, commit: str, force: bool, report: Callable[[str], None]) -> None:
    """Push commit to the remote branch, without force unless asked; a clear problem when it is refused."""
    report(f"Pushing to {target.remote} {target.branch}{' with --force' if force else ''}")
    args = ("push", "--porcelain", *(["--force"] if force else []), target.remote, f"{commit}:{target.ref}")
    proc = git.run(*args)
    if proc.returncode == 0:
        return
    status = next((line.split("\t")[2] for line in proc.stdout.splitlines()
                   if line.startswith("!") and line.count("\t") >= 2 and f":{target.ref}\t" in line), "")
    if status.startswith("[rejected]"):
        raise deploy_problem(f"{target.remote}'s {target.branch} has commits this deploy does not include (someone "
                             "published after it was fetched); nothing was pushed",
                             "run sitegen deploy again to publish on top of them, or --force to replace them")
    if status.startswith("[remote rejected]"):
        raise deploy_problem(f"{target.remote} refused the push {status.removeprefix('[remote rejected]').strip()}; "
                             "nothing was published", git.failure("push", proc))
    raise deploy_problem(f"cannot push to '{target.remote}' ({target.url}); nothing was published",
                         git.failure("push", proc))


def move_local_branch(git: Git, target: Target, commit: str, checkout: Path | None,
                      note: Callable[[str], None]) -> None:
    """Point the local publishing branch at commit, the way the remote now has it.

    When another worktree has the branch checked out (and clean: deploy checks that first), that
    checkout moves with it, so it does not suddenly show the old site as uncommitted changes."""
    old = target.local_tip
    if old == commit:
        return
    if old and not git.ok("merge-base", "--is-ancestor", old, commit):
        note(f"the local {target.branch} was at {old[:7]}, which is not in the published history; it now points "
             f"at {commit[:7]} (git reflog {target.branch} still has the old commit)")
    if checkout:
        git.out("reset", "--quiet", "--keep", commit, cwd=checkout)
    else:
        git.out("update-ref", "-m", "sitegen deploy", target.ref, commit, old or "")
