"""The outside checkers a built site must satisfy: the Nu HTML Checker (vnu.jar, run with Java) and the
JSON Feed 1.1 specification, field by field. Tools come from the project's package.json (npm install)
and scripts/install-system-deps (Java)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit


REPO = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
# vnu needs a deeper stack than the default; the quick (C1) compiler is enough for a run this short
JAVA_FLAGS = ["-Xss4m", "-XX:TieredStopAtLevel=1"]
# A page with exactly one known error, checked with the rest: proves vnu ran and reported into our parser.
CANARY = '<!DOCTYPE html><html lang="en"><head><title>canary</title></head><body><p><li>x</li></body></html>\n'


def html_checker_available() -> bool:
    return VNU_JAR.is_file() and shutil.which("java") is not None


class HtmlCheck:
    """One background run of vnu over whole folders (a JVM start per file would take minutes)."""

    def __init__(self, folders: list[Path], work: Path):
        self.process = None
        if not html_checker_available():
            return
        work.mkdir(parents=True, exist_ok=True)
        self.canary = work / "canary.html"
        self.canary.write_text(CANARY, encoding="utf-8")
        self.report = work / "vnu.json"
        with open(self.report, "wb") as sink:  # vnu writes its report to stderr
            self.process = subprocess.Popen(
                ["java", *JAVA_FLAGS, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json",
                 *map(str, folders), str(self.canary)], stdout=subprocess.DEVNULL, stderr=sink)

    def messages(self, timeout: float = 240) -> list[dict]:
        """Every error vnu reported, the canary's included; waits for the run to end."""
        self.process.wait(timeout=timeout)
        text = self.report.read_text(encoding="utf-8")
        try:
            return json.loads(text)["messages"]
        except (ValueError, KeyError):
            raise AssertionError(f"vnu did not write a JSON report (exit {self.process.returncode}):\n{text[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


# --- JSON Feed 1.1, https://www.jsonfeed.org/version/1.1/ -------------------------------------------

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FEED_FIELDS = {  # name -> (type check, required)
    "version": ("string", True), "title": ("string", True), "home_page_url": ("url", False),
    "feed_url": ("url", False), "description": ("string", False), "user_comment": ("string", False),
    "next_url": ("url", False), "icon": ("url", False), "favicon": ("url", False), "authors": ("authors", False),
    "language": ("string", False), "expired": ("bool", False), "hubs": ("hubs", False), "items": ("items", True),
}
ITEM_FIELDS = {
    "id": ("string", True), "url": ("url", False), "external_url": ("url", False), "title": ("string", False),
    "content_html": ("string", False), "content_text": ("string", False), "summary": ("string", False),
    "image": ("url", False), "banner_image": ("url", False), "date_published": ("date", False),
    "date_modified": ("date", False), "authors": ("authors", False), "tags": ("strings", False),
    "language": ("string", False), "attachments": ("attachments", False),
}


def json_feed_problems(feed) -> list[str]:
    """What in a parsed JSON Feed breaks version 1.1 of the spec; [] when nothing does."""
    if not isinstance(feed, dict):
        return ["the feed is not a JSON object"]
    problems = _object_problems("feed", feed, FEED_FIELDS)
    if feed.get("version") != JSON_FEED_VERSION:
        problems.append(f"feed.version is {feed.get('version')!r}, not {JSON_FEED_VERSION}")
    for number, item in enumerate(feed.get("items") or []):
        where = f"items[{number}]"
        if not isinstance(item, dict):
            problems.append(f"{where} is not an object")
            continue
        problems += _object_problems(where, item, ITEM_FIELDS)
        if "content_html" not in item and "content_text" not in item:
            problems.append(f"{where} has neither content_html nor content_text")
    ids = [item.get("id") for item in feed.get("items") or [] if isinstance(item, dict)]
    if len(ids) != len(set(ids)):
        problems.append("item ids are not unique")
    return problems


def _object_problems(where: str, value: dict, fields: dict) -> list[str]:
    problems = []
    for name, (kind, required) in fields.items():
        if name not in value:
            if required:
                problems.append(f"{where}.{name} is required")
            continue
        if not _CHECKS[kind](value[name]):
            problems.append(f"{where}.{name} is not {kind}: {value[name]!r:.80}")
    unknown = [k for k in value if k not in fields and not k.startswith("_")]  # extensions start with "_"
    problems += [f"{where}.{name} is not a JSON Feed 1.1 field" for name in unknown]
    return problems


def _is_url(value) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme in ("http", "https") and parts.netloc)


def _is_author(value) -> bool:
    keys = {"name": str, "url": str, "avatar": str}
    return (isinstance(value, dict) and bool(value) and set(value) <= set(keys)
            and all(isinstance(value[k], keys[k]) for k in value))


_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "bool": lambda v: isinstance(v, bool),
    "url": _is_url,
    "date": lambda v: isinstance(v, str) and bool(RFC3339.match(v)),
    "strings": lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v),
    "authors": lambda v: isinstance(v, list) and bool(v) and all(_is_author(a) for a in v),
    "hubs": lambda v: isinstance(v, list) and all(isinstance(h, dict) and isinstance(h.get("type"), str)
                                                  and isinstance(h.get("url"), str) for h in v),
    "items": lambda v: isinstance(v, list),
    "attachments": lambda v: isinstance(v, list) and all(
        isinstance(a, dict) and _is_url(a.get("url")) and isinstance(a.get("mime_type"), str) for a in v),
}
