"""sitegen.fileserver on its own: the WSGI app called directly, as any WSGI server would call it."""
from __future__ import annotations

import os

import pytest

from sitegen.fileserver import BadRequest, SiteApp, content_type, decode_path


def call(app: SiteApp, path: str, method: str = "GET", raw: bool = True, host: str = "127.0.0.1"
         ) -> tuple[str, dict, bytes]:
    """raw: the server passes the target as sent (tornado, gunicorn); else only the decoded PATH_INFO (wsgiref)."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path.split("?")[0], "HTTP_HOST": host}
    if raw:
        environ["REQUEST_URI"] = path
    answer = {}

    def start_response(status, headers):
        answer.update(status=status, headers=dict(headers))

    body = b"".join(app(environ, start_response))
    return answer["status"], answer["headers"], body


@pytest.fixture
def output(tmp_path):
    out = tmp_path / "out"
    for rel, text in {"index.html": "<html><body>home</body></html>", "404.html": "<html><body>lost</body></html>",
                      "a/index.html": "<html><body>a</body></html>", "style.css": "p{}",
                      "assets/icon.svg": "<svg/>"}.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    (tmp_path / "secret.txt").write_text("secret")
    return out


def test_files_index_pages_and_the_404_page(output):
    app = SiteApp(output)
    assert call(app, "/")[2] == b"<html><body>home</body></html>"
    assert call(app, "/a/")[2] == b"<html><body>a</body></html>"
    status, headers, body = call(app, "/nothing")
    assert status == "404 Not Found" and body == b"<html><body>lost</body></html>"
    assert headers["Content-Length"] == str(len(body)) and headers["Content-Type"] == "text/html; charset=utf-8"


def test_only_html_is_decorated(output):
    app = SiteApp(output, decorate=lambda body: body.replace(b"</body>", b"<i>x</i></body>"))
    assert call(app, "/")[2] == b"<html><body>home<i>x</i></body></html>"
    assert call(app, "/nothing")[2].endswith(b"<i>x</i></body></html>"), "the 404 page too"
    assert call(app, "/style.css")[2] == b"p{}"


def test_under_a_prefix(output):
    app = SiteApp(output, "/digest/")
    assert call(app, "/digest/a/")[0] == "200 OK"
    assert call(app, "/")[1]["Location"] == "/digest/"
    assert call(app, "/a/")[0] == "404 Not Found"
    assert call(app, "/digest/a")[1]["Location"] == "/digest/a/"


def test_head_and_refused_methods(output):
    app = SiteApp(output)
    status, headers, body = call(app, "/a/", "HEAD")
    assert status == "200 OK" and body == b"" and headers["Content-Length"] == str(len("<html><body>a</body></html>"))
    status, headers, _ = call(app, "/a/", "POST")
    assert status == "405 Method Not Allowed" and headers["Allow"] == "GET, HEAD"


def test_servers_that_give_only_a_decoded_path_are_checked_just_as_strictly(output):
    app = SiteApp(output)
    for path in ("/../secret.txt", "/a/../../secret.txt", "/x\0y"):
        assert call(app, path, raw=False)[0].startswith("400"), path
    assert call(app, "/a/", raw=False)[0] == "200 OK"


def test_symlinks_out_are_refused_and_links_within_are_followed(output, tmp_path):
    os.symlink(tmp_path / "secret.txt", output / "out-link")
    os.symlink(tmp_path, output / "out-dir")
    os.symlink(output / "style.css", output / "in-link.css")
    assert call(app := SiteApp(output), "/out-link")[0] == "404 Not Found"
    assert call(app, "/out-dir/secret.txt")[0] == "404 Not Found"
    assert call(app, "/in-link.css")[2] == b"p{}"


def test_hosts_it_does_not_accept_get_403(output):
    app = SiteApp(output, accept_host=lambda host: host == "good")
    assert call(app, "/", host="good")[0] == "200 OK"
    status, _, body = call(app, "/", host="bad")
    assert status == "403 Forbidden" and b"home" not in body


def test_no_site_yet_is_503_with_a_page_that_can_carry_the_overlay(tmp_path):
    app = SiteApp(tmp_path / "not-built", decorate=lambda body: body + b"overlay")
    status, _, body = call(app, "/")
    assert status == "503 Service Unavailable" and body.endswith(b"overlay")


def test_a_bug_is_a_500_answer_not_a_hung_request(output):
    def broken(body):
        raise RuntimeError("bug")

    assert call(SiteApp(output, decorate=broken), "/")[0] == "500 Internal Server Error"


def test_content_types_do_not_depend_on_the_machine():
    assert content_type("a/index.html") == "text/html; charset=utf-8"
    assert content_type("feed.xml") == "application/xml; charset=utf-8"
    assert content_type("x.WOFF2") == "font/woff2"
    assert content_type("file.unknown-kind") == "application/octet-stream"


@pytest.mark.parametrize("target", [
    "/../x", "/..%2fx", "/%2e%2e/x", "/a/%2E%2e/b", "/x%00", "/%zz", "/\\x", "/%c0%ae", "/%ff", "x", "",
])
def test_decode_path_refuses_what_no_file_can_be(target):
    with pytest.raises(BadRequest):
        decode_path(target)


@pytest.mark.parametrize("target, path", [
    ("/", "/"), ("/a/b/?q=1", "/a/b/"), ("/tags/z%C3%BCrich/", "/tags/zürich/"), ("/%252e%252e/", "/%2e%2e/"),
    ("//etc/passwd", "//etc/passwd"),
])
def test_decode_path_keeps_ordinary_paths(target, path):
    assert decode_path(target) == path
