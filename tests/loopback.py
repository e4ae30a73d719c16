"""A real HTTP server on 127.0.0.1, in a thread, answering each path with a handler the test chooses."""
from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

Handler = Callable[[BaseHTTPRequestHandler], None]


class LoopbackServer:
    def __init__(self):
        self.routes: dict[str, Handler] = {}
        self.hits: Counter = Counter()
        self.stopping = threading.Event()  # slow handlers wait on it, so teardown never waits for them
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                server.hits[self.path] += 1
                handler = server.routes.get(self.path)
                if handler is None:
                    reply(self, b"not found", "text/plain", status=404)
                    return
                try:
                    handler(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as the test wanted

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.handle_error = lambda request, address: None  # clients hanging up is what tests do
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path: str, body: bytes | str, content_type: str = "application/rss+xml", **kwargs) -> str:
        """Answer path with body; the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = lambda request: reply(request, data, content_type, **kwargs)
        return self.url(path)

    def __enter__(self) -> "LoopbackServer":
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(request: BaseHTTPRequestHandler, body: bytes, content_type: str, status: int = 200,
          headers: dict | None = None) -> None:
    request.send_response(status)
    request.send_header("Content-Type", content_type)
    request.send_header("Content-Length", str(len(body)))
    request.send_header("Connection", "close")
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)
