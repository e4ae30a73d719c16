"""The `sitegen check` command, and `--strict` for `sitegen build`: options and printing (see sitegen.check).

Kept apart from sitegen.check so that starting any command does not import the whole build.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from sitegen.errors import format_problems
from sitegen.external_links import TIMEOUT  # standard library only: cheap to import


EXAMPLES = """examples:
  sitegen check                                  check ./ (builds into a temporary folder)
  sitegen check --external                       also ask every link to another site whether it answers
  sitegen check --strict                         warnings count as problems (exit 1)
  sitegen build --strict                         build only a site that passes the check
"""


def add_check_command(commands) -> None:
    """`sitegen check`, and `--strict` for `sitegen build` (registered here to keep the checks in one place)."""
    from sitegen.cli import add_site_options  # called from sitegen.cli, so loaded by now

    command = commands.add_parser(
        "check", help="check links, feeds, tags and front matter without publishing", epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Build the site into a temporary folder and check it: internal links and images, "
                    "anchors, tag and source pages, feeds and sitemap, front matter, script in articles.")
    add_site_options(command)
    command.add_argument("--base-url", help="check as if published at this base_url")
    command.add_argument("--external", action="store_true", help="also check links to other sites (slow)")
    command.add_argument("--timeout", type=float, default=TIMEOUT, help=f"seconds per external link (default {TIMEOUT:g})")
    command.add_argument("--strict", action="store_true", help="warnings are problems too")
    command.add_argument("--no-cache", action="store_true", help="ignore .sitegen-cache/")
    command.set_defaults(handler=run_check)
    build_command = commands.choices.get("build")
    if build_command is not None:
        build_command.add_argument("--strict", action="store_true",
                                   help="run `sitegen check` (without --external) before writing; warnings fail too")


def run_check(args: argparse.Namespace) -> int:
    from sitegen.check import CheckOptions, check_site

    options = CheckOptions(drafts=args.drafts, future=args.future, base_url=args.base_url, external=args.external,
                           timeout=args.timeout, use_cache=not args.no_cache)
    report = check_site(args.site, options)
    for line in format_problems(report.problems):
        print(line, file=sys.stderr)
    for line in format_problems([replace(w, message=f"warning: {w.message}") for w in report.warnings]):
        print(line, file=sys.stderr)
    counts = f"{len(report.problems)} problems, {len(report.warnings)} warnings"
    if report.failed(args.strict) or not args.quiet:
        print(f"Checked {report.files} files, {report.links} links inside the site and {report.external} outside: "
              f"{counts}.", file=sys.stderr if report.failed(args.strict) else sys.stdout)
    return 1 if report.failed(args.strict) else 0
