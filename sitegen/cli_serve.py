"""The `sitegen serve` command: parse, start the preview server, print what happens, stop on Ctrl-C."""
from __future__ import annotations

import argparse
import errno
import sys

from sitegen import __version__
from sitegen.errors import format_problems

EXAMPLES_SERVE = """examples:
  sitegen serve                          preview ./ at http://127.0.0.1:8000/ (under site.yaml's base path)
  sitegen serve --drafts --future --open show everything, open a browser tab
  sitegen serve --port 0                 any free port
  sitegen serve --host 0.0.0.0           reachable from other machines too (drafts included!)
"""


def add_serve_command(commands) -> None:
    from sitegen.cli import add_site_options

    serve = commands.add_parser("serve", help="preview the site, rebuilding and reloading on every change",
                                epilog=EXAMPLES_SERVE, formatter_class=argparse.RawDescriptionHelpFormatter,
                                description="Build the site into a private folder and serve it; watch content/,\n"
                                            "templates/, static/ and site.yaml, rebuild on every save and reload\n"
                                            "the open browser tabs. build/ is never touched.")
    add_site_options(serve)
    serve.add_argument("--port", "-p", type=int, default=8000, help="port to listen on (default: 8000; 0: any free one)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from sitegen.errors import SiteError
    from sitegen.serve import PreviewServer, ServeOptions

    options = ServeOptions(host=args.host, port=args.port, drafts=args.drafts, future=args.future)
    try:
        server = PreviewServer(args.site, options, on_rebuild=lambda rebuild: report_rebuild(rebuild, args.quiet))
    except SiteError as exc:
        _print_err(*format_problems(exc.problems))
        return 1
    except OSError as exc:
        _print_err(f"serve: cannot listen on {args.host} port {args.port}: {exc.strerror or exc}"
                   + (" (try another --port)" if exc.errno == errno.EADDRINUSE else ""))
        return 1
    with server:
        try:
            server.start()
            _announce(server, args)
            server.run()
        except KeyboardInterrupt:
            pass  # Ctrl-C is how a preview ends
    print("Stopped.", flush=True)
    return 0


def _announce(server, args: argparse.Namespace) -> None:
    shown = [what for what, flag in (("drafts", args.drafts), ("future articles", args.future)) if flag]
    extra = f" with {' and '.join(shown)}" if shown else ""
    print(f"Serving {server.url}{extra} (Ctrl-C to stop)", flush=True)
    warning = server.exposure_warning()
    if warning:
        _print_err(warning)
    if args.open:
        server.open_browser()


def report_rebuild(rebuild, quiet: bool) -> None:
    """One build of the session: problems always, successes unless quiet."""
    cause = f" ({_list_changed(rebuild.changed)})" if rebuild.changed else ""
    serving = "serving an error page until it is fixed" if rebuild.number == 1 else "still serving the last good site"
    if rebuild.result is None:
        _print_err(rebuild.error.rstrip(), f"This is a bug in sitegen {__version__}; please report it with the "
                                            f"traceback above. The preview goes on, {serving}.")
    elif not rebuild.ok:
        count = len(rebuild.result.problems)
        _print_err(*format_problems(rebuild.result.problems),
                   f"Build failed{cause}: {count} problem{'s' * (count != 1)}; {serving}.")
    elif not quiet:
        result = rebuild.result
        verb = "Built" if rebuild.number == 1 else "Rebuilt"
        print(f"{verb} {result.pages} pages in {result.duration:.2f}s{cause}: {len(result.written)} written, "
              f"{result.unchanged} unchanged, {len(result.removed)} removed", flush=True)


def _list_changed(paths: tuple[str, ...], shown: int = 3) -> str:
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return ", ".join(paths[:shown]) + more


def _print_err(*lines: str) -> None:
    for line in lines:
        print(line, file=sys.stderr, flush=True)
