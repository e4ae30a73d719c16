"""Do the site's links to other sites still answer? HEAD (GET where HEAD is refused), a few at a time.

Opt-in (`sitegen check --external`): it is slow, it talks to the network, and a site that is down
today may be back tomorrow. Bounded: a short timeout per link, a small pool of threads, at most two
requests at a time to one host, so that checking an archive does not look like an attack.
"""
from __future__ import annotations

import functools
import threading
from collections import defaultdict
from typing import Iterable
from urllib.parse import urlsplit

from sitegen import __version__

TIMEOUT = 10.0
WORKERS = 8
PER_HOST = 2
USER_AGENT = f"sitegen/{__version__} (link check)"
_RETRY_WITH_GET = {403, 405, 501}  # servers that refuse HEAD but serve the page


@functools.cache
def _opener():
    """http(s) only, redirects included: the default opener would also follow a link to ftp:// or file://.
    Made on first use: urllib.request takes a while to import, and every sitegen command imports this module."""
    import urllib.request

    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPRedirectHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def check_external_links(urls: Iterable[str], timeout: float = TIMEOUT, workers: int = WORKERS) -> dict[str, str]:
    """url -> what is wrong with it, for every url that does not answer with a success."""
    unique = sorted(set(urls))
    hosts: dict[str, threading.Semaphore] = defaultdict(lambda: threading.Semaphore(PER_HOST))
    for url in unique:  # made before the threads start: defaultdict is not safe to fill from many threads
        hosts[urlsplit(url).hostname or ""]

    def check(url: str) -> tuple[str, str | None]:
        with hosts[urlsplit(url).hostname or ""]:
            return url, link_failure(url, timeout)

    from concurrent.futures import ThreadPoolExecutor  # here: `sitegen build` imports this module's settings

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return {url: failure for url, failure in pool.map(check, unique) if failure}


def link_failure(url: str, timeout: float = TIMEOUT) -> str | None:
    """None when url answers with a success (after redirects), else the reason, for a message."""
    import urllib.error
    import urllib.request

    status = None
    for method in ("HEAD", "GET"):
        try:
            request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
            with _opener().open(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as exc:
            status = f"HTTP {exc.code} {exc.reason}".strip()
            if exc.code not in _RETRY_WITH_GET:
                return f"answers {status}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):  # socket.timeout is TimeoutError since 3.10
                return f"no answer within {timeout:g} s"
            return f"cannot be reached ({reason})"
    return f"answers {status}"
