"""sitegen deploy when something is wrong: a clear message, exit code 1, and nothing half-done."""
from __future__ import annotations

import socket
import subprocess
import sys

import sitegen.deploy
from conftest import NOW, article
from gitrepos import git, repos  # noqa: F401 - repos is a fixture
from sitegen.cli import main
from sitegen.deploy import DeployOptions, deploy
from sitegen.git import mask_credentials, url_secrets


def run_cli(*args: str) -> int:
    return main(["deploy", *args])


class Rival:
    """While active, a colleague's clone publishes a commit of its own to gh-pages between deploy's fetch and push."""

    def __init__(self, repos, monkeypatch):
        self.repos, self.active, self.pushes = repos, True, 0
        self.clone = repos.clone("colleague")
        real_push = sitegen.deploy.push_commit

        def push_after_rival(*args, **kwargs):
            if self.active:
                self.publish_hand_fix()
            return real_push(*args, **kwargs)

        monkeypatch.setattr(sitegen.deploy, "push_commit", push_after_rival)

    def publish_hand_fix(self) -> None:
        self.pushes += 1
        git(self.clone, "fetch", "--quiet", "origin", "gh-pages")
        git(self.clone, "checkout", "--quiet", "-B", "gh-pages", "FETCH_HEAD")
        (self.clone / f"hotfix-{self.pushes}.html").write_text("fixed by hand\n")
        self.repos.commit(f"Hand fix {self.pushes}", repo=self.clone)
        git(self.clone, "push", "--quiet", "origin", "gh-pages")


def edit_article(repos, title: str) -> None:
    repos.site.write("content/tianjin.md", article(title, "2025-08-30"))
    repos.commit(title)


def test_rejected_push_fails_cleanly_and_force_overrides_it(repos, capfd, monkeypatch):
    assert deploy(repos.path, DeployOptions(now=NOW)).ok
    local = repos.tip(repo=repos.path)
    Rival(repos, monkeypatch)
    edit_article(repos, "Tianjin, second edition")
    before = repos.source_state()
    capfd.readouterr()
    assert run_cli("--site", str(repos.path)) == 1
    err = capfd.readouterr().err
    assert "has commits this deploy does not include" in err and "run sitegen deploy again" in err
    assert "--force" in err and "Deploy failed, nothing was published: 1 problem." in err
    assert repos.history()[0] == "Hand fix 1", "the remote keeps the colleague's commit"
    assert repos.tip(repo=repos.path) == local, "the local branch did not move"
    assert repos.source_state() == before

    assert run_cli("--site", str(repos.path), "--force") == 0
    captured = capfd.readouterr()
    assert "warning: --force" in captured.err and "Published" in captured.out
    history = repos.history()
    assert history[0].startswith("Deploy") and history[1] == "Hand fix 1"
    assert "Hand fix 2" not in history, "--force replaced the commit published during the deploy"


def test_running_again_after_a_rejection_publishes_on_top_of_the_other_commit(repos, monkeypatch):
    assert deploy(repos.path, DeployOptions(now=NOW)).ok
    rival = Rival(repos, monkeypatch)
    edit_article(repos, "Tianjin, calm day")
    result = deploy(repos.path, DeployOptions(now=NOW))
    assert not result.ok and result.outcome == "failed"
    rival.active = False
    again = deploy(repos.path, DeployOptions(now=NOW))
    assert again.ok and again.outcome == "published"
    assert repos.history()[1] == "Hand fix 1", "the other commit is kept in the history"
    assert "hotfix-1.html" not in repos.published(), "the branch holds exactly the new build"


def test_a_push_the_remote_refuses_changes_nothing(repos, capfd):
    hook = repos.origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'gh-pages is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = repos.source_state()
    assert run_cli("--site", str(repos.path)) == 1
    err = capfd.readouterr().err
    assert "origin refused the push (pre-receive hook declined)" in err and "gh-pages is protected" in err
    assert repos.tip() is None and repos.tip(repo=repos.path) is None
    assert repos.source_state() == before


def test_a_token_in_the_remote_url_is_never_printed(repos, capfd):
    with socket.socket() as sock:  # a loopback port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    git(repos.path, "remote", "set-url", "origin", f"https://x-access-token:SEKRET123@127.0.0.1:{port}/news.git")
    for args in ((), ("--dry-run",), ("--quiet",)):
        assert run_cli("--site", str(repos.path), *args) == 1
        captured = capfd.readouterr()
        assert "SEKRET123" not in captured.out + captured.err
        assert "cannot reach remote 'origin'" in captured.err and f"https://***@127.0.0.1:{port}" in captured.err


def test_credentials_are_masked_in_every_form():
    text = "fatal: unable to access 'https://user:p%40ss@github.com/o/r.git/' and ssh://git:pw@host/x, p@ss"
    masked = mask_credentials(text, ("p@ss",))
    assert masked == "fatal: unable to access 'https://***@github.com/o/r.git/' and ssh://***@host/x, ***"
    assert set(url_secrets("https://user:p%40ss@github.com/o/r.git")) == {"p%40ss", "p@ss"}
    assert url_secrets("https://user:x@host/r.git") == (), "too short to mask as plain text without garbling it"


def test_not_a_git_repository(tmp_path, capfd):
    site = tmp_path / "plain"
    (site / "content").mkdir(parents=True)
    assert run_cli("--site", str(site)) == 1
    assert f"deploy: {site} is not in a git repository" in capfd.readouterr().err


def test_missing_remote(repos, capfd):
    assert run_cli("--site", str(repos.path), "--remote", "upstream") == 1
    assert "deploy: no git remote named 'upstream' (known remotes: origin;" in capfd.readouterr().err


def test_refuses_to_publish_to_the_branch_being_worked_on(repos, capfd):
    before = repos.source_state()
    assert run_cli("--site", str(repos.path), "--branch", "main") == 1
    assert "refusing to publish to 'main', the branch you are working on" in capfd.readouterr().err
    assert repos.source_state() == before


def test_a_dirty_checkout_of_the_publishing_branch_is_refused(repos, capfd):
    assert run_cli("--site", str(repos.path), "--quiet") == 0
    published = repos.tip()
    pages = repos.root / "pages"
    git(repos.path, "worktree", "add", "--quiet", str(pages), "gh-pages")
    (pages / "index.html").write_text("edited by hand")
    edit_article(repos, "Tianjin, later")
    capfd.readouterr()
    assert run_cli("--site", str(repos.path)) == 1
    assert f"'gh-pages' is checked out in {pages} with uncommitted changes" in capfd.readouterr().err
    assert repos.tip() == published and (pages / "index.html").read_text() == "edited by hand"


def test_build_problems_stop_the_deploy_before_git_is_touched(repos, capfd):
    repos.site.write("content/broken.md", "---\ntitle: Broken\n---\nNo date.\n")
    repos.commit("Broken article")
    assert run_cli("--site", str(repos.path)) == 1
    err = capfd.readouterr().err
    assert "content/broken.md" in err and "date" in err and "Deploy failed, nothing was published: 1 problem." in err
    assert repos.tip() is None and repos.tip(repo=repos.path) is None


def test_no_committer_identity_is_said_before_building(repos, capfd, monkeypatch):
    monkeypatch.delenv("EMAIL", raising=False)
    for key in ("user.name", "user.email"):
        git(repos.path, "config", "--unset", key)
    git(repos.path, "config", "user.useConfigOnly", "true")
    assert run_cli("--site", str(repos.path)) == 1
    err = capfd.readouterr().err
    assert "git does not know your name and email" in err and "git config user.name" in err
    assert "Building" not in err and repos.tip() is None


def test_invalid_branch_name(repos, capfd):
    assert run_cli("--site", str(repos.path), "--branch", "bad..name") == 1
    assert "'bad..name' is not a valid branch name" in capfd.readouterr().err


def test_killed_after_committing_and_before_pushing_leaves_nothing_half_done(repos):
    before = repos.source_state()
    script = ("import os, signal, sys\nimport sitegen.deploy\n"
              "sitegen.deploy.push_commit = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)\n"
              "from sitegen.cli import main\nmain(['deploy', '--site', sys.argv[1]])\n")
    proc = subprocess.run([sys.executable, "-c", script, str(repos.path)], capture_output=True)
    assert proc.returncode == -9
    assert repos.tip() is None and repos.tip(repo=repos.path) is None, "neither branch moved"
    assert repos.source_state() == before
    assert deploy(repos.path, DeployOptions(now=NOW)).outcome == "published", "a second run completes the deploy"
    assert repos.tip() == repos.tip(repo=repos.path)
