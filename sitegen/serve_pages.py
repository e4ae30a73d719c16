"""What `sitegen serve` adds to each HTML page: the live-reload client, and an overlay while the last build failed.

The built files stay exactly as `sitegen build` writes them; these additions exist only in responses.
"""
from __future__ import annotations

import html
from typing import Callable, Sequence

# Fixed by the LiveReload protocol: livereload.js connects to ws://HOST:PORT/livereload.
RELOAD_CLIENT_PATH = "/livereload.js"
RELOAD_SOCKET_PATH = "/livereload"

# The script URL is made in the browser from the page's own address, never from the Host header, so a
# forged Host cannot point a page at another server. maxdelay: after a restart, reconnect within 5 s.
RELOAD_SCRIPT = (
    "<script>/* sitegen serve: live reload */(function(){"
    "var p=location.port||(location.protocol==='https:'?443:80);"
    "var s=document.createElement('script');"
    f"s.src='//'+location.hostname+':'+p+'{RELOAD_CLIENT_PATH}?port='+p+'&maxdelay=5000';"
    "document.head.appendChild(s);})();</script>\n"
)

OVERLAY_ID = "sitegen-build-errors"
OVERLAY_STYLE = (
    "position:fixed;top:0;left:0;right:0;z-index:2147483647;max-height:60vh;overflow:auto;margin:0;"
    "padding:12px 16px;background:#fff4f4;color:#5c0000;border-bottom:4px solid #c00;"
    "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 2px 12px rgba(0,0,0,.3)"
)


def error_overlay(headline: str, lines: Sequence[str]) -> str:
    """A fixed banner naming every problem; the page underneath is the last good build."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    return (f'<div id="{OVERLAY_ID}" role="alert" style="{OVERLAY_STYLE}">'
            f"<p style=\"margin:0 0 6px\"><strong>{html.escape(headline)}</strong> You are seeing the last good "
            "version of the site. Fix the file and save: this page reloads by itself.</p>"
            f'<ul style="margin:0;padding-left:1.2em">{items}</ul>'
            "<button type=\"button\" onclick=\"this.parentNode.remove()\" style=\"margin-top:8px\">Hide</button>"
            "</div>\n")


def page_decorator(headline: str = "", lines: Sequence[str] = ()) -> Callable[[bytes], bytes]:
    """The function that turns a built HTML page into what the browser gets, for one build state."""
    snippet = ((error_overlay(headline, lines) if headline else "") + RELOAD_SCRIPT).encode("utf-8")
    return lambda body: insert_before_body_end(body, snippet)


def insert_before_body_end(body: bytes, snippet: bytes) -> bytes:
    """snippet just before the last </body> (or </html>), else at the end: the document keeps its ending."""
    lowered = body.lower()
    for closing in (b"</body>", b"</html>"):
        at = lowered.rfind(closing)
        if at >= 0:
            return body[:at] + snippet + body[at:]
    return body + snippet
