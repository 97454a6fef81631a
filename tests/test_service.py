"""`vaddr serve` against a real server: a `python -m vaddr serve` process on a free 127.0.0.1 port, spoken to
with a real HTTP client (httpx). Good requests get the same JSON as the library; bad ones a 4xx with a
one-line ``error``."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
pytest.importorskip("multipart")

from vaddr._serve_process import running_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "vaddr" / "samples" / "sample.png"
needs_sample = pytest.mark.skipif(not SAMPLE.is_file(), reason="no bundled sample")


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with running_server(["--max-body-mb", "1", "--max-lines", "200", "--max-images", "4"]) as url:
        with httpx.Client(base_url=url, timeout=120) as c:
            yield c


def test_health_and_openapi(client: httpx.Client) -> None:
    h = client.get("/health").json()
    assert h["status"] == "ok" and h["backend"] == "crnn" and "crnn" in h["backends"]
    assert h["limits"]["max_body_bytes"] == 1024 * 1024 and h["limits"]["max_lines"] == 200
    spec = client.get("/openapi.json").json()
    assert {"/correct", "/convert", "/ocr", "/health"} <= set(spec["paths"])
    ocr_body = spec["paths"]["/ocr"]["post"]["requestBody"]["content"]
    assert {"multipart/form-data", "application/json"} <= set(ocr_body)
    assert "Address" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200


def test_correct_single_and_batch_match_the_library(client: httpx.Client) -> None:
    from vaddr import correct

    one = client.post("/correct", json={"text": "thon 1 ea ktur cu kuin dak lak"})
    assert one.status_code == 200
    assert one.json() == correct("thon 1 ea ktur cu kuin dak lak").model_dump(mode="json")
    lines = ["p 7 q 3 tp hcm", "hoa binh", "nghi hoa nghi loc nghe an"]
    batch = client.post("/correct", json={"texts": lines, "scheme": "2025", "case": "upper", "alternatives": 2})
    assert batch.status_code == 200
    expected = [correct(t, scheme="2025", case="upper", alternatives=2).model_dump(mode="json") for t in lines]
    assert batch.json() == {"results": expected}


def test_convert(client: httpx.Client) -> None:
    from vaddr import convert, correct

    r = client.post("/convert", json={"address": "Tổ 9 Trần Phú Hoàng Mai Hà Nội"})
    assert r.status_code == 200 and r.json() == convert("Tổ 9 Trần Phú Hoàng Mai Hà Nội").model_dump(mode="json")
    legacy = correct("thon 1 ea ktur cu kuin dak lak").model_dump(mode="json")
    r2 = client.post("/convert", json={"address": legacy})
    assert r2.status_code == 200 and r2.json()["scheme"] == "2025" and r2.json()["district"] is None


@needs_sample
def test_ocr_multipart_and_base64_agree_with_the_reader(client: httpx.Client) -> None:
    from vaddr.reader import Reader

    data = SAMPLE.read_bytes()
    expected = Reader(top_k=5).read([data])[0].model_dump(mode="json")
    up = client.post("/ocr", files=[("file", ("line.png", data, "image/png"))], data={"top_k": "5"})
    assert up.status_code == 200, up.text
    (got,) = up.json()["results"]
    assert got["file"] == "line.png" and got["error"] is None
    assert {k: v for k, v in got.items() if k != "file"} == {k: v for k, v in expected.items() if k != "file"}
    b64 = client.post("/ocr", json={"images": [base64.b64encode(data).decode()], "top_k": 5})
    assert b64.status_code == 200 and b64.json()["results"][0]["text"] == got["text"]
    # one bad image among good ones: the batch answers, the bad one has its error
    mixed = client.post(
        "/ocr", files=[("file", ("a.png", data, "image/png")), ("file", ("b.txt", b"hi", "text/plain"))]
    )
    res = mixed.json()["results"]
    assert mixed.status_code == 200 and res[0]["error"] is None and res[1]["error"].startswith("b.txt: not an image")


MALFORMED = [
    # (method, path, kwargs, status, words in the error)
    (
        "post",
        "/correct",
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
        400,
        "not valid JSON",
    ),
    ("post", "/correct", {"json": {}}, 422, "exactly one of 'text'"),
    ("post", "/correct", {"json": {"text": "a", "texts": ["b"]}}, 422, "exactly one of 'text'"),
    ("post", "/correct", {"json": {"text": 42}}, 422, "text: Input should be a valid string"),
    ("post", "/correct", {"json": {"texts": ["ha noi", None]}}, 422, "texts.1: Input should be a valid string"),
    (
        "post",
        "/correct",
        {"json": {"text": "ha noi", "scheme": "1990"}},
        422,
        "scheme: Input should be 'legacy' or '2025'",
    ),
    ("post", "/correct", {"json": {"text": "ha noi", "colour": "red"}}, 422, "colour: Extra inputs are not permitted"),
    ("post", "/correct", {"json": {"text": "   "}}, 422, "texts[0]: empty line"),
    ("post", "/correct", {"json": {"text": "x" * 5000}}, 422, "5000 characters (limit 1000)"),
    ("post", "/correct", {"json": {"texts": ["ha noi"] * 201}}, 413, "201 lines in one request (limit 200)"),
    ("post", "/correct", {"json": {"text": "a" * (2 * 1024 * 1024)}}, 413, "request body too large"),
    ("post", "/correct", {"json": {"text": "ha noi", "alternatives": -1}}, 422, "alternatives"),
    ("post", "/convert", {"json": {"address": {"text": "no units"}}}, 422, "address"),
    (
        "post",
        "/convert",
        {
            "content": b'{"address": {"text": "x\\udcff", "input": "x", "confidence": 0.5}}',
            "headers": {"content-type": "application/json"},
        },
        422,
        "address: invalid Unicode",
    ),
    ("post", "/ocr", {"content": b"hello", "headers": {"content-type": "text/plain"}}, 415, "multipart/form-data"),
    ("post", "/ocr", {"json": {"images": ["%%%not base64"]}}, 400, "images[0]: not valid base64"),
    ("post", "/ocr", {"json": {"images": []}}, 400, "no image given"),
    ("post", "/ocr", {"json": {"images": ["aGk="], "top_k": 0}}, 422, "top_k"),
    ("post", "/ocr", {"json": {"images": ["aGk="] * 5}}, 413, "5 images in one request (limit 4)"),
    ("post", "/ocr", {"json": {"images": [base64.b64encode(b"not an image").decode()]}}, 422, "no image could be read"),
    ("post", "/ocr", {"files": [("file", ("x.png", b"\x89PNG\r\n\x1a\n broken", "image/png"))]}, 422, "x.png"),
    ("post", "/ocr", {"files": [("other", ("x.png", b"", "image/png"))]}, 400, "no image given"),
    ("post", "/ocr", {"files": [("file", ("x.png", b"x", "image/png"))], "data": {"top_k": "lots"}}, 422, "top_k"),
    ("post", "/correct", {"content": b'{"text": "ha noi"}', "headers": {"content-type": "text/plain"}}, 415, "json"),
    (
        "post",
        "/correct",
        {"content": b'{"text": "ha \\udcff noi"}', "headers": {"content-type": "application/json"}},
        422,
        "texts[0]: invalid Unicode",
    ),
    (
        "post",
        "/correct",
        {"content": b'{"texts": ["ha noi", "ha \xed\xb3\xbf"]}', "headers": {"content-type": "application/json"}},
        422,
        "texts[1]: invalid Unicode",
    ),
    ("post", "/ocr", {"content": b"garbage", "headers": {"content-type": "multipart/form-data"}}, 400, "boundary"),
    ("post", "/ocr", {"content": b"[1, 2]", "headers": {"content-type": "application/json"}}, 422, "object"),
    ("get", "/correct", {}, 405, "Method Not Allowed"),
    ("get", "/nowhere", {}, 404, "Not Found"),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "words"), MALFORMED)
def test_malformed_requests_get_a_clear_4xx(client: httpx.Client, method, path, kwargs, status, words) -> None:
    r = client.request(method.upper(), path, **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert words in body["error"], body
    assert "\n" not in body["error"]


def test_streamed_body_over_the_limit_is_refused(client: httpx.Client) -> None:
    """No Content-Length (chunked upload): the limit is enforced while reading, not after."""

    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(40):
            yield b"a" * 65536
        yield b'"}'

    r = client.post("/correct", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["error"]
    assert client.get("/health").status_code == 200  # and the server is still there


def test_serve_without_a_working_backend_is_a_usage_error() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "vaddr", "serve", "--backend", "nope", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "unknown recognizer backend 'nope'" in proc.stderr


def test_concurrent_requests_get_their_own_answers(client: httpx.Client) -> None:
    """Requests run on the server's thread pool at once: each still gets the answer for its own line."""
    from concurrent.futures import ThreadPoolExecutor

    from vaddr import correct

    lines = ["thon 1 ea ktur cu kuin dak lak", "p 7 q 3 tp hcm", "hoa binh", "nghi hoa nghi loc nghe an", "ha giang"]
    jobs = [(lines[i % len(lines)], ("legacy", "2025")[i % 2]) for i in range(24)]
    url = str(client.base_url)

    def ask(job: tuple[str, str]) -> dict:
        with httpx.Client(base_url=url, timeout=120) as c:
            return c.post("/correct", json={"text": job[0], "scheme": job[1]}).json()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, jobs))
    assert answers == [correct(t, scheme=s).model_dump(mode="json") for t, s in jobs]
