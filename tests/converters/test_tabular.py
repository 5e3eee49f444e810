from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any


from corpus.converters import ConvertOptions, Reject, convert_paths
from corpus.validate import check_record

ART1 = "WASHINGTON (AP) — The Senate passed the bill on Tuesday by 60 votes to 40."
ART2 = "Officials said nearly 32,000 people had been displaced by the floods."


def _convert(path: Path, **options: Any) -> list[dict[str, Any] | Reject]:
    return list(convert_paths([path], ConvertOptions(**options)))


def _records(items: list[dict[str, Any] | Reject]) -> list[dict[str, Any]]:
    records = [i for i in items if isinstance(i, dict)]
    for record in records:
        assert check_record(record) == []
    return records


def _write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_tabular_news_please_preset(tmp_path: Path) -> None:
    row = {"maintext": ART1, "title": "Senate passes bill", "url": "https://ex.com/a", "date_publish": "2021-03-04 10:00:00",
           "authors": ["Jane Roe", "John Doe"], "language": "en", "description": "ignored"}
    items = _convert(_write_jsonl(tmp_path / "np.jsonl", [row]), preset="news-please")
    [record] = _records(items)
    meta = record["meta"]
    assert record["text"] == ART1
    assert (meta["title"], meta["url"], meta["date"], meta["author"], meta["language"]) == (
        "Senate passes bill", "https://ex.com/a", "2021-03-04 10:00:00", "Jane Roe, John Doe", "en")
    assert meta["dateline"] == "WASHINGTON"
    assert meta["source"] == "np.jsonl:line1"


def test_tabular_news_please_is_recognised_without_a_preset(tmp_path: Path) -> None:
    items = _convert(_write_jsonl(tmp_path / "np.jsonl", [{"maintext": ART1, "title": "T", "url": None, "language": None}]))
    [record] = _records(items)
    assert record["text"] == ART1
    assert record["meta"]["language"] == "en"  # a null language falls back to the default


def test_tabular_cc_news_preset(tmp_path: Path) -> None:
    rows = [{"title": "Floods", "text": ART2, "domain": "ex.org", "date": "2020-01-02", "url": "https://ex.org/f"}]
    [record] = _records(_convert(_write_jsonl(tmp_path / "cc.jsonl", rows), preset="cc-news"))
    assert (record["text"], record["meta"]["domain"], record["meta"]["date"], record["meta"]["url"]) == (ART2, "ex.org", "2020-01-02", "https://ex.org/f")


def test_tabular_wikinews_preset_csv(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "wn.csv", ["url", "date", "title", "text"], [
        ["https://en.wikinews.org/wiki/A", "2019-01-04", "Senate, bill", ART1 + "\n\nSecond paragraph, with a comma."],
        ["https://en.wikinews.org/wiki/B", "2019-01-05", "Floods", ART2],
    ])
    records = _records(_convert(path, preset="wikinews"))
    assert [r["meta"]["title"] for r in records] == ["Senate, bill", "Floods"]
    assert records[0]["text"] == ART1 + "\n\nSecond paragraph, with a comma."
    assert [r["meta"]["source"] for r in records] == ["wn.csv:row1", "wn.csv:row2"]
    assert records[1]["meta"]["url"] == "https://en.wikinews.org/wiki/B"


def test_tabular_text_field_mapping_on_csv(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "mine.csv", ["story_id", "headline", "body", "published"], [["s-1", "Bill passes", ART1, "2021-03-04"]])
    fields = {"text": "body", "title": "headline", "date": "published", "id": "story_id"}
    [record] = _records(_convert(path, fields=fields))
    assert (record["text"], record["meta"]["title"], record["meta"]["date"], record["meta"]["id"]) == (ART1, "Bill passes", "2021-03-04", "s-1")


def test_tabular_text_field_mapping_on_json_array(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"content": ART1, "link": "https://ex.com/1"}, {"content": ART2, "link": "https://ex.com/2"}]), encoding="utf-8")
    records = _records(_convert(path, fields={"text": "content", "url": "link"}))
    assert [(r["text"], r["meta"]["url"], r["meta"]["source"]) for r in records] == [
        (ART1, "https://ex.com/1", "items.json:item0"), (ART2, "https://ex.com/2", "items.json:item1")]


def test_tabular_single_json_object_is_one_article(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"text": ART2}), encoding="utf-8")
    assert [r["text"] for r in _records(_convert(path))] == [ART2]


def test_tabular_jsonl_gz(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps({"text": ART1}) + "\n").encode()))
    assert [r["text"] for r in _records(_convert(path))] == [ART1]


def test_tabular_missing_empty_and_wrong_text_fields_are_rejected_with_reasons(tmp_path: Path) -> None:
    rows = [{"body": ART1}, {"text": None}, {"text": ""}, {"text": "  \n"}, {"text": 5}, [ART1], {"text": ART2}]
    items = _convert(_write_jsonl(tmp_path / "r.jsonl", rows))
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [(r.source, r.code) for r in rejects] == [
        ("r.jsonl:line1", "E053"), ("r.jsonl:line2", "E051"), ("r.jsonl:line3", "E051"), ("r.jsonl:line4", "E051"),
        ("r.jsonl:line5", "E053"), ("r.jsonl:line6", "E002")]
    assert "no text field 'text'" in rejects[0].reason and "--text-field" in rejects[0].reason
    assert "holds no article text" in rejects[1].reason
    assert "holds int" in rejects[4].reason
    assert rejects[0].raw == {"body": ART1}  # the row goes to the rejects file with its reason
    assert [r["text"] for r in _records(items)] == [ART2]


def test_tabular_bad_jsonl_lines_are_rejected_and_the_rest_converted(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"text": "' + ART1.encode() + b'"}\n{"text": \n{"text": "caf\xe9"}\n{"text": "' + ART2.encode() + b'"}\n')
    items = _convert(path)
    assert [(i.source, i.code) for i in items if isinstance(i, Reject)] == [("r.jsonl:line2", "E001"), ("r.jsonl:line3", "E050")]
    assert [r["meta"]["source"] for r in _records(items)] == ["r.jsonl:line1", "r.jsonl:line4"]


def test_tabular_undecodable_csv_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("text\nCafé in Zürich.\n".encode("latin-1"))
    [reject] = _convert(path)
    assert isinstance(reject, Reject) and reject.code == "E050"


def test_tabular_broken_csv_row_is_rejected_not_swallowed(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(f'text,title\n"{ART1}",A\n"{ART2},B\n', encoding="utf-8")
    items = _convert(path)
    assert [r["text"] for r in _records(items)] == [ART1]
    [reject] = [i for i in items if isinstance(i, Reject)]
    assert (reject.source, reject.code) == ("broken.csv:row2", "E053")
    assert "line 3" in reject.reason


def test_tabular_csv_article_longer_than_csvs_default_field_limit(tmp_path: Path) -> None:
    long_text = (ART2 + " ") * 3000  # ~200 KB, past csv's 128 KiB default
    limit = csv.field_size_limit()
    path = _write_csv(tmp_path / "long.csv", ["text"], [[long_text], [ART1]])
    assert [len(r["text"]) for r in _records(_convert(path))] == [len(long_text), len(ART1)]
    assert csv.field_size_limit() == limit  # the global limit is put back


def test_tabular_not_json_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{nope", encoding="utf-8")
    [reject] = _convert(path)
    assert isinstance(reject, Reject) and reject.code == "E053" and "not a JSON document" in reject.reason


def test_tabular_unknown_preset_rejects_with_the_known_ones(tmp_path: Path) -> None:
    [reject] = _convert(_write_jsonl(tmp_path / "r.jsonl", [{"text": ART1}]), preset="gdelt")
    assert isinstance(reject, Reject) and reject.code == "E053"
    assert "news-please" in reject.reason and "wikinews" in reject.reason


def test_tabular_ids_come_from_the_url_or_the_position(tmp_path: Path) -> None:
    a = _records(_convert(_write_jsonl(tmp_path / "a.jsonl", [{"text": ART1, "url": "https://ex.com/x"}, {"text": ART1}, {"text": ART1}])))
    b = _records(_convert(_write_jsonl(tmp_path / "b.jsonl", [{"text": ART1, "url": "https://ex.com/x"}])))
    assert a[0]["meta"]["id"] == b[0]["meta"]["id"]  # same url and text: same article, wherever it is stored
    assert len({r["meta"]["id"] for r in a}) == 3  # same text without a url: told apart by position
