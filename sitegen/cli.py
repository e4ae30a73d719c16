"""The sitegen command: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 success, 1 a problem in the user's input, 2 a bug in sitegen (with a traceback), 130 Ctrl-C.
"""
from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from sitegen import __version__
from sitegen.cli_serve import add_serve_command
from sitegen.errors import format_problems

EXAMPLES_BUILD = """examples:
  sitegen build                                  build ./ into ./build
  sitegen build --site ~/digest --output /tmp/out
  sitegen build --base-url https://user.github.io/digest/
  sitegen build --drafts --future                preview everything
"""


def main(argv: list[str] | None = None) -> int:
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
    build.set_defaults(handler=run_build)
    add_serve_command(commands)
    return parser


def add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", "-s", type=Path, default=Path("."), help="the site folder (default: .)")
    parser.add_argument("--drafts", action="store_true", help="include articles marked draft: true")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only problems")


def run_build(args: argparse.Namespace) -> int:
    from sitegen.build import BuildOptions, build

    result = build(args.site, BuildOptions(output=args.output, drafts=args.drafts, future=args.future,
                                           base_url=args.base_url))
    return report_build(result, args.quiet)


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
        print(f"Built {result.pages} pages in {result.duration:.2f}s: {len(result.written)} written, "
              f"{result.unchanged} unchanged, {len(result.removed)} removed -> {display_path(result.output)}")
    return 0


def display_path(path: Path) -> str:
    try:
        return f"{path.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{path}/"


if __name__ == "__main__":
    raise SystemExit(main())
