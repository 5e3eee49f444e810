from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.converters import Reject, convert_paths
from corpus.validate import check_record

from .test_html import PARAGRAPHS, page


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str, status: str = "200 OK") -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers))


def build_warc(path: Path) -> Path:
    """warcinfo, a request, two HTML articles, an image, a 404 page: what a small crawl looks like."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        writer.write_record(writer.create_warc_record("https://ex.com/flood", "request", payload=BytesIO(b"GET /flood HTTP/1.1\r\n\r\n")))
        _response(writer, "https://ex.com/flood", page().encode("utf-8"), "text/html; charset=utf-8")
        _response(writer, "https://ex.com/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
        _response(writer, "https://ex.com/gone", page(title="Not found").encode("utf-8"), "text/html", status="404 Not Found")
        other = [p.replace("Exampleton", "Sampleville") for p in PARAGRAPHS]
        _response(writer, "https://ex.com/storm", page(title="Storm in Sampleville", paragraphs=other).encode("utf-8"), "text/html")
    return path


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_records_and_the_rest_is_rejected(tmp_path: Path, name: str) -> None:
    path = build_warc(tmp_path / name)
    if name.endswith(".gz"):
        assert path.read_bytes()[:2] == b"\x1f\x8b"
    items = list(convert_paths([path]))
    records = [i for i in items if isinstance(i, dict)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [(r["meta"]["url"], r["meta"]["title"]) for r in records] == [
        ("https://ex.com/flood", "Flood hits Exampleton"), ("https://ex.com/storm", "Storm in Sampleville")]
    assert [r["meta"]["source"] for r in records] == [f"{name}#2", f"{name}#5"]
    for record in records:
        assert check_record(record) == []
    assert PARAGRAPHS[0] in records[0]["text"]
    assert [(r.source, r.code) for r in rejects] == [(f"{name}#3", "E052"), (f"{name}#4", "E053")]
    assert "image/png" in rejects[0].reason
    assert "404" in rejects[1].reason


def test_warc_plain_and_gzip_give_the_same_articles(tmp_path: Path) -> None:
    plain = [i for i in convert_paths([build_warc(tmp_path / "a.warc")]) if isinstance(i, dict)]
    gz = [i for i in convert_paths([build_warc(tmp_path / "a.warc.gz")]) if isinstance(i, dict)]
    assert [(r["text"], r["meta"]["id"]) for r in plain] == [(r["text"], r["meta"]["id"]) for r in gz]


def test_warc_that_is_not_a_warc_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("<html>hello</html>\n", encoding="utf-8")
    [reject] = convert_paths([path])
    assert isinstance(reject, Reject)
    assert (reject.source, reject.code) == ("fake.warc", "E053")
    assert "not a WARC" in reject.reason


def test_warc_record_cut_short_is_rejected(tmp_path: Path) -> None:
    full = build_warc(tmp_path / "full.warc").read_bytes()
    cut = full.index(b"<p>Heavy rain")  # inside the first article's body
    (tmp_path / "cut.warc").write_bytes(full[:cut])
    items = list(convert_paths([tmp_path / "cut.warc"]))
    assert [(i.source, i.code) for i in items if isinstance(i, Reject)] == [("cut.warc#2", "E053")]
    assert not [i for i in items if isinstance(i, dict)]
