"""Looking at built pages in headless chromium (through tests/cdp.py): a loopback web server for a
build folder, page loads that wait for the load event, axe-core audits, and screenshots."""
from __future__ import annotations

import base64
import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from checkers import AXE_JS

SERIOUS = {"serious", "critical"}


class StaticServer:
    """Files under root at http://127.0.0.1:PORT/, like a static host (GitHub Pages) would serve them."""

    def __init__(self, root: Path):
        class Quiet(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "StaticServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def evaluate(page, expression: str, timeout: float = 30):
    """The value of a JavaScript expression, awaiting it when it is a promise; errors raise."""
    result = page.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True,
                       timeout=timeout * 1000)
    if "exceptionDetails" in result:
        raise AssertionError(f"{expression[:80]}: {result['exceptionDetails'].get('exception', result)}")
    return result["result"].get("value")


def load(page, url: str, timeout: float = 20) -> None:
    """Navigate and wait until that document has finished loading (scripts with defer included)."""
    page.send("Page.navigate", url=url)
    page.wait_for(f"document.readyState === 'complete' && location.href === {json.dumps(url)}", timeout)


def set_viewport(page, width: int, height: int, dark: bool = False) -> None:
    page.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
              mobile=width < 600)
    page.send("Emulation.setScrollbarsHidden", hidden=True)  # as on phones; screenshots keep the full width
    page.send("Emulation.setEmulatedMedia", media="screen",
              features=[{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])


def axe_violations(page) -> list[str]:
    """Serious and critical axe-core violations on the loaded page, one line each with where they are."""
    if not evaluate(page, "typeof axe !== 'undefined'"):
        evaluate(page, AXE_JS.read_text(encoding="utf-8") + "\n;true")
    results = evaluate(page, "axe.run(document, {resultTypes: ['violations']})"
                             ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                             " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['nodes'])}" for v in results
            if v["impact"] in SERIOUS]


def screenshot(page, path: Path, max_height: int = 6000) -> bytes:
    """A PNG of the page from its top, as tall as the page up to max_height; written only if it changed."""
    height = min(max_height, evaluate(page, "Math.ceil(document.documentElement.scrollHeight)"))
    width = evaluate(page, "document.documentElement.clientWidth")
    shot = page.send("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                     clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1})
    data = base64.b64decode(shot["data"])
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return data
