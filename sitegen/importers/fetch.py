"""Download a feed safely: http(s) only, public addresses only, a few redirects, a total deadline, a size cap.

urllib offers none of these together: its timeout applies to each socket operation (a server dripping
one byte a second never trips it), it follows redirects to any address, and it does not cap what a
gzip body expands to. So this uses http.client directly:
- the address is checked after DNS resolution and the socket is connected to that very address, so a
  name cannot resolve to a public address for the check and a private one for the connect;
- a watchdog shuts the socket down when the total deadline passes, whatever the server does;
- the body is counted after gzip decoding.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from sitegen import __version__

REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = f"sitegen/{__version__} (feed import)"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"


class FetchError(Exception):
    """A download that failed in a way the user can understand and act on."""


@dataclass(frozen=True, slots=True)
class FetchLimits:
    timeout: float = 30.0  # seconds for the whole download, redirects included
    max_bytes: int = 10 * 2**20  # of the decoded body
    max_redirects: int = 5
    allow_private_network: bool = False


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str  # after redirects: the base for relative links
    data: bytes
    content_type: str


def fetch(url: str, limits: FetchLimits = FetchLimits()) -> Fetched:
    """GET url within limits; FetchError with a message for the user otherwise."""
    deadline = time.monotonic() + limits.timeout
    for _ in range(limits.max_redirects + 1):
        try:
            result = _get(url, limits, deadline)
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError) or time.monotonic() >= deadline:
                raise FetchError(f"no complete answer within {limits.timeout:g} s") from None
            raise FetchError(f"download failed: {exc or type(exc).__name__}") from None
        if isinstance(result, Fetched):
            return result
        url = result
    raise FetchError(f"too many redirects (more than {limits.max_redirects})")


def _get(url: str, limits: FetchLimits, deadline: float) -> Fetched | str:
    """One request: what it fetched, or the URL it redirects to."""
    connection, target = _open(url, limits, deadline)
    try:
        with _watchdog(connection, deadline):
            connection.request("GET", target, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT,
                                                       "Accept-Encoding": "gzip"})
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in REDIRECTS and location:
                return urljoin(url, location.strip())
            if response.status != 200:
                raise FetchError(f"HTTP {response.status} {response.reason}".rstrip())
            data = _read_body(response, limits.max_bytes)
        if time.monotonic() >= deadline:  # the watchdog cut a body that had no declared length
            raise TimeoutError
        return Fetched(url, data, response.getheader("Content-Type", ""))
    finally:
        connection.close()


def _open(url: str, limits: FetchLimits, deadline: float) -> tuple[http.client.HTTPConnection, str]:
    """A connected HTTP(S) connection for url, and the request target; refuses other schemes and, unless
    allowed, private addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be imported, not '{parts.scheme}:' ({url})")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host:
        raise FetchError(f"'{url}' has no valid host")
    timeout = max(deadline - time.monotonic(), 0.001)
    host = f"[{host}]" if ":" in host else host  # http.client reads an IPv6 address's last part as a port
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    # http.client connects through this hook; HTTPS wraps the socket afterwards, as usual.
    connection._create_connection = lambda address, *_: _connect_checked(address, timeout, limits)
    connection.connect()
    return connection, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _connect_checked(address: tuple[str, int], timeout: float, limits: FetchLimits) -> socket.socket:
    host, port = address
    try:
        candidates = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot find the host '{host}': {exc.strerror}") from None
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in candidates:
        ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not limits.allow_private_network and not is_public(ip):
            raise FetchError(f"'{host}' is a private or local address ({ip}); importing from it is refused "
                             "unless you pass --allow-private-network")
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or FetchError(f"cannot connect to '{host}'")


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for addresses on the public internet: not loopback, private, link-local (169.254.169.254,
    the cloud metadata service), shared, reserved or multicast."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


@contextmanager
def _watchdog(connection: http.client.HTTPConnection, deadline: float):
    """Shut the socket down at the deadline: a blocked read then returns at once, whatever the server does."""
    sock = connection.sock
    timer = threading.Timer(max(deadline - time.monotonic(), 0), _shutdown, args=(sock,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: the download ended on its own


def _read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The body, gzip-decoded; FetchError as soon as the decoded size passes max_bytes (a gzip bomb stops there)."""
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchError(f"unsupported Content-Encoding '{encoding}'")
    declared = response.getheader("Content-Length", "")
    if encoding == "identity" and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"the feed is {size_text(int(declared))}, over the {size_text(max_bytes)} limit")
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding != "identity" else None
    chunks, size = [], 0
    while chunk := response.read1(65536):
        if decoder:
            chunk = decoder.decompress(chunk, max_bytes + 1 - size)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"the feed is over the {size_text(max_bytes)} limit")
        chunks.append(chunk)
    if response.length or (decoder and not decoder.eof):  # the body ended early
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    return b"".join(chunks)


def size_text(size: int) -> str:
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 1024:.0f} KiB"
