"""`sitegen serve`: build the site into a private folder, serve it, rebuild on every change, reload the browsers.

The parts, and why (python-livereload is the project's chosen package for live reload):

- From livereload: the browser side. Its LiveReload-protocol WebSocket handler and its livereload.js
  client, which reloads open pages and swaps a changed stylesheet in place. This is the only module
  that imports livereload (and tornado, the server livereload runs on).
- Not livereload.Server. Read against livereload 2.7, it cannot meet sitegen's requirements as it is:
  its WebSocket accepts every Origin and it always mounts /forcereload, so any web page could talk to
  the preview (`handlers.py` check_origin returns True); its watcher finds one changed file per 0.8 s
  poll and runs the rebuild on the thread that answers requests, so a 500-file checkout means 500
  rebuilds and every request waits for each; `poll_tasks` drops a reload that comes within 3 s of the
  previous one, so a broken-then-mended save leaves the error on screen; its WSGI wrapper adds the
  script to any response containing `</head>` (text files too) and gives HEAD a Content-Length of 0;
  its `listen()` cannot report the port it got, raise the listen backlog or let a 70 kB URL reach
  the app (tornado drops the connection instead of answering 414); with an app it turns tornado's
  debug autoreload on by default, which re-executes the process when a module file changes.
- So this module assembles the same pieces itself: a tornado Application with livereload's handlers
  (the WebSocket with a same-origin check), our WSGI app for the files (sitegen.fileserver), our
  polling watcher with debounce (sitegen.serve_watch) and builds on the watcher's thread
  (sitegen.serve_builds). livereload keeps its connected pages in a class attribute, so a process
  runs one preview server at a time (the CLI does; the tests start `sitegen serve` as a child process).
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import shutil
import signal
import tempfile
import threading
import webbrowser
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets
from tornado.websocket import WebSocketHandler
from tornado.wsgi import WSGIContainer

from sitegen.build import BuildOptions
from sitegen.errors import Problem, SiteError
from sitegen.fileserver import MAX_TARGET_CHARS, SiteApp
from sitegen.serve_builds import PreviewBuilder, Rebuild
from sitegen.serve_pages import RELOAD_CLIENT_PATH, RELOAD_SOCKET_PATH
from sitegen.serve_watch import SiteWatcher

LISTEN_BACKLOG = 1024  # a burst of browser and client connections must queue, not time out (notes 4.4)
MAX_HEADER_BYTES = 64 * MAX_TARGET_CHARS  # room for an over-long URL to reach the app and get its 414
MAX_BODY_BYTES = 64 * 1024  # nothing is uploaded to a preview
WILDCARD_HOSTS = ("", "0.0.0.0", "::")


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000  # 0: any free port
    drafts: bool = False
    future: bool = False


class SameOriginReloadSocket(LiveReloadHandler):
    """livereload's WebSocket, refusing connections from other sites' pages (tornado's own same-origin rule)."""

    def check_origin(self, origin: str) -> bool:
        return WebSocketHandler.check_origin(self, origin)


class RawTargetContainer(WSGIContainer):
    """tornado's WSGI bridge, plus the request target as sent, which fileserver decodes strictly itself."""

    def environ(self, request):
        environ = super().environ(request)
        environ["REQUEST_URI"] = request.uri
        return environ


class PreviewServer:
    """Binds at once (so a busy port fails early); start() builds, run() serves until stop() or Ctrl-C."""

    def __init__(self, site_dir: Path | str, options: ServeOptions = ServeOptions(),
                 on_rebuild: Callable[[Rebuild], None] = lambda rebuild: None):
        self.site_dir = Path(site_dir).resolve()
        if not self.site_dir.is_dir():
            raise SiteError([Problem(str(site_dir), None, "no such folder", "point --site at a site folder")])
        self.options, self.on_rebuild = options, on_rebuild
        self._sockets = bind_sockets(options.port, options.host or None, backlog=LISTEN_BACKLOG)
        self.port = self._sockets[0].getsockname()[1]
        self._exposed = self.exposure_warning() is not None
        self._workdir = Path(tempfile.mkdtemp(prefix="sitegen-serve-"))
        self.builder = PreviewBuilder(self.site_dir, self._workdir / "site", f"http://{self._url_host()}:{self.port}",
                                      BuildOptions(drafts=options.drafts, future=options.future))
        self.app = SiteApp(self.builder.output, accept_host=self._accepts_host)
        self._watcher: SiteWatcher | None = None
        self._loop: IOLoop | None = None
        self._stopped: asyncio.Event | None = None
        self._stop_requested = threading.Event()

    @property
    def url(self) -> str:
        return f"http://{self._url_host()}:{self.port}{self.builder.prefix}"

    @property
    def addresses(self) -> list[str]:
        return [sock.getsockname()[0] for sock in self._sockets]

    def exposure_warning(self) -> str | None:
        return exposure_warning(self.addresses, self.port)

    def start(self) -> Rebuild:
        """The first build. The watcher takes its snapshot before it, so no edit made meanwhile is missed."""
        self._watcher = SiteWatcher(str(self.site_dir), self._rebuild_for)
        return self._apply(self.builder.rebuild())

    def run(self) -> None:
        """Serve until stop(), SIGTERM or Ctrl-C (KeyboardInterrupt reaches the caller)."""
        asyncio.run(self._serve())

    def stop(self) -> None:
        """Thread-safe; run() returns soon after."""
        self._stop_requested.set()
        if self._loop is not None and self._stopped is not None:
            self._loop.add_callback(self._stopped.set)

    def open_browser(self) -> None:
        threading.Thread(target=webbrowser.open, args=(self.url,), daemon=True).start()

    def close(self) -> None:
        if self._watcher:
            self._watcher.stop()
        for sock in self._sockets:
            sock.close()
        self.builder.close()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def __enter__(self) -> "PreviewServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    async def _serve(self) -> None:
        self._loop, self._stopped = IOLoop.current(), asyncio.Event()
        _stop_on_sigterm(self._stopped)
        server = HTTPServer(self._application(), max_header_size=MAX_HEADER_BYTES, max_body_size=MAX_BODY_BYTES)
        server.add_sockets(self._sockets)
        if self._watcher:
            self._watcher.start()
        if self._stop_requested.is_set():
            self._stopped.set()
        try:
            await self._stopped.wait()
        finally:
            if self._watcher:
                self._watcher.stop()
            server.stop()

    def _application(self) -> web.Application:
        # A 404 is a normal answer in a preview; tornado would log each one as a warning.
        logging.getLogger("tornado.access").setLevel(logging.ERROR)
        return web.Application([
            (re.escape(RELOAD_SOCKET_PATH), SameOriginReloadSocket),
            (re.escape(RELOAD_CLIENT_PATH), LiveReloadJSHandler),
            (r".*", web.FallbackHandler, {"fallback": RawTargetContainer(self.app)}),
        ], debug=False)  # debug would re-execute the process whenever a Python module changes

    def _rebuild_for(self, changed: list[str]) -> None:
        """Called on the watcher's thread; the request thread only ever sees finished builds."""
        rebuild = self._apply(self.builder.rebuild(tuple(changed)))
        if rebuild.reload and self._loop is not None:
            self._loop.add_callback(_reload_browsers, rebuild.reload)

    def _apply(self, rebuild: Rebuild) -> Rebuild:
        self.app.prefix, self.app.decorate = self.builder.prefix, self.builder.decorate
        self.on_rebuild(rebuild)
        return rebuild

    def _accepts_host(self, host_header: str) -> bool:
        """On loopback, only loopback names: a web page whose domain is re-pointed at 127.0.0.1 (DNS
        rebinding) could otherwise read the preview, drafts included. Once exposed, any name reaches it."""
        host = host_of(host_header)
        if not host or host == self.options.host or self._exposed:
            return True
        if host == "localhost" or host.endswith(".localhost"):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def _url_host(self) -> str:
        host = self.options.host
        if host in WILDCARD_HOSTS:
            return "127.0.0.1" if host != "::" else "[::1]"
        return f"[{host}]" if ":" in host else host


def exposure_warning(addresses: list[str], port: int) -> str | None:
    """A warning when any bound address is reachable from other machines; None when all are loopback."""
    exposed = [a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_loopback]
    if not exposed:
        return None
    return (f"WARNING: listening on {', '.join(exposed)} port {port}: anyone who can reach this machine "
            "can read the preview, drafts included. Use --host 127.0.0.1 to keep it to this machine.")


_HOST_HEADER = re.compile(r"\[(?P<ipv6>[0-9a-f:.]+)\](?::\d+)?|(?P<name>[^:\[\]]+)(?::\d+)?")


def host_of(host_header: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1', '[::1]:8000' -> '::1', 'Example.org' -> 'example.org'; as is if malformed."""
    host = host_header.strip().lower()
    match = _HOST_HEADER.fullmatch(host)
    return (match.group("ipv6") or match.group("name")) if match else host


def _reload_browsers(paths: tuple[str, ...]) -> None:
    """The LiveReload protocol's reload command to every connected page; on the IOLoop thread, where the sockets live.

    Sent directly rather than through LiveReloadHandler.reload_waiters, which needs livereload's own
    watcher object; liveCSS lets livereload.js swap a changed stylesheet without reloading the page.
    """
    for path in paths:
        message = {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}
        for socket in list(LiveReloadHandler.waiters):
            socket.send_message(message)


def _stop_on_sigterm(stopped: asyncio.Event) -> None:
    """A `kill` stops the server as cleanly as Ctrl-C (its temporary folder removed); main thread only."""
    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    except (NotImplementedError, RuntimeError, ValueError):
        pass
