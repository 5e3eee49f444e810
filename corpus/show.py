"""One self-contained HTML page to review annotated records in a browser (`corpus show`).

Each article is drawn in displaCy's span style (per-token underline bars stacked in slots, a label
badge where each span starts), all four layers in one text, with one checkbox per layer that hides
that layer's highlights. Quote, stance and statistic relations are listed under the text, and a
summary charts the label counts. No network: CSS and JS are inline, every text is escaped.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Any

from spacy.displacy.render import DEFAULT_LABEL_COLORS

from .errors import CorpusError
from .jsonl import Line
from .record import TokenIndex, span_key, tokenize
from .registry import LAYERS, load_registry
from .validate import check_record

__all__ = ["Summary", "render_article", "render_page", "LABEL_COLORS"]

OTHER = "other"  # labels the registry does not know still get drawn (and flagged), never dropped

# displaCy's colours for the entity labels, so entities look as they do in spaCy's visualizer.
LABEL_COLORS: dict[str, str] = {
    **DEFAULT_LABEL_COLORS,
    "QUOTE": "#ffd166", "CUE": "#ef8a62", "SOURCE": "#67a9cf",
    "STANCE": "#f4a6d7", "TARGET": "#a6d96a",
    "STATISTIC": "#fdae6b", "CONCEPT": "#bcbddc",
}
_DEFAULT_COLOR = "#ddd"
_LAYER_COLORS = {"entities": "#aa9cfc", "quotes": "#ffd166", "stances": "#f4a6d7", "statistics": "#fdae6b", OTHER: _DEFAULT_COLOR}

# displaCy's span geometry (px): first bar 40 below the token's top, 17 between slots, 20 for the badge.
_TOP, _STEP, _LABEL = 40, 17, 20


@dataclass
class Summary:
    """Counts over the rendered records, for the summary charts."""

    records: int = 0
    with_problems: int = 0
    spans: Counter[tuple[str, str]] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    attrs: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    articles_with: Counter[str] = field(default_factory=Counter)
    max_slot: int = 0

    def layers(self) -> list[str]:
        """The registry's layers, plus `other` when some label is not in the registry."""
        return list(LAYERS) + ([OTHER] if any(layer == OTHER for layer, _ in self.spans) else [])


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _fmt(value: Any) -> str:
    return "—" if value is None else _e(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _attrs(span: dict[str, Any]) -> dict[str, Any]:
    attrs = span.get("attrs")
    return attrs if isinstance(attrs, dict) else {}  # a malformed `attrs` is reported by check_record


@lru_cache(maxsize=1)
def _layers_by_label() -> dict[str, str]:
    return {label: layer for layer, labels in load_registry().layers.items() for label in labels}


def _layer_of(label: str) -> str:
    return _layers_by_label().get(label, OTHER)


@dataclass
class _Drawn:
    """A span that maps onto the tokens: its index in `spans`, token range and stacking slot."""

    index: int
    span: dict[str, Any]
    layer: str
    token_start: int
    token_end: int
    slot: int = 0


def _display_tokens(record: dict[str, Any], text: str) -> tuple[list[dict[str, Any]], str | None]:
    """The record's tokens when they are ordered and inside the text; otherwise spaCy's (and a note
    when the record's own tokens were unusable)."""
    tokens = record.get("tokens")
    if isinstance(tokens, list) and tokens:
        prev = 0
        ok = True
        for t in tokens:
            if not (isinstance(t, dict) and isinstance(t.get("start"), int) and isinstance(t.get("end"), int)
                    and prev <= t["start"] < t["end"] <= len(text)):
                ok = False
                break
            prev = t["end"]
        if ok:
            return tokens, None
    # tokens are optional in a record: cut spaCy's tokens at the span edges so every span can be placed
    edges = [s[k] for s in record.get("spans") or [] if isinstance(s, dict) for k in ("start", "end") if isinstance(s.get(k), int)]
    note = None if not tokens else "the record's tokens are out of order or outside the text; drawn on spaCy's tokens instead"
    return tokenize(text, cuts=edges), note


def _place(text: str, tokens: Sequence[dict[str, Any]], spans: list[Any]) -> tuple[list[_Drawn], list[str]]:
    """Map every span onto token indices (through `TokenIndex`) and stack overlapping spans in slots.

    A span that does not fall on token boundaries is not drawn; the reason is returned instead."""
    index = TokenIndex(text, tokens)
    drawn: list[_Drawn] = []
    not_drawn: list[str] = []
    for i, span in enumerate(spans):
        try:
            if not isinstance(span.get("label"), str):
                raise TypeError("its label is not a string")
            placed = index.span(span["start"], span["end"], span["label"])
        except (CorpusError, KeyError, TypeError, AttributeError) as exc:
            not_drawn.append(f"span {i} {span.get('label', '?') if isinstance(span, dict) else '?'}: not drawn: {exc}")
            continue
        drawn.append(_Drawn(i, span, _layer_of(span["label"]), placed["token_start"], placed["token_end"]))
    order = list(LAYERS) + [OTHER]
    drawn.sort(key=lambda d: (d.token_start, -(d.token_end - d.token_start), order.index(d.layer), d.span["label"], d.index))
    slot_ends: list[int] = []  # last token of the span in each slot: lowest free slot wins (interval partitioning)
    for d in drawn:
        for slot, last in enumerate(slot_ends):
            if last < d.token_start:
                d.slot, slot_ends[slot] = slot, d.token_end
                break
        else:
            d.slot = len(slot_ends)
            slot_ends.append(d.token_end)
    return drawn, not_drawn


def _tooltip(text: str, span: dict[str, Any]) -> str:
    attrs = _attrs(span)
    parts = [f"{span['label']}: {text[span['start']:span['end']][:200]}"]
    parts += [f"{k} = {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}" for k, v in attrs.items()]
    return "\n".join(parts)


def _render_text(n: int, text: str, tokens: Sequence[dict[str, Any]], drawn: list[_Drawn]) -> str:
    """The article in displaCy's span style: covered tokens become stacked bars, the rest plain text.

    Markup is kept small (classes for slot, height and colour) so a 300-article page stays light."""
    at: dict[int, list[_Drawn]] = {}
    for d in drawn:
        for t in range(d.token_start, d.token_end + 1):
            at.setdefault(t, []).append(d)
    out: list[str] = []
    pos = 0
    for t, tok in enumerate(tokens):
        here = at.get(t)
        token_text = text[tok["start"]:tok["end"]]
        if not here or (token_text.isspace() and not any(d.token_start == t for d in here)):
            continue  # whitespace tokens carry no bar, as in displaCy
        out.append(_e(text[pos:tok["start"]]))
        here.sort(key=lambda d: d.slot)
        bars = []
        for d in here:
            label = d.span["label"]
            known = label in _layers_by_label()
            cls = f"b L-{d.layer} k{d.slot}" + (f" c-{label}" if known else "")
            style = "" if known else f' style="background:{_DEFAULT_COLOR}"'
            if d.token_start == t:
                bars.append(
                    f'<i class="{cls} s" data-s="{d.index}"{style}><b class="lb" id="d{n}-s{d.index}" '
                    f'data-layer="{d.layer}" data-label="{_e(label)}" data-start="{d.span["start"]}" '
                    f'data-end="{d.span["end"]}" data-s="{d.index}" title="{_e(_tooltip(text, d.span))}">{_e(label)}</b></i>'
                )
            else:
                bars.append(f'<i class="{cls}" data-s="{d.index}"{style}></i>')
        out.append(f'<span class="t h{max(d.slot for d in here)}">{_e(token_text)}{"".join(bars)}</span>')
        pos = tok["end"]
    out.append(_e(text[pos:]))
    return f'<div class="spans">{"".join(out)}</div>'


def _span_ref(n: int, text: str, span: dict[str, Any] | None, index: dict[tuple[int, int, str], int]) -> str:
    """A span's text, linked to its badge when it is drawn, with its `name` attribute if any."""
    if span is None:
        return '<span class="none">—</span>'
    if not (isinstance(span, dict) and isinstance(span.get("start"), int) and isinstance(span.get("end"), int) and "label" in span):
        return '<span class="none">?</span>'  # a malformed relation span; check_record lists why
    words = _e(text[span["start"]:span["end"]])
    i = index.get(span_key(span))
    body = f'<a href="#d{n}-s{i}">{words}</a>' if i is not None else words
    name = _attrs(span).get("name")
    if name and name != text[span["start"]:span["end"]]:
        body += f' <span class="name">({_e(name)})</span>'
    if _layer_of(span["label"]) == "entities":  # a stance holder may be an entity rather than a SOURCE
        body += f' <span class="tag">{_e(span["label"])}</span>'
    return body


def _relation_tables(n: int, text: str, spans: list[dict[str, Any]], relations: list[Any]) -> str:
    """Quotes (source, cue, kind), stances (holder, polarity, target), statistics (attributes, concept)."""
    index = {span_key(s): i for i, s in enumerate(spans)}
    children: dict[tuple[int, int, str], dict[str, list[dict[str, Any]]]] = {}
    for rel in relations:
        try:
            head, child = rel["head_span"], rel["child_span"]
            children.setdefault(span_key(head), {}).setdefault(str(rel["label"]), []).append(child)
        except (KeyError, TypeError):
            continue  # a malformed relation is reported by check_record above the text

    def refs(span: dict[str, Any], label: str) -> str:
        found: list[dict[str, Any] | None] = [*children.get(span_key(span), {}).get(label, [])] or [None]
        return "; ".join(_span_ref(n, text, c, index) for c in found)

    def rows(label: str) -> list[dict[str, Any]]:
        return sorted((s for s in spans if s["label"] == label), key=lambda s: (s["start"], s["end"]))

    tables = []
    quotes = rows("QUOTE")
    if quotes:
        body = "".join(
            f'<tr><td class="q">{_span_ref(n, text, s, index)}</td><td>{_fmt(_attrs(s).get("kind"))}</td>'
            f'<td>{refs(s, "SOURCE")}</td><td>{refs(s, "CUE")}</td></tr>'
            for s in quotes
        )
        tables.append(("quotes", f"Quotes ({len(quotes)})", "<tr><th>quote</th><th>kind</th><th>source</th><th>cue</th></tr>" + body))
    stances = rows("STANCE")
    if stances:
        body = "".join(
            f'<tr><td>{refs(s, "HOLDER")}</td><td class="pol-{_e(_attrs(s).get("polarity"))}">'
            f'{_fmt(_attrs(s).get("polarity"))}</td><td>{_span_ref(n, text, s, index)}</td><td>{refs(s, "TARGET")}</td></tr>'
            for s in stances
        )
        tables.append(("stances", f"Stances ({len(stances)})", "<tr><th>holder</th><th>polarity</th><th>stance</th><th>target</th></tr>" + body))
    stats = rows("STATISTIC")
    if stats:
        cols = ("value", "unit", "approximator", "kind")
        has_upper = any("value_max" in _attrs(s) for s in stats)
        head = "<tr><th>statistic</th>" + "".join(f"<th>{c}</th>" for c in cols) + ("<th>value_max</th>" if has_upper else "") + "<th>concept</th></tr>"
        body = "".join(
            f'<tr><td>{_span_ref(n, text, s, index)}</td>'
            + "".join(f"<td>{_fmt(_attrs(s).get(c))}</td>" for c in cols)
            + (f"<td>{_fmt(_attrs(s).get('value_max'))}</td>" if has_upper else "")
            + f'<td>{refs(s, "CONCEPT")}</td></tr>'
            for s in stats
        )
        tables.append(("statistics", f"Statistics ({len(stats)})", head + body))
    return "".join(
        f'<details class="rel" data-layer="{layer}" open><summary>{title}</summary><table>{body}</table></details>'
        for layer, title, body in tables
    )


def render_article(record: dict[str, Any], n: int, summary: Summary | None = None, where: str = "") -> str:
    """One article as an HTML `<article>`; counts go into `summary` when one is given.

    The record's problems (from `check_record`) are listed above its text, so a reviewer sees why
    a span looks wrong; spans that cannot be placed on tokens are listed, not drawn."""
    summary = summary if summary is not None else Summary()
    summary.records += 1
    problems = [str(p) for p in check_record(record)]
    meta: dict[str, Any] = record["meta"] if isinstance(record.get("meta"), dict) else {}
    rid = meta.get("id") or f"record {n}"
    text = record.get("text")
    spans_in: list[Any] = record["spans"] if isinstance(record.get("spans"), list) else []
    relations: list[Any] = record["relations"] if isinstance(record.get("relations"), list) else []
    body = ""
    layer_counts: Counter[str] = Counter()
    if isinstance(text, str) and text:
        tokens, note = _display_tokens(record, text)
        if note:
            problems.append(note)
        drawn, not_drawn = _place(text, tokens, spans_in)
        problems += not_drawn
        summary.max_slot = max([summary.max_slot] + [d.slot for d in drawn])
        for span in spans_in:  # counted as in the input, drawn or not (those not drawn are listed)
            if not (isinstance(span, dict) and isinstance(span.get("label"), str)):
                continue
            layer_counts[_layer_of(span["label"])] += 1
            summary.spans[(_layer_of(span["label"]), span["label"])] += 1
            for name, value in _attrs(span).items():
                if isinstance(value, str) and name in ("kind", "polarity", "approximator"):
                    summary.attrs[(span["label"], name, value)] += 1
        for rel in relations:
            if isinstance(rel, dict):
                summary.relations[str(rel.get("label"))] += 1
        spans_ok = [d.span for d in sorted(drawn, key=lambda d: d.index)]
        body = _render_text(n, text, tokens, drawn) + _relation_tables(n, text, spans_ok, relations)
    elif not problems:
        problems.append("the record has no text")
    for layer in layer_counts:
        summary.articles_with[layer] += 1
    if problems:
        summary.with_problems += 1
    counts = " · ".join(f'<span class="c">{layer} {layer_counts[layer]}</span>' for layer in summary.layers() if layer != OTHER or layer_counts[layer])
    title = meta.get("title") or rid
    info = " · ".join(_e(v) for v in (where, meta.get("source"), meta.get("date"), rid if title != rid else None) if v)
    url = meta.get("url")
    link = f' <a href="{_e(url)}" rel="noreferrer">link</a>' if isinstance(url, str) and url.startswith(("http://", "https://")) else ""
    prob = (
        f'<ul class="problems">{"".join(f"<li>{_e(p)}</li>" for p in problems)}</ul>' if problems else ""
    )
    warn = f' <span class="warn">{len(problems)} problem{"s" if len(problems) != 1 else ""}</span>' if problems else ""
    return (
        f'<article class="doc" id="doc-{n}" data-id="{_e(rid)}"><details open><summary>'
        f'<span class="num">#{n + 1}</span> <b>{_e(title)}</b>{warn} <span class="counts">{counts}</span>'
        f'<span class="info">{info}{link}</span></summary>{prob}{body}</details></article>'
    )


def _chart(title: str, rows: list[tuple[str, int, str]], key: str, layer: str = "") -> str:
    """Horizontal CSS bars, one row per label, widths relative to the largest count."""
    top = max((c for _, c, _ in rows), default=0) or 1
    out = [f'<figure class="chart" data-chart="{_e(key)}"><figcaption>{title}</figcaption>']
    for label, count, color in rows:
        out.append(
            f'<div class="row{" zero" if not count else ""}" data-layer="{_e(layer)}" data-label="{_e(label)}" data-count="{count}">'
            f'<span class="k">{_e(label)}</span><span class="bo"><span class="bi" style="width:{100 * count / top:.1f}%;background:{color}"></span></span>'
            f'<span class="v">{count:,}</span></div>'
        )
    return "".join(out) + "</figure>"


def _summary_html(summary: Summary) -> str:
    reg = load_registry()
    charts = []
    for layer in summary.layers():
        labels = list(reg.layers.get(layer, ())) + sorted(lab for lay, lab in summary.spans if lay == layer and lab not in reg.layers.get(layer, ()))
        total = sum(summary.spans[(layer, lab)] for lab in labels)
        caption = f'{_e(layer)} <small>{total:,} spans in {summary.articles_with[layer]:,} of {summary.records:,} articles</small>'
        charts.append(_chart(caption, [(lab, summary.spans[(layer, lab)], LABEL_COLORS.get(lab, _DEFAULT_COLOR)) for lab in labels], f"spans-{layer}", layer))
    rel_labels = list(reg.relations) + sorted(set(summary.relations) - set(reg.relations))
    charts.append(_chart("relations", [(lab, summary.relations[lab], "#999") for lab in rel_labels], "relations"))
    for label, specs in reg.attrs.items():
        for name, spec in specs.items():
            if spec.enum and name in ("kind", "polarity", "approximator"):
                rows = [(str(v), summary.attrs[(label, name, str(v))], LABEL_COLORS.get(label, _DEFAULT_COLOR)) for v in spec.enum]
                charts.append(_chart(f"{_e(label)}.{_e(name)}", rows, f"attr-{label}-{name}"))
    problems = f' · <span class="warn">{summary.with_problems:,} with problems</span>' if summary.with_problems else ""
    return (
        f'<details id="summary" open><summary>Summary: {summary.records:,} articles{problems}</summary>'
        f'<div class="charts">{"".join(charts)}</div></details>'
    )


_CSS = """
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
header{position:sticky;top:0;z-index:100;background:#fff;border-bottom:1px solid #ddd;padding:.5em 1em;display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:center}
header h1{font-size:1.1em;margin:0}
.toggles label{margin-right:1em;cursor:pointer;white-space:nowrap}
.sw{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:middle;margin-right:.2em}
.pager button{margin:0 1px;min-width:2.2em;cursor:pointer}
.pager button[aria-current=true]{font-weight:bold;background:#333;color:#fff}
main,#summary{max-width:70em;margin:1em auto;padding:0 1em}
#summary>summary,.doc>details>summary{cursor:pointer}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(20em,1fr));gap:1em}
.chart{margin:0;background:#fff;border:1px solid #e3e3e3;border-radius:4px;padding:.5em}
.chart figcaption{font-weight:bold;margin-bottom:.3em}
.chart small{font-weight:normal;color:#666}
.row{display:grid;grid-template-columns:8.5em 1fr 4em;align-items:center;font-size:.85em;gap:.4em}
.row.zero{color:#aaa}
.bo{background:#f0f0f0;height:.9em;border-radius:2px}
.bi{display:block;height:100%;border-radius:2px}
.v{text-align:right;font-variant-numeric:tabular-nums}
.doc{background:#fff;border:1px solid #e3e3e3;border-radius:4px;margin:1em 0;padding:.5em 1em}
.num{color:#888}
.info{display:block;font-size:.8em;color:#666;margin-left:1.2em}
.counts{font-size:.8em;color:#555;margin-left:.5em}
.warn{color:#b00;font-size:.85em}
.problems{color:#b00;font-size:.85em}
.spans{line-height:2.5;direction:ltr;white-space:pre-wrap;margin:1em 0}
.t{font-weight:bold;display:inline-block;position:relative;white-space:pre}
.b{height:4px;left:-1px;width:calc(100% + 2px);position:absolute;background:#ddd}
.b.s{border-top-left-radius:3px;border-bottom-left-radius:3px}
.lb{z-index:10;color:#000;top:-.5em;padding:2px 3px;position:absolute;font-size:.6em;font-weight:bold;font-style:normal;line-height:1;border-radius:3px;white-space:nowrap;background:inherit}
.doc{content-visibility:auto;contain-intrinsic-size:auto 600px}
.doc,.lb{scroll-margin-top:6em}
.rel{margin:.5em 0}
.rel>summary{cursor:pointer;font-weight:bold;font-size:.9em}
.rel table{border-collapse:collapse;font-size:.85em;width:100%}
.rel th,.rel td{border-bottom:1px solid #eee;text-align:left;padding:.2em .4em;vertical-align:top}
.rel a{color:inherit}
.name{color:#666}
.tag{font-size:.75em;color:#666;border:1px solid #ccc;border-radius:2px;padding:0 2px}
.pol-favor{color:#1a7f37}.pol-against{color:#b00}
"""

_JS = """
(function(){
  var body=document.body, boxes=document.querySelectorAll('input.layer-toggle');
  function sync(cb){ body.classList.toggle('hide-'+cb.value, !cb.checked); }
  Array.prototype.forEach.call(boxes, function(cb){ cb.addEventListener('change', function(){ sync(cb); }); sync(cb); });
  var pages=document.querySelectorAll('section.page'), buttons=document.querySelectorAll('.pager button');
  function show(k){
    if(k!=='all'){ k=Math.max(0, Math.min(pages.length-1, k)); }
    Array.prototype.forEach.call(pages, function(p, i){ p.hidden = k!=='all' && i!==k; });
    Array.prototype.forEach.call(buttons, function(b){
      var g=b.getAttribute('data-goto');
      b.setAttribute('aria-current', String(g===String(k)));
      if(g==='prev'){ b.disabled = k==='all' || k===0; }
      if(g==='next'){ b.disabled = k==='all' || k===pages.length-1; }
    });
    body.setAttribute('data-page', String(k));
  }
  Array.prototype.forEach.call(buttons, function(b){ b.addEventListener('click', function(){
    var g=b.getAttribute('data-goto'), cur=body.getAttribute('data-page');
    if(g==='prev'){ show(Number(cur)-1); } else if(g==='next'){ show(Number(cur)+1); }
    else if(g==='all'){ show('all'); } else { show(Number(g)); }
    window.scrollTo(0, document.querySelector('main').offsetTop - 60);
  }); });
  function follow(){
    var el=location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    var page=el ? el.closest('section.page') : null;
    if(page && page.hidden){ show(Number(page.getAttribute('data-page'))); }
    if(el){ el.scrollIntoView(); }
  }
  show(0); follow();
  window.addEventListener('hashchange', follow);
  body.setAttribute('data-ready', '1');
})();
"""


def render_page(records: Iterable[dict[str, Any] | Line], *, title: str = "corpus review", per_page: int = 20) -> tuple[str, Summary]:
    """The whole review page for `records` (articles in pages of `per_page`) and its counts.

    Records read with `iter_lines` keep their `file:line` in each article's header."""
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, got {per_page}")
    summary = Summary()
    articles = [
        render_article(item.record, n, summary, f"{item.path}:{item.lineno}") if isinstance(item, Line) else render_article(item, n, summary)
        for n, item in enumerate(records)
    ]
    pages = [articles[i:i + per_page] for i in range(0, len(articles), per_page)] or [[]]
    sections = "".join(
        f'<section class="page" data-page="{k}" aria-label="page {k + 1}"{" hidden" if k else ""}>{"".join(page) or "<p>No records.</p>"}</section>'
        for k, page in enumerate(pages)
    )
    layers = summary.layers()
    hide_css = "".join(f".hide-{layer} .L-{layer}{{display:none}}" for layer in layers)
    hide_css += "".join(f".k{k}{{top:{_TOP + _STEP * k}px}}.h{k}{{height:{_TOP + _LABEL + _STEP * k}px}}" for k in range(summary.max_slot + 1))
    hide_css += "".join(f".c-{label}{{background:{LABEL_COLORS.get(label, _DEFAULT_COLOR)}}}" for label in _layers_by_label())
    toggles = "".join(
        f'<label><input type="checkbox" class="layer-toggle" value="{layer}" checked>'
        f'<span class="sw" style="background:{_LAYER_COLORS[layer]}"></span>{layer}</label>'
        for layer in layers
    )
    buttons = ['<button type="button" data-goto="prev">‹</button>']
    buttons += [f'<button type="button" data-goto="{k}">{k + 1}</button>' for k in range(len(pages))]
    buttons += ['<button type="button" data-goto="next">›</button>', '<button type="button" data-goto="all">all</button>']
    pager = f'<nav class="pager" aria-label="pages">{"".join(buttons)}</nav>' if len(pages) > 1 else ""
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}{hide_css}</style>"
        # pages after the first start hidden so the browser lays out one page; without JS, show all
        "<noscript><style>section.page[hidden]{display:block}.pager,.toggles{display:none}</style></noscript></head><body>"
        f'<header><h1>{_e(title)}</h1><div class="toggles" role="group" aria-label="layers">{toggles}</div>{pager}</header>'
        f"{_summary_html(summary)}<main>{sections}</main><script>{_JS}</script></body></html>\n"
    )
    return html, summary
