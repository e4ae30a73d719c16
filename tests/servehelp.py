"""Run the real `sitegen serve` in a child process on a free loopback port, and talk HTTP to it."""
from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

STARTUP_SECONDS = 30

# `sitegen ...` with Ctrl-C working even when the tests run in the background of a script, where the
# shell starts every child with SIGINT ignored (and Python then never raises KeyboardInterrupt).
AS_FROM_A_TERMINAL = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                      "from sitegen.cli import main; raise SystemExit(main(sys.argv[1:]))")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Serve:
    """`python -m sitegen serve --port 0 ...` with its output collected; use as a context manager."""

    def __init__(self, site: Path, *args: str, env_tmpdir: Path | None = None):
        """env_tmpdir: where serve makes its private output folder (its TMPDIR), for tests that look around it."""
        env = {**os.environ, "TMPDIR": str(env_tmpdir)} if env_tmpdir else None
        self.process = subprocess.Popen([sys.executable, "-c", AS_FROM_A_TERMINAL, "serve", "--site", str(site),
                                         "--port", "0", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._readers = [threading.Thread(target=self._collect, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stdout, self.stdout), (self.process.stderr, self.stderr))]
        for reader in self._readers:
            reader.start()
        self.url = self._wait_for_url()
        parts = urlsplit(self.url)
        self.host, self.port, self.prefix = parts.hostname, parts.port, parts.path

    @staticmethod
    def _collect(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            for line in list(self.stdout):
                if match := re.match(r"Serving (http://\S+)", line):
                    return match.group(1)
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"serve did not start:\n{self.log()}")

    def log(self) -> str:
        return "\n".join(["--- stdout", *self.stdout, "--- stderr", *self.stderr])

    def request(self, path: str, method: str = "GET", headers: dict | None = None, timeout: float = 10) -> Reply:
        """path is below the site's base path unless it starts with '/'."""
        target = path if path.startswith("/") else self.prefix + path
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, target, headers=headers or {})
            response = connection.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        return self.request(path)

    def wait_for(self, path: str, check, timeout: float = 10) -> Reply:
        """Fetch path until check(reply) holds, as a person pressing reload would; the last reply."""
        deadline = time.monotonic() + timeout
        while True:
            reply = self.get(path)
            if check(reply):
                return reply
            if time.monotonic() > deadline:
                raise AssertionError(f"{path}: still {reply.status} {reply.text[:300]!r} after {timeout}s\n{self.log()}")
            time.sleep(0.03)

    def rebuilds(self, at_least: int = 0, timeout: float = 10) -> int:
        """How many rebuilds serve has reported, waiting until there are at least at_least."""
        deadline = time.monotonic() + timeout
        while True:
            count = sum(line.startswith(("Rebuilt", "Build failed")) for line in list(self.stdout + self.stderr))
            if count >= at_least or time.monotonic() > deadline:
                return count
            time.sleep(0.02)

    def raw(self, request: bytes, timeout: float = 10) -> bytes:
        """Send bytes as they are (no client normalises the path) and read the whole answer."""
        with socket.create_connection((self.host, self.port), timeout=timeout) as sock:
            sock.sendall(request)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for reader in self._readers:
            reader.join(timeout=5)
        self.process.stdout.close()
        self.process.stderr.close()
        return self.process.returncode

    def __enter__(self) -> "Serve":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
