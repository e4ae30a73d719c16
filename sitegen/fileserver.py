"""The preview's WSGI app: the built site's files under its base path, as a static host serves them.

A request names a file only through a strict check, before the disk is touched: the raw request
target is percent-decoded strictly (bad escapes, NUL and control bytes, invalid UTF-8 -> 400), dot
segments and backslashes are refused (400), and the resolved real path must lie inside the real output
folder (os.path.commonpath, so a symlink or a sibling folder named like the output cannot leak a file).
The anchors' dev servers each had path bugs here (MkDocs CVE-2021-40978, Zola CVE-2023-40274).

The output folder is replaced by an atomic swap (sitegen.output), and each file is read whole through
one open(): a response is always one complete file of one build, never a half-written one.
"""
from __future__ import annotations

import mimetypes
import os
import re
import sys
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote_to_bytes

MAX_TARGET_CHARS = 8192
ALLOWED_METHODS = ("GET", "HEAD")
NOT_FOUND_PAGE = "404.html"
INDEX_PAGE = "index.html"

# Fixed types for what a site is made of, so the answer does not depend on the machine's mime.types.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
}
FALLBACK_TYPE = "application/octet-stream"
HTML_TYPE = CONTENT_TYPES[".html"]

_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL_BYTES = re.compile(rb"[\x00-\x1f\x7f]")

NO_SITE_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>No site yet</title></head>
<body><h1>No site yet</h1><p>The site has not been built successfully yet.</p></body></html>
"""
PLAIN_NOT_FOUND_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Page not found</title></head>
<body><h1>Page not found</h1></body></html>
"""


class BadRequest(ValueError):
    """A request target no file can answer: the client gets a 4xx with this message."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Response:
    status: HTTPStatus
    content_type: str
    body: bytes
    location: str | None = None

    def headers(self) -> list[tuple[str, str]]:
        headers = [("Content-Type", self.content_type), ("Content-Length", str(len(self.body))),
                   # A preview must never show a cached page after a rebuild.
                   ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
        if self.location:
            headers.append(("Location", self.location))
        if self.status == HTTPStatus.METHOD_NOT_ALLOWED:
            headers.append(("Allow", ", ".join(ALLOWED_METHODS)))
        return headers


def content_type(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path, strict=True)[0] or FALLBACK_TYPE


def request_target(environ: dict) -> str:
    """The target as the client sent it; servers that give only PATH_INFO have decoded it already."""
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if raw:
        return raw
    path = quote(environ.get("PATH_INFO", "").encode("latin-1"), safe="/")
    query = environ.get("QUERY_STRING")
    return f"{path}?{query}" if query else path


def decode_path(target: str) -> str:
    """The URL path of a request target, decoded strictly; BadRequest for anything a real file cannot be."""
    if len(target) > MAX_TARGET_CHARS:
        raise BadRequest(HTTPStatus.REQUEST_URI_TOO_LONG, f"URL longer than {MAX_TARGET_CHARS} characters")
    path = target.split("?", 1)[0]
    if not path.startswith("/"):
        raise BadRequest(HTTPStatus.BAD_REQUEST, "the request target must be a path starting with /")
    if _BAD_ESCAPE.search(path):
        raise BadRequest(HTTPStatus.BAD_REQUEST, "invalid percent-escape in the URL")
    raw = unquote_to_bytes(path)
    if _CONTROL_BYTES.search(raw):
        raise BadRequest(HTTPStatus.BAD_REQUEST, "NUL or control character in the URL")
    try:
        text = raw.decode("utf-8")  # strict: overlong forms such as %c0%ae are refused here
    except UnicodeDecodeError:
        raise BadRequest(HTTPStatus.BAD_REQUEST, "the URL is not valid UTF-8") from None
    if "\\" in text or any(segment in (".", "..") for segment in text.split("/")):
        raise BadRequest(HTTPStatus.BAD_REQUEST, "'.', '..' and '\\' are not allowed in the URL")
    return text


def is_inside(root: str, path: str) -> bool:
    """True when the real path lies in the real root (both resolved): the one containment rule."""
    return os.path.commonpath([root, path]) == root


class SiteApp:
    """WSGI app serving root (the built site) at the URL prefix, e.g. '/news-digest/'.

    decorate turns every HTML body into what the browser gets (serve adds its reload script and the
    error overlay); it is read on each request, so the caller can swap it when a build finishes.
    accept_host says which Host headers get an answer at all (403 otherwise).
    """

    def __init__(self, root: Path, prefix: str = "/", decorate: Callable[[bytes], bytes] = lambda body: body,
                 accept_host: Callable[[str], bool] = lambda host: True):
        self.root = os.path.realpath(root)
        self.prefix = prefix if prefix.endswith("/") else prefix + "/"
        self.decorate = decorate
        self.accept_host = accept_host

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        try:
            if self.accept_host(environ.get("HTTP_HOST", "")):
                response = self.respond(environ.get("REQUEST_METHOD", ""), request_target(environ))
            else:
                response = _plain(HTTPStatus.FORBIDDEN, "this server does not answer to that Host name")
        except Exception:  # noqa: BLE001 - a bug must not leave the browser hanging without an answer
            traceback.print_exc(file=sys.stderr)
            response = _plain(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error in sitegen serve (see the terminal)")
        start_response(f"{response.status.value} {response.status.phrase}", response.headers())
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [response.body]

    def respond(self, method: str, target: str) -> Response:
        if method not in ALLOWED_METHODS:
            return _plain(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not supported; use GET or HEAD")
        try:
            path = decode_path(target)
        except BadRequest as exc:
            return _plain(exc.status, str(exc))
        if not os.path.isdir(self.root):
            return self._page(HTTPStatus.SERVICE_UNAVAILABLE, NO_SITE_PAGE)
        if path in ("/", self.prefix.rstrip("/")) and path != self.prefix:
            # The site lives under its base path, as when published; 302 because another site may
            # be previewed on this port tomorrow, and browsers remember a 301.
            return _redirect(self.prefix, HTTPStatus.FOUND)
        if not path.startswith(self.prefix):
            return self.not_found()
        return self._serve_site_path(path[len(self.prefix):])

    def _serve_site_path(self, rel: str) -> Response:
        parts = [part for part in rel.split("/") if part]  # '//etc/passwd' names etc/passwd in the site
        found = self._real_path(os.path.join(self.root, *parts))
        if found and os.path.isdir(found):
            if parts and not rel.endswith("/"):
                # Relative links in an index page need the trailing slash, as on GitHub Pages.
                return _redirect(quote(self.prefix + "/".join(parts) + "/"), HTTPStatus.MOVED_PERMANENTLY)
            found = self._real_path(os.path.join(found, INDEX_PAGE))
        if not found or not os.path.isfile(found):
            return self.not_found()
        body = self._read(found)
        if body is None:
            return self.not_found()
        return self._file_response(found, body)

    def not_found(self) -> Response:
        """The site's own 404 page with status 404, as GitHub Pages answers."""
        page = self._real_path(os.path.join(self.root, NOT_FOUND_PAGE))
        body = self._read(page) if page else None
        return self._page(HTTPStatus.NOT_FOUND, PLAIN_NOT_FOUND_PAGE if body is None else body)

    def _real_path(self, candidate: str) -> str | None:
        """candidate resolved through every symlink; None when that leads out of the output folder."""
        real = os.path.realpath(candidate)
        return real if is_inside(self.root, real) else None

    @staticmethod
    def _read(path: str) -> bytes | None:
        try:
            with open(path, "rb") as handle:  # one open: the bytes all come from one build's file
                return handle.read()
        except OSError:
            return None  # removed by a rebuild between the check and the open, or unreadable

    def _file_response(self, path: str, body: bytes) -> Response:
        kind = content_type(path)
        if kind == HTML_TYPE:
            body = self.decorate(body)
        return Response(HTTPStatus.OK, kind, body)

    def _page(self, status: HTTPStatus, body: bytes) -> Response:
        return Response(status, HTML_TYPE, self.decorate(body))


def _plain(status: HTTPStatus, message: str) -> Response:
    return Response(status, CONTENT_TYPES[".txt"], f"{status.value} {status.phrase}: {message}\n".encode())


def _redirect(location: str, status: HTTPStatus) -> Response:
    return Response(status, CONTENT_TYPES[".txt"], f"Moved to {location}\n".encode(), location)
