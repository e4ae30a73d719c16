"""Many clients at once while the site is rebuilt again and again: every response whole and from one build.

Reliability notes 4.4: a server that writes in place or has a listen backlog of 5 loses or truncates
responses under this load. sitegen serve reads files of a build swapped in whole, with a large backlog.
"""
from __future__ import annotations

import http.client
import random
import re
import threading
import time

from conftest import article
from servehelp import Serve

CLIENTS = 200
REBUILDS = 20
STORIES = 12
DEADLINE_SECONDS = 30
EDITED = "2026/01/06/ukraine-force/"
COUNTER = re.compile(rb"Counter (\d+)")
PARAGRAPH = "Ministers met in Paris to discuss a reassurance force and the terms of a ceasefire. " * 12


class Clients:
    """CLIENTS threads, each fetching pages over one keep-alive connection until told to stop."""

    def __init__(self, server: Serve, paths: list[str]):
        self.server, self.paths = server, paths
        self.stop = threading.Event()
        self.start = threading.Barrier(CLIENTS + 1)
        self.lock = threading.Lock()
        self.requests, self.failures = 0, []
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(CLIENTS)]
        for thread in self.threads:
            thread.start()
        self.start.wait(timeout=30)  # all connect at the same moment: a burst on the listen queue

    def _run(self, number: int) -> None:
        rng = random.Random(number)
        connection = None
        self.start.wait(timeout=30)
        done, failed = 0, []
        while not self.stop.is_set():
            path = rng.choice(self.paths)
            try:
                connection = connection or http.client.HTTPConnection(self.server.host, self.server.port, timeout=15)
                connection.request("GET", self.server.prefix + path)
                response = connection.getresponse()
                failure = check(path, response.status, response.getheader("Content-Length"), response.read())
            except (OSError, http.client.HTTPException) as exc:
                failure, connection = f"{path}: {type(exc).__name__}: {exc}", None
            done += 1
            if failure:
                failed.append(failure)
        with self.lock:
            self.requests += done
            self.failures += failed

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)


def check(path: str, status: int, length: str | None, body: bytes) -> str | None:
    """Why a response is wrong, or None: status, length, a complete page, and one build's text only."""
    if status != 200:
        return f"{path}: status {status}"
    if length is None or int(length) != len(body):
        return f"{path}: Content-Length {length} but {len(body)} bytes"
    if not body.rstrip().endswith(b"</html>"):
        return f"{path}: truncated page ({len(body)} bytes, ends {body[-40:]!r})"
    if len(set(COUNTER.findall(body))) > 1:
        return f"{path}: text of two builds in one page: {sorted(set(COUNTER.findall(body)))}"
    return None


def write_edited(site, number: int) -> None:
    site.write("content/ukraine-force.md", article(f"Counter {number}", "2026-01-06T18:00:00+00:00",
                                                   f"Counter {number}.\n\n{PARAGRAPH}", tags=["Ukraine"]))


def test_200_concurrent_clients_during_20_rebuilds_get_only_whole_pages(site):
    for number in range(STORIES):
        site.write(f"content/story-{number:02}.md", article(f"Story {number}", f"2025-11-{number % 28 + 1:02}",
                                                           PARAGRAPH, tags=["Ukraine", f"Topic {number % 5}"]))
    write_edited(site, 0)
    paths = ["", EDITED, "tags/", "tags/ukraine/", "archive/", "2025/11/", "page/2/",
             *(f"2025/11/{n % 28 + 1:02}/story-{n:02}/" for n in range(STORIES))]
    with Serve(site.root) as server:
        started = time.monotonic()
        clients = Clients(server, paths)
        try:
            for number in range(1, REBUILDS + 1):
                write_edited(site, number)
                server.wait_for(EDITED, lambda reply, n=number: f"<h1>Counter {n}</h1>" in reply.text,
                                timeout=max(1.0, DEADLINE_SECONDS - (time.monotonic() - started)))
        finally:
            clients.finish()
        seconds = time.monotonic() - started
        rebuilds = server.rebuilds(at_least=REBUILDS)
    print(f"\n{clients.requests} requests in {seconds:.1f}s ({clients.requests / seconds:.0f}/s) "
          f"from {CLIENTS} clients during {rebuilds} rebuilds")
    assert clients.failures == [], f"{len(clients.failures)} failed: {clients.failures[:10]}"
    assert rebuilds >= REBUILDS and clients.requests >= CLIENTS
