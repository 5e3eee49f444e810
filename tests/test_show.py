from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from corpus.cli import app
from corpus.jsonl import write_jsonl
from corpus.record import TokenIndex, make_relation, new_record, set_hashes
from corpus.registry import LAYERS, load_registry
from corpus.show import render_page
from corpus.validate import check_record

Spec = dict[str, tuple[str, str, dict[str, Any] | None]]


def _record(text: str, spans: Spec, relations: tuple[tuple[str, str, str], ...] = (), **meta: Any) -> dict[str, Any]:
    """A valid record whose spans are named substrings of `text` (first occurrence)."""
    rec = new_record(text, source="tests/show", **meta)
    index = TokenIndex(text, rec["tokens"])
    made = {}
    for name, (words, label, attrs) in spans.items():
        start = text.index(words)
        made[name] = index.span(start, start + len(words), label, attrs)
    rec["spans"] = list(made.values())
    rec["relations"] = [make_relation(label, made[head], made[child]) for label, head, child in relations]
    set_hashes(rec)
    assert check_record(rec) == []
    return rec


def _full() -> dict[str, Any]:
    text = 'Antony Blinken said on Thursday that "a major offensive in Rafah would be a mistake" & <b> nearly 32,000 </b> people have died.'
    return _record(
        text,
        {
            "person": ("Antony Blinken", "PERSON", None),
            "date": ("Thursday", "DATE", None),
            "gpe": ("Rafah", "GPE", None),
            "quote": ("a major offensive in Rafah would be a mistake", "QUOTE", {"kind": "direct"}),
            "cue": ("said", "CUE", None),
            "source": ("Antony Blinken", "SOURCE", {"name": "Antony J. Blinken"}),
            "stance": ("would be a mistake", "STANCE", {"polarity": "against"}),
            "target": ("a major offensive in Rafah", "TARGET", None),
            "stat": ("nearly 32,000", "STATISTIC", {"value": 32000, "unit": None, "approximator": "~", "kind": "count"}),
            "concept": ("people", "CONCEPT", None),
        },
        (("SOURCE", "quote", "source"), ("CUE", "quote", "cue"), ("HOLDER", "stance", "source"),
         ("TARGET", "stance", "target"), ("CONCEPT", "stat", "concept")),
        title="Blinken <warns> & co",
    )


def _stats() -> dict[str, Any]:
    text = "About 85% of voters, or over 2 million people, backed the plan, the mayor said."
    return _record(
        text,
        {
            "pct": ("About 85%", "STATISTIC", {"value": 85, "unit": "%", "approximator": "~", "kind": "percent"}),
            "voters": ("of voters", "CONCEPT", None),
            "count": ("over 2 million", "STATISTIC", {"value": 2000000, "unit": None, "approximator": ">", "kind": "count"}),
            "people": ("people", "CONCEPT", None),
            "quote": ("About 85% of voters, or over 2 million people, backed the plan", "QUOTE", {"kind": "indirect"}),
            "source": ("the mayor", "SOURCE", None),
            "cue": ("said", "CUE", None),
            "stance": ("backed", "STANCE", {"polarity": "favor"}),
            "target": ("the plan", "TARGET", {"name": "City plan"}),
        },
        (("CONCEPT", "pct", "voters"), ("CONCEPT", "count", "people"), ("SOURCE", "quote", "source"),
         ("CUE", "quote", "cue"), ("HOLDER", "stance", "source"), ("TARGET", "stance", "target")),
    )


def _entities_only() -> dict[str, Any]:
    rec = _record(
        "The UN & <NATO> met in Geneva on 3 May.",
        {"org": ("UN", "ORG", None), "gpe": ("Geneva", "GPE", None), "date": ("3 May", "DATE", None)},
    )
    del rec["relations"]  # a record annotated with one layer only
    return rec


def _no_spans() -> dict[str, Any]:
    rec = new_record("Nothing & nobody <here>.\n\nSecond paragraph.", source="tests/show")
    del rec["spans"], rec["relations"]
    assert check_record(rec) == []
    return rec


def _records() -> list[dict[str, Any]]:
    return [_full(), _entities_only(), _no_spans(), _stats()]


def _badges(page: str) -> list[dict[str, str]]:
    """Every highlight badge (one per drawn span) with its data attributes and its text."""
    found = re.findall(r'<b class="lb" id="d(\d+)-s\d+" data-layer="([^"]+)" data-label="([^"]+)" data-start="(\d+)" data-end="(\d+)"[^>]*>([^<]*)</b>', page)
    return [dict(zip(("doc", "layer", "label", "start", "end", "text"), f)) for f in found]


def test_show_draws_every_span_with_its_label_and_layer() -> None:
    records = _records()
    page, summary = render_page(records)
    layer_of = {label: layer for layer, labels in load_registry().layers.items() for label in labels}
    want = sorted((str(n), layer_of[s["label"]], s["label"], str(s["start"]), str(s["end"]), s["label"])
                  for n, r in enumerate(records) for s in r.get("spans", []))
    got = sorted(tuple(b.values()) for b in _badges(page))
    assert got == want
    assert summary.records == 4 and summary.with_problems == 0


def test_show_escapes_text_title_and_attributes() -> None:
    text = 'Officials said <script>alert("x")</script> & more.'
    rec = _record(text, {"source": ("Officials", "SOURCE", {"name": '"><img src=x onerror=alert(1)>'})},
                  title="</title><script>alert(1)</script>")
    page, _ = render_page([rec], title="<review & co>")
    assert page.count("<script") == 1  # only the page's own script
    assert "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more." in page
    assert "<title>&lt;review &amp; co&gt;</title>" in page
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_show_summary_counts_labels_per_layer() -> None:
    records = _records()
    page, summary = render_page(records)
    rows = re.findall(r'<div class="row(?: zero)?" data-layer="(\w*)" data-label="([^"]+)" data-count="(\d+)">', page)
    charted = {(layer, label): int(n) for layer, label, n in rows if layer}
    layer_of = {label: layer for layer, labels in load_registry().layers.items() for label in labels}
    want = Counter((layer_of[s["label"]], s["label"]) for r in records for s in r.get("spans", []))
    assert {k: v for k, v in charted.items() if v} == dict(want)
    assert charted[("entities", "CARDINAL")] == 0  # every registry label is charted, zeros too
    assert summary.spans == want
    relations = {label: int(n) for layer, label, n in rows if not layer and label in load_registry().relations}
    rel_counts = Counter(rel["label"] for r in records for rel in r.get("relations", []))
    assert relations == {label: rel_counts[label] for label in load_registry().relations}
    assert 'data-label="percent" data-count="1"' in page and 'data-label="favor" data-count="1"' in page


def test_show_record_without_spans_renders_its_text_only() -> None:
    page, summary = render_page([_no_spans()])
    assert _badges(page) == []
    assert '<i class="b ' not in page
    assert "Nothing &amp; nobody &lt;here&gt;.\n\nSecond paragraph." in page
    assert 'class="problems"' not in page
    assert summary.spans == Counter() and summary.records == 1


def test_show_lists_relations_and_statistic_attributes() -> None:
    page, _ = render_page([_full(), _stats()])
    assert re.search(r'<td class="q"><a href="#d0-s3">a major offensive in Rafah would be a mistake</a></td><td>direct</td>'
                     r'<td><a href="#d0-s5">Antony Blinken</a> <span class="name">\(Antony J. Blinken\)</span></td>'
                     r'<td><a href="#d0-s4">said</a></td>', page)
    assert re.search(r'<td><a href="#d0-s5">Antony Blinken</a>.*?</td><td class="pol-against">against</td>'
                     r'<td><a href="#d0-s6">would be a mistake</a></td><td><a href="#d0-s7">a major offensive in Rafah</a></td>', page)
    assert re.search(r'<td><a href="#d1-s0">About 85%</a></td><td>85</td><td>%</td><td>~</td><td>percent</td><td><a href="#d1-s1">of voters</a></td>', page)
    assert re.search(r'<td><a href="#d1-s2">over 2 million</a></td><td>2000000</td><td>—</td><td>&gt;</td><td>count</td><td><a href="#d1-s3">people</a></td>', page)
    assert '<span class="name">(City plan)</span>' in page


def test_show_reports_spans_it_cannot_place_instead_of_shifting_them() -> None:
    rec = _full()
    moved = dict(rec["spans"][0], start=rec["spans"][0]["start"] + 1)  # off a token boundary on purpose
    rec["spans"][0] = moved
    page, summary = render_page([rec])
    assert summary.with_problems == 1
    assert "not drawn: E031" in page
    assert not any(b["label"] == "PERSON" for b in _badges(page))
    assert len(_badges(page)) == len(rec["spans"]) - 1
    assert summary.spans[("entities", "PERSON")] == 1  # still counted as in the input


def test_show_draws_spans_of_a_record_without_tokens() -> None:
    rec = _stats()
    del rec["tokens"]
    assert check_record(rec) == []
    page, summary = render_page([rec])
    assert len(_badges(page)) == len(rec["spans"]) and summary.with_problems == 0


def test_show_draws_unknown_labels_in_their_own_layer() -> None:
    rec = _entities_only()
    rec["spans"][0] = dict(rec["spans"][0], label="MADE_UP")
    page, summary = render_page([rec])
    assert [b["layer"] for b in _badges(page) if b["label"] == "MADE_UP"] == ["other"]
    assert 'class="layer-toggle" value="other"' in page and "E033" in page
    assert summary.spans[("other", "MADE_UP")] == 1


def test_show_paginates_many_articles() -> None:
    records = [dict(_no_spans(), meta=dict(_no_spans()["meta"], id=f"r{i}")) for i in range(45)]
    page, _ = render_page(records, per_page=20)
    sections = re.findall(r'<section class="page" data-page="(\d+)" aria-label="page \d+"( hidden)?>', page)
    assert sections == [("0", ""), ("1", " hidden"), ("2", " hidden")]
    assert page.count('<article class="doc"') == 45
    assert 'data-goto="all"' in page
    with pytest.raises(ValueError):
        render_page(records, per_page=0)


def test_show_page_needs_no_network() -> None:
    page, _ = render_page(_records())
    assert not re.search(r"<(?:script|img|iframe)[^>]*\ssrc=|<link\b|@import|url\(", page)
    assert not re.search(r'href="(?!#)', page)  # no article in the input has a URL


def test_show_cli_writes_the_page(tmp_path: Path) -> None:
    src = tmp_path / "annotated.jsonl"
    write_jsonl(src, _records())
    out = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["show", str(src), "-o", str(out), "--per-page", "3"])
    assert result.exit_code == 0, result.output
    assert "wrote 4 articles" in result.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="page"') == 2
    assert f"{src}:4" in page  # each article says where it came from


def test_show_cli_names_a_bad_line_shows_the_rest_and_fails_on_no_records(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(_no_spans()) + "\n{not json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["show", str(bad), "-o", str(tmp_path / "bad.html")])
    assert result.exit_code == 1
    assert f"E001 {bad}:2: line 2 is not valid JSON" in result.stderr
    assert "wrote 1 articles" in result.stdout and "1 line not read" in result.stdout
    assert f"{bad}:1" in (tmp_path / "bad.html").read_text(encoding="utf-8")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["show", str(empty), "-o", str(tmp_path / "empty.html")])
    assert result.exit_code == 1


# -- in a real browser ---------------------------------------------------------------------------

_CHECKS = """
(function(){
  var R={ready: document.body.getAttribute('data-ready')==='1', errors: window.__errors, missing: [], hidden: [], words: []};
  function vis(el){ return el.getClientRects().length>0; }
  var all=document.querySelector('.pager button[data-goto="all"]'); if(all){ all.click(); }
  EXPECTED.forEach(function(e){
    var el=document.querySelector('#doc-'+e.doc+' .lb[data-start="'+e.start+'"][data-end="'+e.end+'"][data-label="'+e.label+'"]');
    if(!el || el.textContent!==e.label || el.getAttribute('data-layer')!==e.layer){ R.missing.push(e); return; }
    if(!vis(el)){ R.hidden.push(e); }
    var words='';
    document.querySelectorAll('#doc-'+e.doc+' .t').forEach(function(t){
      if(t.querySelector(':scope > .b[data-s="'+el.getAttribute('data-s')+'"]')){ words+=t.firstChild.textContent; }
    });
    if(words!==e.words){ R.words.push([e, words]); }
  });
  R.badges=document.querySelectorAll('.lb').length;
  R.toggles={};
  LAYERS.forEach(function(layer){
    var cb=document.querySelector('input.layer-toggle[value="'+layer+'"]');
    if(!cb){ R.toggles[layer]='no checkbox'; return; }
    cb.click();
    var r={own:0, ownShown:0, others:0, othersHidden:0, textHidden:0, restored:0};
    document.querySelectorAll('.b, .lb').forEach(function(b){
      var mine=(b.closest('.b')||b).classList.contains('L-'+layer);
      if(mine){ r.own++; if(vis(b)){ r.ownShown++; } } else { r.others++; if(!vis(b)){ r.othersHidden++; } }
    });
    document.querySelectorAll('.t').forEach(function(t){ if(!vis(t)){ r.textHidden++; } });
    cb.click();
    r.bars=document.querySelectorAll('.L-'+layer).length;
    document.querySelectorAll('.L-'+layer).forEach(function(b){ if(vis(b)){ r.restored++; } });
    R.toggles[layer]=r;
  });
  document.querySelector('.pager button[data-goto="1"]').click();
  R.page2=Array.prototype.filter.call(document.querySelectorAll('article.doc'), vis).map(function(a){ return a.id; });
  var pre=document.createElement('pre'); pre.id='test-results'; pre.textContent=JSON.stringify(R);
  document.body.appendChild(pre);
})();
"""


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


def test_show_page_works_in_headless_chromium(tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium on PATH (apt-get install chromium)")
    records = _records()
    page, _ = render_page(records, per_page=2)
    expected = [
        {"doc": n, "start": s["start"], "end": s["end"], "label": s["label"], "layer": load_registry().layer_of(s["label"]),
         "words": "".join(r["text"][s["start"]:s["end"]].split())}
        for n, r in enumerate(records) for s in r.get("spans", [])
    ]
    checks = _CHECKS.replace("EXPECTED", json.dumps(expected)).replace("LAYERS", json.dumps(list(LAYERS))).replace("</", "<\\/")
    errors = "<script>window.__errors=[];window.addEventListener('error',function(e){window.__errors.push(String(e.message));});</script>"
    target = tmp_path / "review.html"
    target.write_text(page.replace("<head>", "<head>" + errors, 1).replace("</body>", f"<script>{checks}</script></body>"), encoding="utf-8")
    run = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", target.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    found = re.search(r'<pre id="test-results">(.*?)</pre>', run.stdout, re.S)
    assert found, f"no results from Chromium (exit {run.returncode}): {run.stderr[-2000:]}"
    res = json.loads(htmllib.unescape(found.group(1)))
    assert res["ready"] and res["errors"] == []
    assert res["missing"] == [] and res["hidden"] == [] and res["words"] == []
    assert res["badges"] == len(expected)
    for layer in LAYERS:
        r = res["toggles"][layer]
        assert r["own"] > 0, layer  # every layer has highlights in these records
        assert r["ownShown"] == 0 and r["othersHidden"] == 0 and r["textHidden"] == 0, (layer, r)
        assert r["restored"] == r["bars"] > 0, (layer, r)
    assert res["page2"] == ["doc-2", "doc-3"]
