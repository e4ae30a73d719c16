"""sitegen init: a new digest site that builds at once. Only adds files: an existing file is never overwritten.

The starter files live in sitegen/starter/ as real files (readable, and tested as a site); the GitHub
Pages workflow is the repository's own .github/workflows/pages.yml, packaged into the wheel, so the
two can never drift apart.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from string import Template

from sitegen import __version__
from sitegen.errors import Problem, SiteError
from sitegen.sitedirs import builtin_theme_dir

STARTER_DIR = Path(__file__).resolve().parent / "starter"
WORKFLOW = ".github/workflows/pages.yml"
REQUIREMENTS = "requirements.txt"
# Starter files whose name in the package differs from their name in a site (dotfiles stay out of the package).
RENAMED = {"gitignore": ".gitignore"}
KEEP_FOLDER = "static/.gitkeep"  # git does not keep empty folders; static files starting with '.' are not published


@dataclass(frozen=True, slots=True)
class InitResult:
    root: Path
    created: tuple[str, ...]  # paths relative to root, as written
    kept: tuple[str, ...]  # files that were already there and stay as they were
    next_steps: tuple[str, ...] = ()


def create_site(target: Path | str, templates: bool = False, github_pages: bool = False,
                today: dt.date | None = None) -> InitResult:
    """Create the files of a new site in target (made if missing), leaving any existing file alone."""
    root = Path(target).resolve()
    if root.exists() and not root.is_dir():
        raise SiteError([Problem(str(target), None, "exists and is not a folder", "choose a folder for the new site")])
    files = starter_files(root, today or dt.date.today())
    steps = []
    if _has_articles(root):
        files = {rel: data for rel, data in files.items() if not rel.startswith("content/")}
        steps.append("content/ already has articles, so no example article was added.")
    if templates:
        files.update(theme_files())
    if github_pages:
        requirement = sitegen_requirement()
        files.update({WORKFLOW: pages_workflow_file().read_bytes(), REQUIREMENTS: requirements_text(requirement)})
        steps.append("On GitHub: Settings > Pages > Source: GitHub Actions; every push to main then publishes the site.")
        if requirement is None:
            steps.append(f"Edit {REQUIREMENTS}: say where GitHub Actions installs sitegen from.")
    created, kept = write_new_files(root, files)
    return InitResult(root, tuple(created), tuple(kept), tuple(steps))


def starter_files(root: Path, today: dt.date) -> dict[str, bytes]:
    """The starter site: site.yaml titled after the folder, an example article dated today, .gitignore, static/."""
    values = {"title": json.dumps(_title_from(root.name), ensure_ascii=False), "date": today.isoformat()}  # JSON is YAML
    files = {}
    for path in sorted(p for p in STARTER_DIR.rglob("*") if p.is_file()):
        rel = path.relative_to(STARTER_DIR).as_posix()
        text = Template(path.read_text(encoding="utf-8")).safe_substitute(values)
        files[RENAMED.get(rel, rel)] = text.encode("utf-8")
    files[KEEP_FOLDER] = b""
    return files


def theme_files() -> dict[str, bytes]:
    """The default theme, to be customised in the site's own templates/ (a site's template wins over the built-in one)."""
    theme = builtin_theme_dir()
    return {f"templates/{p.relative_to(theme).as_posix()}": p.read_bytes()
            for p in sorted(theme.rglob("*")) if p.is_file()}


def pages_workflow_file() -> Path:
    """The GitHub Pages workflow: packaged in a wheel, the repository's own file in a checkout."""
    packaged = Path(str(resources.files("sitegen") / "_pages_workflow.yml"))
    return packaged if packaged.is_file() else Path(__file__).resolve().parent.parent / WORKFLOW


def sitegen_requirement() -> str | None:
    """How GitHub Actions can install this very sitegen: the git URL and commit it was installed from, when known.

    Not "sitegen==VERSION": the project called sitegen on PyPI is another program."""
    try:
        direct_url = metadata.distribution("sitegen").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    return requirement_from_direct_url(direct_url)


def requirement_from_direct_url(direct_url: str | None) -> str | None:
    """A pip requirement from an installation's direct_url.json (PEP 610), for installs from a VCS URL only."""
    try:
        info = json.loads(direct_url or "null") or {}
    except ValueError:
        return None
    vcs = info.get("vcs_info") or {}
    if not (vcs.get("vcs") and vcs.get("commit_id") and info.get("url")):
        return None
    return f"sitegen @ {vcs['vcs']}+{info['url']}@{vcs['commit_id']}"


def requirements_text(requirement: str | None) -> bytes:
    line = requirement or f"# sitegen @ git+https://github.com/YOUR-ORG/sitegen@v{__version__}"
    return ("# What GitHub Actions installs to build this site (see .github/workflows/pages.yml).\n"
            "# Not 'pip install sitegen': the project called sitegen on PyPI is a different program.\n"
            f"{line}\n").encode("utf-8")


def write_new_files(root: Path, files: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """Write each file unless it exists; exclusive creation, so a file appearing meanwhile is not overwritten either."""
    created, kept = [], []
    try:
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with open(path, "xb") as handle:
                    handle.write(data)
                created.append(rel)
            except FileExistsError:
                kept.append(rel)
    except OSError as exc:
        raise SiteError([Problem(str(exc.filename or root), None, f"cannot create the site: {exc.strerror}")]) from None
    return created, kept


def _has_articles(root: Path) -> bool:
    content = root / "content"
    return content.is_dir() and any(content.rglob("*.md"))


def _title_from(folder_name: str) -> str:
    words = folder_name.replace("-", " ").replace("_", " ").split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "News Digest"
