"""Where a site's inputs live: its folders and the built-in theme. Standard library only, so the
"nothing changed" check can look at them without importing the template engine."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

STATIC_DIR = "static"
TEMPLATES_DIR = "templates"
THEME_ASSETS = "assets"


def builtin_theme_dir() -> Path:
    """The default theme: packaged as sitegen/_theme in a wheel, the repository's templates/ in a checkout."""
    packaged = Path(str(resources.files("sitegen") / "_theme"))
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "templates"


def template_dirs(site_dir: Path) -> list[Path]:
    """Where templates are looked up, first match wins; the site's own folder is loaded once even if it is the theme."""
    dirs = [site_dir / TEMPLATES_DIR, builtin_theme_dir()]
    unique = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [u.resolve() for u in unique]:
            unique.append(d)
    return unique
