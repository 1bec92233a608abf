"""`--format html`: one self-contained page to read a batch — summary charts (inline SVG),
then every document with findings as a transcript with each finding highlighted, its
message, legal basis and the borrower's responses beside it, and filters by category and
severity. No external resources: CSS and JS are inline, so the file can be mailed or
archived as it is.

Each document with findings or errors is rendered as it streams past and only that HTML is
kept; documents without findings only count in the summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from collectlint.formatters.base import Formatter
from collectlint.models import CATEGORIES, DocumentResult, Finding, Summary, Utterance

CATEGORY_COLOURS = {
    "threat_violence": "#f28b82",
    "intimidation": "#fbbc74",
    "harassment": "#f5dd6b",
    "insult": "#d7aefb",
    "impersonation": "#8ab4f8",
    "false_legal": "#f9a8d4",
    "third_party": "#81c995",
    "privacy_exposure": "#78d9ec",
    "fee_abuse": "#d7b98e",
    "identity": "#c0c7cf",
}
SEVERITY_COLOURS = {"error": "#c5221f", "warning": "#e37400", "info": "#1a73e8"}
SEVERITY_NAMES = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}
SPEAKER_NAMES = {"collector": "催收方", "borrower": "借款人", "unknown": "未知"}
DOCUMENT_FIELDS = (("collector_id", "催收员 collector"), ("debtor_id", "借款人 debtor"),
                   ("sent_at", "时间 sent"))
GREY = "#5f6368"
TOP_RULES = 10


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def bar_chart(
    title: str, rows: list[tuple[str, int, str]], tooltips: list[str] | None = None
) -> str:
    """A horizontal bar chart as inline SVG: rows of (label, value, colour)."""
    label_w, bar_w, row_h, value_w = 210, 230, 26, 40
    width = label_w + bar_w + value_w
    height = row_h * max(len(rows), 1) + 8
    top = max((v for _, v, _ in rows), default=0) or 1
    parts = [f'<figure class="chart"><figcaption>{_e(title)}</figcaption>'
             f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_e(title)}" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    if not rows:
        parts.append(f'<text x="0" y="{row_h - 8}" class="none">—</text>')
    for i, (label, value, colour) in enumerate(rows):
        y = 4 + i * row_h
        w = max(round(bar_w * value / top), 2 if value else 0)
        tip = tooltips[i] if tooltips else f"{label}: {value}"
        if len(label) > 30:
            label = label[:29] + "…"
        baseline = f"{y + row_h / 2 + 5:g}"
        parts.append(
            f"<g><title>{_e(tip)}</title>"
            f'<text x="{label_w - 8}" y="{baseline}" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{row_h - 8}" rx="3" '
            f'fill="{_e(colour)}"/>'
            f'<text x="{label_w + w + 6}" y="{baseline}" class="v">{value}</text></g>')
    parts.append("</svg></figure>")
    return "".join(parts)


@dataclass
class _Open:
    finding: int  # index into the turn's findings
    token: int  # position of its opening tag in the output list


def highlight(text: str, spans: list[tuple[int, int]], open_tag, close_tag: str = "</mark>") -> str:
    """`text` escaped, with each span (start, end) wrapped in marks. Overlapping spans are
    nested; a span that crosses another is split into several marks (same finding id), so
    the marks of one span always spell exactly text[start:end]. `open_tag(i, last)` makes
    the opening tag of span i; `last` is true for its final piece."""
    order = [i for i in sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1]))
             if spans[i][0] < spans[i][1]]
    bounds = sorted({0, len(text), *(p for i in order for p in spans[i])})
    out: list[str] = []
    stack: list[_Open] = []
    for k, pos in enumerate(bounds):
        ending = {o.finding for o in stack if spans[o.finding][1] == pos}
        if ending:
            # Close down to the deepest ending span; reopen the ones that go on.
            reopen: list[int] = []
            while ending & {o.finding for o in stack}:
                top = stack.pop()
                out.append(close_tag)
                if top.finding in ending:
                    out[top.token] = open_tag(top.finding, True)
                else:
                    reopen.append(top.finding)
            for i in reversed(reopen):
                stack.append(_Open(i, len(out)))
                out.append(open_tag(i, False))
        for i in order:
            if spans[i][0] == pos:
                stack.append(_Open(i, len(out)))
                out.append(open_tag(i, False))
        if k + 1 < len(bounds):
            out.append(escape(text[pos:bounds[k + 1]], quote=False))
    return "".join(out)


class HtmlFormatter(Formatter):
    name = "html"
    per_document = False  # gathers the whole report; rendered in one process

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._sections: list[str] = []

    def document(self, doc: DocumentResult) -> str:
        if doc.status == "error" or doc.findings:
            self._sections.append(self._document(doc, len(self._sections) + 1))
        return ""

    # -- one document --------------------------------------------------------------------

    def _document(self, doc: DocumentResult, n: int) -> str:
        meta = [f"来源 source: {_e(doc.source)}", f"渠道 channel: {_e(doc.channel)}"]
        for key, label in DOCUMENT_FIELDS:
            if doc.metadata.get(key) is not None:
                meta.append(f"{label}: {_e(doc.metadata[key])}")
        head = (f'<h3><span class="num">{n}</span> {_e(doc.id)}</h3>'
                f'<p class="meta">{" · ".join(meta)}</p>')
        if doc.status == "error":
            return (f'<section class="doc failed" id="doc-{n}">{head}<p class="error">'
                    f"无法扫描 could not be scanned: {_e(doc.error)}</p></section>")
        turns = list(doc.utterances) or [Utterance(
            index=0, speaker="unknown", start=0, end=len(doc.text), text=doc.text, line=1)]
        placed: dict[int, list[int]] = {t.index: [] for t in turns}
        loose: list[int] = []
        for i, f in enumerate(doc.findings):
            turn = next((t for t in turns if t.start <= f.start and f.end <= t.end), None)
            if turn is None or doc.text[f.start:f.end] != f.match:
                loose.append(i)  # no text to show it in: listed after the transcript
            else:
                placed[turn.index].append(i)
        body = [self._turn(doc, n, t, placed[t.index]) for t in turns]
        if loose:
            notes = "".join(self._note(doc.findings[i], f"f{n}-{i}") for i in loose)
            body.append(f'<div class="turn unknown"><ul class="notes">{notes}</ul></div>')
        return (f'<section class="doc" id="doc-{n}">{head}'
                f'<p class="meta">{len(doc.findings)} 处问题 finding(s)</p>'
                f'<div class="transcript">{"".join(body)}</div></section>')

    def _turn(self, doc: DocumentResult, n: int, turn: Utterance, found: list[int]) -> str:
        text = doc.text[turn.start:turn.end]
        findings = [doc.findings[i] for i in found]
        ids = [f"f{n}-{i}" for i in found]

        def open_tag(j: int, last: bool) -> str:
            f = findings[j]
            cls = f"c-{f.category} s-{f.severity}" + (" last" if last else "")
            return (f'<mark class="{_e(cls)}" data-finding="{ids[j]}" '
                    f'data-rule="{_e(f.rule_id)}" data-category="{_e(f.category)}" '
                    f'data-severity="{_e(f.severity)}" title="{_e(f.rule_id + " " + f.message)}">')

        spans = [(f.start - turn.start, f.end - turn.start) for f in findings]
        said = highlight(text, spans, open_tag)
        who = f'<span class="who">{SPEAKER_NAMES.get(turn.speaker, _e(turn.speaker))}</span>'
        if turn.time:
            who += f' <span class="time">{_e(turn.time)}</span>'
        who += f' <span class="line">L{turn.line}</span>'
        notes = "".join(self._note(f, fid) for f, fid in zip(findings, ids, strict=True))
        notes = f'<ul class="notes">{notes}</ul>' if notes else ""
        flagged = " flagged" if findings else ""
        return (f'<div class="turn {_e(turn.speaker)}{flagged}"><div class="said">'
                f'<div class="head">{who}</div><p>{said}</p></div>{notes}</div>')

    def _note(self, f: Finding, fid: str) -> str:
        law = "".join(f"<li>{_e(b.law)} {_e(b.article)}</li>" for b in f.legal_basis)
        responses = "".join(
            f"<details><summary>{'§' + _e(r.section) + ' ' if r.section else ''}"
            f"{_e(r.title)}</summary><p>{_e(r.advice)}</p></details>"
            for r in f.responses)
        category = CATEGORIES.get(f.category, f.category)
        parts = [
            f'<li class="finding s-{_e(f.severity)}" id="n-{fid}" data-rule="{_e(f.rule_id)}" '
            f'data-category="{_e(f.category)}" data-severity="{_e(f.severity)}">',
            f'<div class="what"><span class="sev s-{_e(f.severity)}">{_e(f.severity)}</span> '
            f'<b class="rid">{_e(f.rule_id)}</b> '
            f'<span class="cat c-{_e(f.category)}">{_e(category)}</span> '
            f"{_e(f.message)} <q>{_e(f.match)}</q></div>",
        ]
        if law:
            parts.append(f'<div class="law"><span class="k">法律依据</span><ul>{law}</ul>'
                         "</div>")
        if responses:
            parts.append(f'<div class="resp"><span class="k">借款人应对</span>{responses}'
                         "</div>")
        parts.append("</li>")
        return "".join(parts)

    # -- the page ------------------------------------------------------------------------

    def _summary(self, summary: Summary) -> str:
        cards = [("已扫描文档 documents", summary.documents),
                 ("有违规的文档 with violations", summary.documents_with_findings),
                 ("问题 findings", summary.findings)]
        if summary.documents_with_errors:
            cards.append(("无法扫描 errors", summary.documents_with_errors))
        html = ['<section class="summary"><h2>摘要 Summary</h2><div class="cards">']
        html += [f'<div class="card"><div class="n">{v}</div><div>{_e(k)}</div></div>'
                 for k, v in cards]
        html.append('</div><div class="charts">')
        html.append(bar_chart("按严重程度 by severity", [
            (name, summary.by_severity.get(s, 0), SEVERITY_COLOURS[s])
            for s, name in SEVERITY_NAMES.items()]))
        html.append(bar_chart("按类别 by category", [
            (f"{CATEGORIES.get(c, c)} {c}", v, CATEGORY_COLOURS.get(c, GREY))
            for c, v in summary.by_category.most_common()]))
        if summary.by_collector:
            collectors = sorted(summary.by_collector.items(),
                                key=lambda kv: (-sum(kv[1].values()), kv[0]))
            html.append(bar_chart(
                "按催收员 by collector_id",
                [(c, sum(n.values()), GREY) for c, n in collectors],
                [f"{c}: " + ", ".join(f"{CATEGORIES.get(k, k)} {v}" for k, v in n.most_common())
                 for c, n in collectors]))
        top = summary.by_rule.most_common(TOP_RULES)
        if top:
            known = {r.spec.id: r.spec for r in self.rules.rules} if self.rules is not None else {}
            rows = []
            for rule_id, count in top:
                spec = known.get(rule_id)
                label = f"{rule_id} {spec.name}" if spec else rule_id
                colour = CATEGORY_COLOURS.get(spec.category, GREY) if spec else GREY
                rows.append((label, count, colour))
            title = f"触发最多的规则 rules that fired most (top {TOP_RULES})"
            html.append(bar_chart(title, rows))
        html.append("</div></section>")
        return "".join(html)

    def _filters(self, summary: Summary) -> str:
        boxes = ['<form id="filters" class="filters"><fieldset><legend>类别 category</legend>']
        for c, v in summary.by_category.most_common():
            boxes.append(f'<label class="c-{_e(c)}"><input type="checkbox" name="category" '
                         f'value="{_e(c)}" checked> {_e(CATEGORIES.get(c, c))} <small>{v}</small>'
                         "</label>")
        boxes.append("</fieldset><fieldset><legend>严重程度 severity</legend>")
        for s, name in SEVERITY_NAMES.items():
            v = summary.by_severity.get(s, 0)
            boxes.append(f'<label><input type="checkbox" name="severity" value="{s}" checked> '
                         f"{_e(name)} <small>{v}</small></label>")
        boxes.append('</fieldset><p id="shown" aria-live="polite"></p></form>')
        return "".join(boxes)

    def end(self, summary: Summary) -> str:
        colours = "".join(
            f"mark.c-{c}{{background:{v}}}\n.cat.c-{c},label.c-{c}{{border-left:6px solid {v}}}\n"
            for c, v in CATEGORY_COLOURS.items())
        sev = "".join(f".sev.s-{s}{{background:{v}}}\n" for s, v in SEVERITY_COLOURS.items())
        docs = "".join(self._sections) or '<p class="clean">没有发现问题 No findings.</p>'
        return (
            '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<link rel="icon" href="data:,">\n'
            f"<title>collectlint report</title>\n<style>{_CSS}{colours}{sev}</style>\n"
            "</head>\n<body>\n<header><h1>催收合规检查报告 "
            f"<small>collectlint {_e(self.tool_version)}</small></h1></header>\n"
            f"<main>\n{self._summary(summary)}\n"
            '<section class="documents"><h2>文档 Documents</h2>'
            f"{self._filters(summary)}\n{docs}\n</section>\n"
            f"</main>\n<script>{_JS}</script>\n</body>\n</html>\n")


_CSS = """
:root{--fg:#202124;--muted:#5f6368;--line:#dadce0;--bg:#f8f9fa}
*{box-sizing:border-box}
body{
  margin:0;
  font-size:15px;
  line-height:1.6;
  font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",
    sans-serif;
  color:var(--fg);
  background:var(--bg);
}
header{background:#202124;color:#fff;padding:14px 24px}
header h1{margin:0;font-size:20px}
header small{color:#bdc1c6;font-weight:normal;font-size:13px}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{
  background:#fff;
  border:1px solid var(--line);
  border-radius:8px;
  padding:10px 16px;
  min-width:170px;
}
.card .n{font-size:28px;font-weight:600}
.charts{display:flex;flex-wrap:wrap;align-items:flex-start;gap:16px;margin-top:16px}
.chart{background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:0}
.chart figcaption{font-weight:600;margin-bottom:4px}
.chart svg text{font-size:12px;fill:var(--fg)}
.chart svg text.v{fill:var(--muted)}
.filters{
  position:sticky;
  top:0;
  z-index:2;
  background:var(--bg);
  display:flex;
  flex-wrap:wrap;
  gap:8px 16px;
  align-items:center;
  padding:8px 0;
  border-bottom:1px solid var(--line);
}
.filters fieldset{
  border:1px solid var(--line);
  border-radius:6px;
  background:#fff;
  padding:4px 10px;
  margin:0;
}
.filters label{
  display:inline-block;
  margin:2px 8px 2px 0;
  padding-left:4px;
  cursor:pointer;
  white-space:nowrap;
}
.filters small,#shown{color:var(--muted)}
.doc{
  background:#fff;
  border:1px solid var(--line);
  border-radius:8px;
  padding:4px 16px 12px;
  margin:16px 0;
}
.doc h3{margin:8px 0 0;font-size:16px}
.doc .num{color:var(--muted);font-weight:normal}
.meta{color:var(--muted);font-size:13px;margin:2px 0}
.failed{border-color:#c5221f}
.error{color:#c5221f;font-weight:600}
.turn{
  display:grid;
  grid-template-columns:minmax(0,1fr) minmax(0,1fr);
  align-items:start;
  gap:12px;
  padding:6px 0;
  border-top:1px dashed #eee;
}
.turn .said{border-radius:10px;padding:4px 12px;grid-column:1}
.turn.collector .said{background:#fce8e6;border-left:4px solid #c5221f}
.turn.borrower .said{background:#e8f0fe;border-left:4px solid #1a73e8;margin-left:28px}
.turn.unknown .said{background:#f1f3f4;border-left:4px solid #9aa0a6}
.turn .head{font-size:12px;color:var(--muted)}
.turn .who{font-weight:600;color:var(--fg)}
.turn.borrower .who{color:#1a73e8}
.turn.collector .who{color:#c5221f}
.said p{margin:2px 0 4px;white-space:pre-wrap;word-break:break-word}
mark{border-radius:3px;padding:0 1px;color:inherit;cursor:pointer}
mark.s-error{box-shadow:inset 0 -2px 0 #c5221f}
mark.s-warning{box-shadow:inset 0 -2px 0 #e37400}
mark.s-info{box-shadow:inset 0 -2px 0 #1a73e8}
mark.last::after{
  content:attr(data-rule);
  font-size:10px;
  vertical-align:super;
  margin-left:2px;
  color:var(--muted);
}
mark.off{background:none!important;box-shadow:none!important}
mark.off::after{content:none}
.notes{list-style:none;margin:0;padding:0;grid-column:2;font-size:13px}
.finding{
  border:1px solid var(--line);
  border-radius:6px;
  padding:6px 8px;
  margin-bottom:6px;
  background:#fff;
}
.finding.flash{outline:2px solid #1a73e8}
.sev{color:#fff;border-radius:3px;padding:0 5px;font-size:11px;text-transform:uppercase}
.cat{padding-left:4px;color:var(--muted)}
.finding q{background:#f1f3f4;padding:0 3px}
.finding .k{font-weight:600;font-size:12px;color:var(--muted)}
.finding ul{margin:0 0 2px;padding-left:18px}
.finding details{margin-left:8px}
.finding details p{margin:2px 0 4px 14px;color:#3c4043}
.clean{color:var(--muted)}
@media (max-width:800px){.turn{grid-template-columns:1fr}.notes{grid-column:1}}
@media print{.filters{display:none}}
"""

_JS = """
(function () {
  'use strict';
  var form = document.getElementById('filters');
  function wanted() {
    var on = {};
    Array.prototype.forEach.call(form.querySelectorAll('input[type=checkbox]'), function (box) {
      on[box.name + ':' + box.value] = box.checked;
    });
    return function (el) {
      return on['category:' + el.getAttribute('data-category')] !== false &&
             on['severity:' + el.getAttribute('data-severity')] !== false;
    };
  }
  function apply() {
    var shown = wanted(), total = 0, visible = 0;
    Array.prototype.forEach.call(document.querySelectorAll('mark[data-finding]'), function (m) {
      m.classList.toggle('off', !shown(m));
    });
    Array.prototype.forEach.call(document.querySelectorAll('.finding'), function (n) {
      var ok = shown(n);
      n.hidden = !ok;
      total += 1;
      visible += ok ? 1 : 0;
    });
    Array.prototype.forEach.call(document.querySelectorAll('section.doc'), function (d) {
      d.hidden = !(d.classList.contains('failed') || d.querySelector('.finding:not([hidden])'));
    });
    document.getElementById('shown').textContent =
      '显示 ' + visible + ' / ' + total + ' 处问题 findings shown';
  }
  document.addEventListener('click', function (event) {
    var mark = event.target.closest ? event.target.closest('mark[data-finding]') : null;
    if (!mark) { return; }
    var note = document.getElementById('n-' + mark.getAttribute('data-finding'));
    if (!note) { return; }
    note.scrollIntoView({block: 'nearest', behavior: 'smooth'});
    note.classList.add('flash');
    setTimeout(function () { note.classList.remove('flash'); }, 1200);
  });
  if (form) {
    form.addEventListener('change', apply);
    apply();
  }
  document.documentElement.setAttribute('data-ready', 'true');
}());
"""
