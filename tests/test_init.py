"""sitegen init: a new site that builds at once, with every setting explained; never overwrites a file."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from sitegen.build import BuildOptions, build
from sitegen.cli import main
from sitegen.config import _CHECKERS, load_config
from sitegen.scaffold import create_site, pages_workflow_file, requirement_from_direct_url
from sitegen.sitedirs import builtin_theme_dir

WORKFLOW = ".github/workflows/pages.yml"


def test_init_creates_a_site_that_builds_at_once(tmp_path, capsys):
    site = tmp_path / "my-digest"
    assert main(["init", str(site)]) == 0
    assert "created  site.yaml" in capsys.readouterr().out
    today = dt.date.today()
    assert (site / "content/welcome-to-your-news-digest.md").is_file() and (site / "static").is_dir()
    assert not (site / "templates").exists() and not (site / ".github").exists()
    assert load_config(site).title == "My Digest"
    result = build(site)
    assert result.ok, result.problems
    page = (site / f"build/{today:%Y/%m/%d}/welcome-to-your-news-digest/index.html").read_text()
    assert "<h1>Welcome to your news digest</h1>" in page and ">Al Jazeera</a>" in page
    assert not list((site / "build").glob(".git*")), "the .gitkeep in static/ is not published"
    subprocess.run(["git", "init", "--quiet"], cwd=site, check=True)
    ignored = subprocess.run(["git", "check-ignore", "build/index.html", ".build.lock"], cwd=site,
                             capture_output=True, text=True).stdout.split()
    assert ignored == ["build/index.html", ".build.lock"], ".gitignore keeps the build output out of git"


def test_site_yaml_shows_and_explains_every_setting(tmp_path):
    create_site(tmp_path / "s")
    text = (tmp_path / "s/site.yaml").read_text()
    assert set(yaml.safe_load(text)) == set(_CHECKERS), "every setting sitegen knows, and nothing else"
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line and not line[0].isspace() and not line.startswith("#"):
            previous = next(lines[i] for i in range(number - 1, -1, -1) if lines[i].strip())
            assert previous.startswith("#"), f"site.yaml setting without an explanation: {line}"


def test_init_never_overwrites_and_adds_no_example_to_a_site_with_articles(tmp_path, capsys):
    site = tmp_path / "existing"
    (site / "content").mkdir(parents=True)
    (site / "site.yaml").write_text("title: Mine\n")
    (site / "content/mine.md").write_text("---\ntitle: Mine\ndate: 2025-01-01\n---\nMine.\n")
    assert main(["init", str(site), "--templates"]) == 0
    out = capsys.readouterr().out
    assert "kept     site.yaml (already there)" in out and "no example article" in out
    assert (site / "site.yaml").read_text() == "title: Mine\n"
    assert [p.name for p in (site / "content").iterdir()] == ["mine.md"]
    (site / "templates/base.html").write_text("{# mine #}")
    again = create_site(site, templates=True, github_pages=True)
    assert "templates/base.html" in again.kept and (site / "templates/base.html").read_text() == "{# mine #}"
    assert set(again.created) == {WORKFLOW, "requirements.txt"}


def test_templates_option_copies_the_default_theme(tmp_path):
    site = tmp_path / "themed"
    create_site(site, templates=True)
    theme = builtin_theme_dir()
    for path in theme.rglob("*"):
        if path.is_file():
            assert (site / "templates" / path.relative_to(theme)).read_bytes() == path.read_bytes()
    assert build(site, BuildOptions(output=tmp_path / "out")).ok


def test_github_pages_option_writes_the_repository_workflow(tmp_path):
    site = tmp_path / "pages"
    result = create_site(site, github_pages=True)
    assert (site / WORKFLOW).read_bytes() == (REPO / WORKFLOW).read_bytes()
    assert "sitegen" in (site / "requirements.txt").read_text()
    assert any("Settings > Pages" in step for step in result.next_steps)


def test_workflow_is_githubs_pages_from_artifact_flow(tmp_path):
    flow = yaml.safe_load((REPO / WORKFLOW).read_text())
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert flow["concurrency"]["group"] == "pages"
    build_steps = flow["jobs"]["build"]["steps"]
    uses = [step.get("uses") for step in build_steps]
    assert uses[:2] == ["actions/checkout@v4", "actions/setup-python@v5"]
    assert "actions/configure-pages@v5" in uses and "actions/upload-pages-artifact@v3" in uses
    pages = next(s for s in build_steps if s.get("uses") == "actions/configure-pages@v5")
    assert pages["id"] == "pages"
    upload = next(s for s in build_steps if s.get("uses") == "actions/upload-pages-artifact@v3")
    assert upload["with"]["path"] == "build"
    runs = [step["run"] for step in build_steps if "run" in step]
    assert any("pip install ." in run for run in runs)
    build_run = next(run for run in runs if "sitegen build" in run)
    assert build_run == 'sitegen build --base-url "${{ steps.pages.outputs.base_url }}/"'
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["steps"][-1]["uses"] == "actions/deploy-pages@v4" and deploy["steps"][-1]["id"] == "deployment"
    run_build_step_of_the_workflow(tmp_path, build_run)


def run_build_step_of_the_workflow(tmp_path: Path, command: str) -> None:
    """The workflow's build command, as the runner would run it for project pages, on a new site."""
    site = tmp_path / "project"
    create_site(site, github_pages=True)
    command = command.replace("${{ steps.pages.outputs.base_url }}", "https://user.github.io/project")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", "-c", command], cwd=site, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    home = (site / "build/index.html").read_text()
    assert 'href="/project/tags/' in home, "links carry the project-pages path prefix"


def test_installed_wheel_inits_a_site_with_the_packaged_workflow(tmp_path):
    """Installed from the wheel, far from the repository, init still writes the repository's workflow."""
    proc = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path),
                           str(REPO)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("sitegen-*.whl"))
    assert zipfile.ZipFile(wheel).read("sitegen/_pages_workflow.yml") == (REPO / WORKFLOW).read_bytes()
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    script = ("import sys; sys.path.insert(0, sys.argv[1]); from sitegen.cli import main; "
              "main(['init', sys.argv[2], '--github-pages']); raise SystemExit(main(['build', '--site', sys.argv[2]]))")
    site = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-c", script, str(target), str(site)], capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (site / WORKFLOW).read_bytes() == (REPO / WORKFLOW).read_bytes()
    assert (site / "build/index.html").is_file()
    assert pages_workflow_file() == REPO / WORKFLOW, "a checkout uses the repository's file itself"


@pytest.mark.parametrize("command, examples", [
    ("init", ["sitegen init my-digest --github-pages", "--templates"]),
    ("deploy", ["sitegen deploy --dry-run", "--force", "--no-push", "--message"]),
])
def test_init_and_deploy_help_show_examples(command, examples, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert all(example in out for example in examples)


def test_init_into_a_file_is_an_error(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["init", str(target)]) == 1
    assert "exists and is not a folder" in capsys.readouterr().err


def test_folder_names_that_mean_something_in_yaml_still_make_a_valid_title(tmp_path):
    site = tmp_path / "news: #1 digest"
    create_site(site)
    assert load_config(site).title == "News: #1 Digest"


def test_requirement_names_the_git_commit_sitegen_was_installed_from():
    direct = '{"url": "https://github.com/org/sitegen", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}'
    assert requirement_from_direct_url(direct) == "sitegen @ git+https://github.com/org/sitegen@abc123"
    assert requirement_from_direct_url('{"url": "file:///src/sitegen", "dir_info": {"editable": true}}') is None
    assert requirement_from_direct_url(None) is None and requirement_from_direct_url("not json") is None
