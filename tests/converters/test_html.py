from __future__ import annotations

from pathlib import Path

from corpus.converters import Reject, convert_paths
from corpus.converters.html import convert_html
from corpus.validate import check_record

PARAGRAPHS = [
    "Heavy rain flooded the riverside town of Exampleton on Tuesday, forcing hundreds of residents to leave their homes.",
    "The mayor said the council would open two shelters and asked people to stay away from the river banks.",
    "Forecasters expect more rain later in the week, and emergency crews remain on standby across the region.",
]


def page(title: str = "Flood hits Exampleton", author: str = "Jane Roe", date: str = "2021-03-04", paragraphs: list[str] = PARAGRAPHS) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Example</title>
<meta name="author" content="{author}"><meta property="article:published_time" content="{date}">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>
{body}
</article>
<footer>Copyright 2021 The Daily Example. All rights reserved.</footer>
</body></html>"""


def test_html_page_gives_text_title_date_and_author(tmp_path: Path) -> None:
    (tmp_path / "flood.html").write_text(page(), encoding="utf-8")
    [record] = convert_paths([tmp_path / "flood.html"])
    assert isinstance(record, dict)
    meta = record["meta"]
    assert (meta["title"], meta["date"], meta["author"], meta["source"]) == ("Flood hits Exampleton", "2021-03-04", "Jane Roe", "flood.html")
    for paragraph in PARAGRAPHS:
        assert paragraph in record["text"]
    assert "Home" not in record["text"] and "Copyright" not in record["text"]  # boilerplate is left out
    assert check_record(record) == []


def test_html_htm_extension_and_non_ascii(tmp_path: Path) -> None:
    paragraphs = [p.replace("Exampleton", "Zürich") for p in PARAGRAPHS] + ["Residents posted 🌊 photos of the flooded café."]
    (tmp_path / "z.htm").write_bytes(page(title="Flut in Zürich", paragraphs=paragraphs).encode("utf-8"))
    [record] = convert_paths([tmp_path / "z.htm"])
    assert isinstance(record, dict)
    assert record["meta"]["title"] == "Flut in Zürich"
    assert "🌊 photos of the flooded café" in record["text"]
    assert check_record(record) == []


def test_html_url_is_kept_and_makes_the_id() -> None:
    a = convert_html(page(), "a.html", url="https://ex.com/flood")
    b = convert_html(page(), "b.html", url="https://ex.com/flood")
    c = convert_html(page(), "a.html")
    assert isinstance(a, dict) and isinstance(b, dict) and isinstance(c, dict)
    assert a["meta"]["url"] == "https://ex.com/flood"
    assert a["meta"]["id"] == b["meta"]["id"] != c["meta"]["id"]


def test_html_page_without_an_article_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("<html><head><title>Nothing</title></head><body><div> </div><script>var x = 1;</script></body></html>", encoding="utf-8")
    [reject] = convert_paths([tmp_path / "empty.html"])
    assert isinstance(reject, Reject)
    assert (reject.source, reject.code) == ("empty.html", "E051")


def test_html_no_metadata_where_the_page_has_none() -> None:
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</article></body></html>"
    record = convert_html(html, "bare.html")
    assert isinstance(record, dict)
    assert (record["meta"]["title"], record["meta"]["author"], record["meta"]["url"], record["meta"]["dateline"]) == (None, None, None, None)
    assert check_record(record) == []
