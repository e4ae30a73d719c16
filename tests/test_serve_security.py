"""Nothing outside the built site can be read through `sitegen serve` (reliability notes 4.5).

Every probe is sent raw over a socket, so no client normalises the path first. Marker files wait
outside the output folder (beside it, in a sibling named like it, in the site, in the temp folder);
none may ever appear in a response.
"""
from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import websocket

from conftest import SITE_YAML, Site, article
from servehelp import Serve

MARKER = "MARKER-7f3a9c-must-never-be-served"
PREFIX = "/news-digest/"
ARTICLE = "2026/01/06/ukraine-force/"

PROBES = [
    "/../outside.txt",
    "/..%2foutside.txt",
    "/%2e%2e/outside.txt",
    "/%2e%2e%2foutside.txt",
    "/%252e%252e/outside.txt",
    "/a/../../outside.txt",
    "/....//outside.txt",
    "/..\\outside.txt",
    "/%5c..%5coutside.txt",
    "//etc/passwd",
    "/etc/passwd",
    "/news-digest/../outside.txt",
    "/news-digest/..%2f..%2foutside.txt",
    "/%2e%2e%5c%2e%2e%5coutside.txt",
    "/index.html%00.txt",
    "/%c0%ae%c0%ae/outside.txt",
    "/%e0%80%ae%e0%80%ae/outside.txt",
    "/site-evil/x.html",
    "/.git/config",
    "/.sitegen-cache/secret.txt",
    "/%zz",
    "/..%5c..%5c..%5cetc%5cpasswd",
    "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/.%2e/outside.txt",
    "/%2E%2E/outside.txt",
    "/static/../../site.yaml",
    "/content/ukraine-force.md",
    "/evil-link",
    "/evil-dir/outside.txt",
    "/evil-dir/",
    "file:///etc/passwd",
    "http://evil.example/../outside.txt",
    "*",
]


def plant_site(root: Path) -> Site:
    site = Site(root / "site")
    site.write("site.yaml", SITE_YAML)
    site.write("content/ukraine-force.md", article("UK, France pledge support"))
    for place in (root / "outside.txt", site.root / "outside.txt", site.root / ".git" / "config",
                  site.root / ".sitegen-cache" / "secret.txt"):
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_text(MARKER)
    return site


def plant_around_output(tmp: Path) -> None:
    """Markers beside serve's output folder, a sibling named like it, and symlinks from inside it to outside."""
    output = next(tmp.glob("sitegen-serve-*/site"))
    (output.parent / "outside.txt").write_text(MARKER)
    (output.parent / "site-evil").mkdir()
    (output.parent / "site-evil" / "x.html").write_text(MARKER)
    os.symlink(tmp / "outside.txt", output / "evil-link")
    os.symlink(tmp, output / "evil-dir")
    (output / "control.txt").write_text("control: " + MARKER[::-1])  # proves a planted file can be read at all
    os.symlink(output / "control.txt", output / "inside-link")


def start(tmp: Path, site_yaml: str) -> Serve:
    site = plant_site(tmp)
    site.write("site.yaml", site_yaml)
    server = Serve(site.root, env_tmpdir=tmp)
    plant_around_output(tmp)
    return server


@pytest.fixture(scope="module", params=["/", PREFIX], ids=["root", "prefixed"])
def served(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("probes")
    yaml = SITE_YAML if request.param == "/" else SITE_YAML.replace("https://example.org/", "https://e.org" + PREFIX)
    with start(tmp, yaml) as server:
        yield server


def raw_get(server: Serve, target: str, extra: str = "", method: str = "GET") -> tuple[int, bytes]:
    request = f"{method} {target} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\n{extra}Connection: close\r\n\r\n"
    answer = server.raw(request.encode("latin-1"))
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    assert match, f"{target!r}: no HTTP answer: {answer[:200]!r}"
    return int(match.group(1)), answer


def assert_refused(status: int, answer: bytes, target: str) -> None:
    assert 400 <= status < 500, f"{target!r} -> {status}"
    assert MARKER.encode() not in answer and b"root:x:0:0" not in answer, f"{target!r} leaked a file"


@pytest.mark.parametrize("probe", PROBES)
def test_traversal_and_encoding_probes_get_4xx_and_never_a_file(served, probe):
    for target in {probe, served.prefix.rstrip("/") + probe} if probe.startswith("/") else {probe}:
        status, answer = raw_get(served, target)
        assert_refused(status, answer, target)


@pytest.mark.parametrize("target, expected", [
    ("/index.html%00.txt", 400), ("/%00", 400), ("/a%0d%0aSet-Cookie:%20x", 400), ("/%zz", 400), ("/%2", 400),
    ("/%c0%ae%c0%ae/outside.txt", 400), ("/a/../b", 400), ("/%2e%2e/x", 400), ("/a\\b", 400),
])
def test_malformed_paths_are_bad_requests(served, target, expected):
    status, answer = raw_get(served, target)
    assert status == expected, answer[:300]


def test_the_probes_would_see_a_file_that_is_inside_the_output(served):
    status, answer = raw_get(served, served.prefix + "control.txt")
    assert status == 200 and MARKER[::-1].encode() in answer
    assert served.get("inside-link").text == "control: " + MARKER[::-1], "a symlink within the output is fine"


def test_symlinks_out_of_the_output_are_never_followed(served):
    for target in ("evil-link", "evil-dir/outside.txt", "evil-dir/"):
        reply = served.get(target)
        assert reply.status == 404 and MARKER not in reply.text


def test_an_over_long_url_gets_414(served):
    status, answer = raw_get(served, served.prefix + "a" * 70_000)
    assert status == 414, answer[:200]


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "DELETE", "TRACE", "CONNECT"])
def test_methods_other_than_get_and_head_get_405(served, method):
    target = "127.0.0.1:1" if method == "CONNECT" else served.prefix + ARTICLE
    status, answer = raw_get(served, target, method=method)
    assert status in (400, 405), answer[:200]
    assert MARKER.encode() not in answer


def test_a_foreign_host_name_is_refused_and_never_echoed(served):
    """DNS rebinding: a page on evil.example re-pointed at 127.0.0.1 must not read the preview (drafts)."""
    status, answer = raw_get(served, served.prefix + ARTICLE)
    for host in ("localhost", f"localhost:{served.port}", f"127.0.0.1:{served.port}", f"[::1]:{served.port}",
                 "preview.localhost"):
        same_status, same = raw_get_with_host(served, served.prefix + ARTICLE, host)
        assert same_status == status == 200 and same.split(b"\r\n\r\n", 1)[1] == answer.split(b"\r\n\r\n", 1)[1]
    for host in ("evil.example", f"evil.example:{served.port}", "127.0.0.1.evil.example", "[::1].evil"):
        forged_status, forged = raw_get_with_host(served, served.prefix + ARTICLE, host)
        assert forged_status == 403 and b"evil" not in forged and b"UK, France" not in forged, host


def raw_get_with_host(server: Serve, target: str, host: str) -> tuple[int, bytes]:
    answer = server.raw(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    return int(answer[9:12]), answer


def test_head_has_no_body_and_a_range_request_is_answered_whole(served):
    status, answer = raw_get(served, served.prefix + ARTICLE, method="HEAD")
    head, body = answer.split(b"\r\n\r\n", 1)
    assert status == 200 and body == b"" and b"Content-Length: " in head
    status, answer = raw_get(served, served.prefix + ARTICLE, extra="Range: bytes=0-10\r\n")
    assert status in (200, 206) and answer.rstrip().endswith(b"</html>")


def test_the_reload_socket_refuses_other_origins(served):
    socket_url = f"ws://{served.host}:{served.port}/livereload"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(socket_url, origin="http://evil.example", timeout=5)
    assert refused.value.status_code == 403
    same = websocket.create_connection(socket_url, origin=f"http://{served.host}:{served.port}", timeout=5)
    try:
        same.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        assert json.loads(same.recv())["command"] == "hello"
    finally:
        same.close()


def test_no_force_reload_url_exists(served):
    watcher = websocket.create_connection(f"ws://{served.host}:{served.port}/livereload",
                                          origin=f"http://{served.host}:{served.port}", timeout=5)
    try:
        watcher.send(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
        watcher.recv()
        watcher.send(json.dumps({"command": "info", "url": served.url}))
        assert raw_get(served, "/forcereload?path=*")[0] == 404
        assert raw_get_with_host(served, "/forcereload?path=*", "evil.example")[0] == 403
        watcher.settimeout(0.5)
        with pytest.raises(websocket.WebSocketTimeoutException):
            watcher.recv()  # no reload was sent
    finally:
        watcher.close()


def test_fifty_probes_in_parallel_are_all_answered_and_the_site_still_works(served):
    targets = [(served.prefix.rstrip("/") + p) if p.startswith("/") else p for p in PROBES] * 2
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(lambda t: raw_get(served, t), targets[:60]))
    for target, (status, answer) in zip(targets, answers):
        assert_refused(status, answer, target)
    assert served.get(ARTICLE).status == 200 and served.get("").status == 200
