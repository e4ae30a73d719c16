"""The sitegen command: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 success, 1 a problem in the user's input, 2 a bug in sitegen (with a traceback), 130 Ctrl-C.
"""
from __future__ import annotations

import argparse
import gc
import os
import shlex
import sys
import traceback
from pathlib import Path

from sitegen import __version__
from sitegen.cli_serve import add_serve_command
from sitegen.check_command import add_check_command
from sitegen.errors import SiteError, format_problems

EXAMPLES_BUILD = """examples:
  sitegen build                                  build ./ into ./build
  sitegen build --site ~/digest --output /tmp/out
  sitegen build --base-url https://user.github.io/digest/
  sitegen build --drafts --future                preview everything
  sitegen build --no-cache -q                    a cold build, printing only problems
"""


def main(argv: list[str] | None = None) -> int:
    # A command runs once and exits, and sitegen's data has no reference cycles to speak of: collecting
    # a thousand times less often spares the interpreter walking every object it holds, again and again
    # (5-10% of a rebuild). The library leaves the setting alone; this is the command's choice.
    gc.set_threshold(100_000, 50, 100)
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 1
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("Interrupted; the output folder is unchanged.", file=sys.stderr)
        return 130
    except Exception:  # noqa: BLE001 - a user's mistake never gets here: this is a bug
        traceback.print_exc()
        print(f"\nThis is a bug in sitegen {__version__}; please report it with the traceback above.", file=sys.stderr)
        return 2


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description="Static site generator for news digests.",
                                     epilog="Run 'sitegen COMMAND --help' for the options of each command.")
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser("build", help="build the site into build/", epilog=EXAMPLES_BUILD,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                description="Render content/ with templates/ into a deployable static site.")
    add_site_options(build)
    build.add_argument("--output", "-o", type=Path, help="output folder (default: SITE/build)")
    build.add_argument("--base-url", help="override base_url from site.yaml")
    build.add_argument("--no-cache", action="store_true", help="ignore .sitegen-cache/ and build everything afresh")
    build.add_argument("--jobs", "-j", type=int, default=0, help="worker processes for big builds (default: one per core)")
    build.set_defaults(handler=run_build)
    add_import_commands(commands)
    add_serve_command(commands)
    add_deploy_command(commands)
    add_init_command(commands)
    add_check_command(commands)
    return parser


def add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", "-s", type=Path, default=Path("."), help="the site folder (default: .)")
    parser.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only problems")


def run_build(args: argparse.Namespace) -> int:
    from sitegen.build import BuildOptions, build

    result = build(args.site, BuildOptions(output=args.output, drafts=args.drafts, future=args.future,
                                           base_url=args.base_url, use_cache=not args.no_cache, jobs=args.jobs,
                                           progress=progress_printer(args.quiet), strict=args.strict))
    return report_build(result, args.quiet)


def progress_printer(quiet: bool):
    """A progress line on a terminal for long builds; nothing when quiet or when output is not a terminal."""
    if quiet or not sys.stderr.isatty():
        return None
    labels = {"parse": "Reading articles", "render": "Rendering pages"}

    def show(stage: str, done: int, total: int) -> None:
        if total < 500:
            return
        width = 30
        filled = width * done // total
        end = "\n" if done >= total else ""
        print(f"\r{labels.get(stage, stage):<17} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
              end=end, file=sys.stderr, flush=True)
    return show


def report_build(result, quiet: bool) -> int:
    """Print the outcome of a build; the exit code."""
    if not result.ok:
        for line in format_problems(result.problems):
            print(line, file=sys.stderr)
        count = len(result.problems)
        print(f"Build failed: {count} problem{'s' * (count != 1)}; {result.output} is unchanged.", file=sys.stderr)
        return 1
    if not quiet:
        for note in result.notes:
            print(note)
        print(f"Built {result.pages} files in {result.duration:.2f}s: {len(result.written)} written, "
              f"{result.unchanged} unchanged, {len(result.removed)} removed -> {display_path(result.output)}")
    return 0


EXAMPLES_DEPLOY = """examples:
  sitegen deploy                                 build and publish to the gh-pages branch of origin
  sitegen deploy --dry-run                       list the files that would be added, changed, removed
  sitegen deploy --message "Evening edition"
  sitegen deploy --no-push                       commit to the local gh-pages branch only
  sitegen deploy --remote upstream --branch pages

Each deploy adds one commit on top of the remote branch (fetched first), so its history is kept;
nothing is force-pushed unless you say --force. Defaults come from site.yaml `deploy:`.
"""


def add_deploy_command(commands) -> None:
    deploy = commands.add_parser("deploy", help="build and publish the site to GitHub Pages (gh-pages branch)",
                                 epilog=EXAMPLES_DEPLOY, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 description="Build the site for production (no drafts, no future articles) and "
                                             "commit it to the publishing branch, then push that branch.")
    deploy.add_argument("--site", "-s", type=Path, default=Path("."), help="the site folder (default: .)")
    deploy.add_argument("--remote", help="git remote to publish to (default: deploy.remote, origin)")
    deploy.add_argument("--branch", help="branch to publish to (default: deploy.branch, gh-pages)")
    deploy.add_argument("--message", "-m", help="first line of the commit message (the source commit is always named)")
    deploy.add_argument("--dry-run", "-n", action="store_true", help="show what would be published; change nothing")
    deploy.add_argument("--no-push", dest="push", action="store_false", help="commit to the local branch, do not push")
    deploy.add_argument("--force", action="store_true",
                        help="replace the remote branch even if someone published since it was fetched")
    deploy.add_argument("--quiet", "-q", action="store_true", help="print only problems and warnings")
    deploy.set_defaults(handler=run_deploy)


def run_deploy(args: argparse.Namespace) -> int:
    from sitegen.deploy import DeployOptions, deploy

    options = DeployOptions(remote=args.remote, branch=args.branch, message=args.message, dry_run=args.dry_run,
                            push=args.push, force=args.force)
    result = deploy(args.site, options, report=None if args.quiet else lambda line: print(line, file=sys.stderr))
    if args.quiet:
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return report_deploy(result, args.quiet)


def report_deploy(result, quiet: bool) -> int:
    """Print the outcome of a deploy; the exit code."""
    if not result.ok:
        return report_problems(result.problems, "Deploy failed, nothing was published")
    if result.outcome == "dry-run":  # the list is what a dry run is for, so even --quiet prints it
        changes = result.changes
        for label, paths in (("added", changes.added), ("changed", changes.changed), ("removed", changes.removed)):
            for path in paths:
                print(f"  {label:8} {path}")
    if not quiet or result.outcome == "dry-run":
        print(deploy_summary(result))
    return 0


def deploy_summary(result) -> str:
    """One line saying what a successful deploy did."""
    where, changes = f"{result.remote} {result.branch}", result.changes
    counts = f"{len(changes.added)} added, {len(changes.changed)} changed, {len(changes.removed)} removed"
    if result.outcome == "unchanged":
        return f"Nothing to publish: {where} already holds this build ({result.commit[:7]})."
    if result.outcome == "dry-run":
        return f"Dry run: publishing would change {len(changes)} files on {where} ({counts}); nothing was committed."
    if result.outcome == "committed":
        return (f"Committed {result.commit[:7]} to the local {result.branch} branch ({counts}); not pushed. "
                f"Publish it with: git push {result.remote} {result.branch}")
    return f"Published {result.commit[:7]} to {where} ({result.url}): {counts}."


EXAMPLES_INIT = """examples:
  sitegen init my-digest                         site.yaml, content/ with an example article, static/
  sitegen init my-digest --templates             also copy the default theme into templates/ to customise
  sitegen init my-digest --github-pages          also add .github/workflows/pages.yml (publish with Actions)

Existing files are never overwritten: init only adds what is missing.
"""


def add_init_command(commands) -> None:
    init = commands.add_parser("init", help="create a new site that builds at once", epilog=EXAMPLES_INIT,
                               formatter_class=argparse.RawDescriptionHelpFormatter,
                               description="Create a new news digest site in DIR, with every setting of site.yaml "
                                           "shown and explained.")
    init.add_argument("dir", type=Path, metavar="DIR", help="the folder for the new site (created if missing)")
    init.add_argument("--templates", action="store_true", help="copy the default theme into DIR/templates")
    init.add_argument("--github-pages", action="store_true",
                      help="add a GitHub Actions workflow that publishes the site to GitHub Pages")
    init.set_defaults(handler=run_init)


def run_init(args: argparse.Namespace) -> int:
    from sitegen.scaffold import create_site

    try:
        result = create_site(args.dir, templates=args.templates, github_pages=args.github_pages)
    except SiteError as exc:
        return report_problems(exc.problems, "Nothing created")
    for rel in result.kept:
        print(f"  kept     {rel} (already there)")
    for rel in result.created:
        print(f"  created  {rel}")
    print(f"Created {len(result.created)} files in {display_path(result.root)}; kept {len(result.kept)} that "
          f"were already there. Next: sitegen build --site {shlex.quote(str(args.dir))}")
    for step in result.next_steps:
        print(step)
    return 0


EXAMPLES_IMPORT = """examples:
  sitegen import digest.txt                          one file per article in content/
  sitegen import digest.txt --date 2026-01-12        the date of articles that carry none
  sitegen import digest.txt --date 2026-01-06 --date 2025-12-29   one date per article, in order
  sitegen import https://www.aljazeera.com/xml/rss/all.xml --tags World
  sitegen import feed.xml digest.txt --dry-run       show what would be written, write nothing
"""

EXAMPLES_NEW = """examples:
  sitegen new "Markets close higher"
  sitegen new "UK, France pledge ‘reassurance force’" --source AlJazeera --tags Ukraine,France
  sitegen new "Summit opens in Tianjin" --date 2025-08-30 --site ~/digest
"""


def add_import_commands(commands) -> None:
    """`import` and `new`: articles into content/, by the importer's rules."""
    command = commands.add_parser(
        "import", help="turn digests and RSS/Atom feeds into articles in content/", epilog=EXAMPLES_IMPORT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write one Markdown file per article into content/. An article imported before (same "
                    "headline, same outlet) is not written again, and a file is never overwritten.")
    command.add_argument("inputs", nargs="+", metavar="FILE_OR_URL", help="a digest or feed file, or a feed's http(s) URL")
    command.add_argument("--site", "-s", type=Path, default=Path("."), help="the site folder (default: .)")
    command.add_argument("--date", action="append", default=[], metavar="DATE",
                         help="date for articles that carry none (2026-01-12, or 2026-01-12T18:00:00+00:00); "
                              "repeat it to give each undated article its own, in order (default: now)")
    command.add_argument("--tags", type=tag_list, default=(), help="comma-separated tags for every article")
    command.add_argument("--dry-run", "-n", action="store_true", help="print what would be written; write nothing")
    command.add_argument("--allow-private-network", action="store_true",
                         help="allow URLs on local and private addresses (refused by default)")
    command.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    command.set_defaults(handler=run_import)

    new = commands.add_parser("new", help="create an article file to write by hand; prints its path",
                              epilog=EXAMPLES_NEW, formatter_class=argparse.RawDescriptionHelpFormatter,
                              description="Create content/<slug>.md with complete front matter. Opens nothing.")
    new.add_argument("title", metavar="HEADLINE", help="the article's title")
    new.add_argument("--source", help="the outlet (aliases from site.yaml are normalised)")
    new.add_argument("--tags", type=tag_list, default=(), help="comma-separated tags")
    new.add_argument("--date", help="2026-01-12 or 2026-01-12T18:00:00+00:00 (default: now)")
    new.add_argument("--site", "-s", type=Path, default=Path("."), help="the site folder (default: .)")
    new.set_defaults(handler=run_new)


def tag_list(text: str) -> tuple[str, ...]:
    return tuple(tag.strip() for tag in text.split(",") if tag.strip())


def run_import(args: argparse.Namespace) -> int:
    from sitegen.importers import WRITE, FetchLimits, ImportOptions, import_inputs

    options = ImportOptions(dates=tuple(args.date), tags=args.tags, dry_run=args.dry_run,
                            limits=FetchLimits(allow_private_network=args.allow_private_network))
    try:
        report = import_inputs(args.site, args.inputs, options)
    except SiteError as exc:
        return report_problems(exc.problems, "Import failed")
    for line in format_problems(report.warnings):
        print(line, file=sys.stderr)
    for item in report.planned:
        if item.needs_attention:  # even with --quiet
            print(f"{item.path}: {item.describe()} ({item.title})", file=sys.stderr)
        elif not args.quiet:
            print(f"{item.describe(report.dry_run)} {item.path}")
    if not args.quiet:
        written = sum(item.action == WRITE for item in report.planned)
        verb = "would write" if report.dry_run else "wrote"
        print(f"{len(report.planned)} articles: {verb} {written}, {len(report.planned) - written} already there.")
    return 0


def run_new(args: argparse.Namespace) -> int:
    from sitegen.importers import new_article

    try:
        path = new_article(args.site, args.title, args.source, args.tags, args.date)
    except SiteError as exc:
        return report_problems(exc.problems, "Nothing created")
    print(os.path.relpath(path))
    return 0


def report_problems(problems, outcome: str) -> int:
    for line in format_problems(problems):
        print(line, file=sys.stderr)
    print(f"{outcome}: {len(problems)} problem{'s' * (len(problems) != 1)}.", file=sys.stderr)
    return 1


def display_path(path: Path) -> str:
    try:
        return f"{path.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{path}/"


if __name__ == "__main__":
    raise SystemExit(main())
