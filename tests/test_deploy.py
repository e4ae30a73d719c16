"""sitegen deploy against real git: a bare repository as origin, the site in a clone of it."""
from __future__ import annotations

from conftest import NOW, article
from gitrepos import git, repos  # noqa: F401 - repos is a fixture
from sitegen import __version__
from sitegen.cli import main
from sitegen.deploy import DeployOptions, deploy

NOJEKYLL = {".nojekyll": b""}


def publish(repos, **options):
    result = deploy(repos.path, DeployOptions(now=NOW, **options))
    assert result.ok, result.problems
    return result


def test_deploy_publishes_exactly_the_build_and_an_edit_adds_one_commit_on_top(repos):
    before = repos.source_state()
    first = publish(repos)
    assert first.outcome == "published" and first.commit == repos.tip()
    assert repos.published() == repos.expected(**NOJEKYLL)
    assert "CNAME" not in repos.published()
    assert len(first.changes.added) == len(repos.published()) and not first.changes.removed

    repos.site.write("content/tianjin.md", article("Tianjin summit ends", "2025-08-30", "Leaders left.", source="Punch"))
    source = repos.commit("Tianjin: summit ends")
    second = publish(repos)
    assert repos.published() == repos.expected(**NOJEKYLL)
    assert b"Tianjin summit ends" in repos.published()["2025/08/30/tianjin/index.html"]
    assert git(repos.origin, "rev-parse", "gh-pages^") == first.commit, "the first deploy stays in the history"
    assert repos.history() == [f"Deploy {source[:7]}: Tianjin: summit ends", f"Deploy {before['head'][:7]}: First digest"]
    body = git(repos.origin, "log", "-1", "--format=%b", "gh-pages")
    assert f"Source commit: {source[:7]} Tianjin: summit ends" in body and f"sitegen {__version__}" in body
    assert "2025/08/30/tianjin/index.html" in second.changes.changed
    assert "tags/china/index.html" in second.changes.removed, "the article lost its only tag"
    assert repos.tip(repo=repos.path) == second.commit, "the local branch follows what was published"


def test_source_branch_index_and_working_tree_are_untouched_and_uncommitted_changes_are_reported(repos):
    repos.site.write("content/staged.md", article("Staged story", "2025-09-01"))
    git(repos.path, "add", "content/staged.md")
    repos.site.write("content/tianjin.md", article("Tianjin, edited", "2025-08-30"))
    repos.site.write("notes.txt", "not part of the site\n")
    before = repos.source_state()
    heard = []
    result = deploy(repos.path, DeployOptions(now=NOW), report=heard.append)
    assert result.ok
    assert repos.source_state() == before
    assert git(repos.path, "rev-parse", ":content/staged.md") == git(repos.path, "hash-object", "content/staged.md")
    warning = next(w for w in result.warnings if "uncommitted" in w)
    assert "content/staged.md" in warning and "content/tianjin.md" in warning and "notes.txt" not in warning
    assert heard.index(f"warning: {warning}") < heard.index("Pushing to origin gh-pages"), "said before publishing"
    published = repos.published()
    assert "2025/09/01/staged/index.html" in published, "what is on disk is what gets published"
    assert "notes.txt" not in published
    assert "Uncommitted changes included" in git(repos.origin, "log", "-1", "--format=%b", "gh-pages")


def test_a_deploy_that_changes_nothing_makes_no_commit(repos, capsys):
    first = publish(repos)
    assert main(["deploy", "--site", str(repos.path)]) == 0
    assert f"Nothing to publish: origin gh-pages already holds this build ({first.commit[:7]})" in capsys.readouterr().out
    assert repos.tip() == first.commit and len(repos.history()) == 1
    git(repos.path, "update-ref", "-d", "refs/heads/gh-pages")  # as if killed between the push and this step
    assert publish(repos).outcome == "unchanged" and repos.tip(repo=repos.path) == first.commit


def test_cname_comes_from_site_yaml_and_goes_when_unset_with_a_warning(repos):
    repos.site.write("site.yaml", repos.site.root.joinpath("site.yaml").read_text() + "deploy: {cname: news.example.org}\n")
    repos.commit("Custom domain")
    publish(repos)
    assert repos.published()["CNAME"] == b"news.example.org\n"
    assert repos.published() == repos.expected(CNAME=b"news.example.org\n", **NOJEKYLL)

    repos.site.write("site.yaml", repos.site.root.joinpath("site.yaml").read_text().replace("news.example.org", "null"))
    repos.commit("No custom domain")
    result = publish(repos)
    assert "CNAME" not in repos.published() and result.changes.removed == ("CNAME",)
    assert any("custom domain stops working" in w for w in result.warnings)


def test_dry_run_lists_the_changes_and_pushes_nothing(repos, capsys):
    first = publish(repos)
    repos.site.write("content/new.md", article("A new story", "2025-10-01", tags=["China"]))
    repos.commit("New story")
    before = repos.source_state()
    assert main(["deploy", "--site", str(repos.path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "  added    2025/10/01/new/index.html" in out
    assert "  changed  index.html" in out
    assert "Dry run: publishing would change" in out and "nothing was committed" in out
    assert repos.tip() == first.commit and repos.tip(repo=repos.path) == first.commit
    assert repos.source_state() == before


def test_dry_run_before_the_first_deploy_lists_every_file_as_added(repos):
    result = publish(repos, dry_run=True)
    assert result.outcome == "dry-run" and set(result.changes.added) == set(repos.expected(**NOJEKYLL))
    assert repos.tip() is None and repos.tip(repo=repos.path) is None


def test_no_push_commits_to_the_local_branch_only(repos, capsys):
    assert main(["deploy", "--site", str(repos.path), "--no-push", "--message", "Evening edition"]) == 0
    assert "not pushed" in capsys.readouterr().out
    local = repos.tip(repo=repos.path)
    assert local and repos.tip() is None
    assert git(repos.path, "log", "-1", "--format=%s", "gh-pages") == "Evening edition"
    assert "Source commit:" in git(repos.path, "log", "-1", "--format=%b", "gh-pages")
    assert publish(repos).outcome == "published", "a later deploy publishes on top of the remote branch"
    assert repos.tip() == repos.tip(repo=repos.path)


def test_deploy_from_a_fresh_shallow_clone_keeps_the_history(repos):
    """The ghp-import trap: a depth-1 clone (as CI makes) has no gh-pages; fetching it first avoids --force."""
    publish(repos)
    repos.site.write("content/second.md", article("Second story", "2025-09-01"))
    repos.commit("Second story")
    publish(repos)
    git(repos.path, "push", "--quiet", "origin", "main")
    ci = repos.clone("ci", "--depth", "1")
    assert git(ci, "rev-parse", "--is-shallow-repository") == "true"
    (ci / "content/third.md").write_text(article("Third story", "2025-09-02"))
    repos.commit("Third story", repo=ci)
    git(ci, "checkout", "--quiet", "--detach")  # as CI checks out a pull request
    result = deploy(ci, DeployOptions(now=NOW))
    assert result.ok and result.outcome == "published", result.problems
    assert [s.split(":")[1].strip() for s in repos.history()] == ["Third story", "Second story", "First digest"]


def test_publishing_checkout_in_another_worktree_moves_along(repos):
    first = publish(repos)
    pages = repos.root / "pages"
    git(repos.path, "worktree", "add", "--quiet", str(pages), "gh-pages")
    repos.site.write("content/tianjin.md", article("Tianjin, revised", "2025-08-30"))
    repos.commit("Revise")
    second = publish(repos)
    assert git(pages, "rev-parse", "HEAD") == second.commit != first.commit
    assert git(pages, "status", "--porcelain") == "", "the checkout shows the published site, no stray changes"
    assert b"Tianjin, revised" in (pages / "2025/08/30/tianjin/index.html").read_bytes()

