"""Hostile uploads against a real server: each gets a problem-JSON 4xx, the server stays up, nothing is left on disk."""

from __future__ import annotations

import io
import socket
import threading
import time
import zipfile

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("starlette")

from serve_server import assert_problem, running  # noqa: E402

MB = 1024 * 1024
DOC = "一、存在的问题\n1.落实一岗双责不到位。".encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # A 20 MB expansion limit (256 MB by default) keeps the bombs these tests build small and quick to make.
    with running(tmp_path_factory.mktemp("hostile"), "--limit", "read_timeout=2", "--limit", f"max_zip_bytes={20 * MB}") as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


@pytest.fixture(autouse=True)
def survives(server):
    yield
    assert server.healthy(), "the server must stay up"
    assert server.leftovers() == [], "no temporary file may be left"


def zipped(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def post_zip(client, data: bytes, name: str = "upload.zip"):
    return client.post("/v1/report", files={"files": (name, data, "application/zip")})


def test_zip_bomb_by_ratio(client):
    bomb = zipped({"a.txt": DOC, "big.txt": b"\0" * (5 * MB)})  # 5 MB of zeros deflate to about 5 KB
    body = assert_problem(post_zip(client, bomb), 413, "zip-bomb")
    assert "big.txt" in body["detail"]


def test_zip_bomb_by_total_size(client):
    # Many members each under the ratio floor add up past the expansion limit.
    members = {f"m{i}.txt": b"\0" * MB for i in range(21)}
    assert_problem(post_zip(client, zipped(members)), 413, "zip-too-large")


def test_zip_with_too_many_members(client):
    assert_problem(post_zip(client, zipped({f"d/{i}.txt": b"" for i in range(2001)}, zipfile.ZIP_STORED)), 413, "zip-too-many-members")


@pytest.mark.parametrize("member", ["../evil.txt", "a/../../evil.txt", "/etc/evil.txt", "..\\evil.txt", "C:/evil.txt"])
def test_zip_traversal_names_are_refused_and_say_why(client, member):
    body = assert_problem(post_zip(client, zipped({"ok.txt": DOC, member: DOC})), 400, "unsafe-name")
    assert "'..'" in body["detail"] and "absolute" in body["detail"]


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "/tmp/x.txt"])
def test_upload_traversal_file_names_are_refused(client, name):
    assert_problem(client.post("/v1/documents", files={"files": (name, DOC, "text/plain")}), 400, "unsafe-name")


def test_a_zip_that_is_not_one(client):
    assert_problem(post_zip(client, b"PK\x03\x04 not really"), 400, "bad-zip")


def test_too_many_files(client):
    files = [("files", (f"{i}.txt", DOC, "text/plain")) for i in range(201)]
    assert_problem(client.post("/v1/documents", files=files), 413, "too-many-files")


def test_a_document_too_long(client):
    assert_problem(client.post("/v1/documents", files={"files": ("long.txt", "学习不够。".encode() * 250_000, "text/plain")}),
                   413, "document-too-long")


def test_unsupported_files(client):
    assert_problem(client.post("/v1/documents", files={"files": ("a.exe", b"MZ", "application/octet-stream")}), 415, "unsupported-file")


@pytest.mark.parametrize("body, content_type, kind", [
    (b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\n" + DOC, "multipart/form-data; boundary=b",
     "malformed-multipart"),  # no closing boundary
    (b"garbage without any boundary at all", "multipart/form-data; boundary=zzz", "malformed-multipart"),
    (b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b", "malformed-multipart"),
    (b"--b\r\n" + b"X-Long: " + b"a" * 10_000 + b"\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b", "malformed-multipart"),
    (b"anything", "multipart/form-data", "malformed-multipart"),  # no boundary parameter
])
def test_malformed_multipart(client, body, content_type, kind):
    assert_problem(client.post("/v1/report", content=body, headers={"content-type": content_type}), 400, kind)


def _raw(server, head: bytes, chunks=(), read_after: float = 30.0) -> bytes:
    """Send a request over a plain socket, the body chunk by chunk, while reading the answer; return the answer's bytes."""
    answer = bytearray()
    with socket.create_connection(("127.0.0.1", server.port), timeout=read_after) as sock:
        def reader():
            try:
                while not _complete(answer) and (data := sock.recv(65536)):
                    answer.extend(data)
            except OSError:
                pass

        thread = threading.Thread(target=reader)
        thread.start()
        try:
            sock.sendall(head)
            for chunk in chunks:
                if answer:
                    break
                sock.sendall(chunk)
        except OSError:  # the server stopped reading and closed: expected
            pass
        thread.join(read_after)
    return bytes(answer)


def _complete(answer: bytearray) -> bool:
    """A whole response has arrived: its head, and as many body bytes as its Content-Length says."""
    head, sep, body = bytes(answer).partition(b"\r\n\r\n")
    if not sep:
        return False
    lengths = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")]
    return bool(lengths) and len(body) >= lengths[0]


def _status_and_problem(answer: bytes) -> tuple[int, dict]:
    import json

    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"application/problem+json" in head.lower()
    length = int([line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")][0])
    return status, json.loads(body[:length])


def test_a_200_mb_body_with_its_length_declared_is_refused_before_it_is_read(server):
    head = (b"POST /v1/report HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: " + str(200 * MB).encode() + b"\r\n\r\n")
    chunk = b"\0" * MB
    status, problem = _status_and_problem(_raw(server, head, (chunk for _ in range(200))))
    assert status == 413 and problem["type"] == "/problems/body-too-large"


def test_a_200_mb_chunked_body_is_counted_and_refused(server):
    head = (b"POST /v1/report HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % MB + b"\0" * MB + b"\r\n"
    start = b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.zip\"\r\n\r\n"
    chunks = [b"%x\r\n" % len(start) + start + b"\r\n"] + [chunk] * 200 + [b"0\r\n\r\n"]
    status, problem = _status_and_problem(_raw(server, head, iter(chunks)))
    assert status == 413 and problem["type"] == "/problems/body-too-large"


def test_a_slow_body_times_out(server):
    head = (b"POST /v1/report HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 1000\r\n\r\n--b\r\n")
    started = time.monotonic()
    status, problem = _status_and_problem(_raw(server, head, read_after=30))
    assert status == 408 and problem["type"] == "/problems/body-too-slow"
    assert time.monotonic() - started < 20


def test_a_bad_content_length(server):
    head = b"POST /v1/tag HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n"
    answer = _raw(server, head, read_after=10)
    assert answer.startswith(b"HTTP/1.1 400")


def test_many_hostile_requests_in_a_row_leave_the_server_up(client):
    for _ in range(20):
        assert_problem(post_zip(client, zipped({"../x.txt": DOC})), 400, "unsafe-name")
        assert_problem(client.post("/v1/tag", content=b"{", headers={"content-type": "application/json"}), 400)
    assert client.post("/v1/tag", json={"texts": ["学习不够。"]}).status_code == 200
