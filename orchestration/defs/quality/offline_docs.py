"""Data Docs that work with no network. GX's pages load bootstrap, jquery, vega and font-awesome from CDNs, carry
a remote logo URL with the data context id in it (a beacon), and its index lists the validations from JavaScript
data, so offline it lists none. Every page here has its remote references removed and a small local stylesheet
instead, and the index is a static page of links to every validation page on disk."""
from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import quote

_REMOTE = r"""["']https?://[^"']*["']"""
_TAGS = [re.compile(rf"<script[^>]*\bsrc={_REMOTE}[^>]*>\s*</script>", re.I | re.S),
         re.compile(rf"<link[^>]*\bhref={_REMOTE}[^>]*>", re.I),
         re.compile(rf"<img[^>]*\bsrc={_REMOTE}[^>]*>", re.I)]
_LINK = re.compile(rf"<a\b[^>]*\bhref={_REMOTE}[^>]*>(.*?)</a>", re.I | re.S)
_ANY_URL = re.compile(r"https?://[^\s\"'<>)]*")
STYLE = """<style id="kinerja-offline">
body{font-family:sans-serif;font-size:13px;margin:1em 2em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
th{background:#ddebf7}.text-danger{color:#b00}.text-success{color:#070}
</style>"""


def make_offline(text: str) -> str:
    for tag in _TAGS:
        text = tag.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _ANY_URL.sub("", text)
    if 'id="kinerja-offline"' not in text:
        text = text.replace("</head>", STYLE + "</head>", 1)
    return text


def offline_site(docs: Path, severity: dict[str, str]) -> None:
    """Every page of the site without remote references, and a static index of them."""
    for page in sorted(Path(docs).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "http://" in text or "https://" in text or 'id="kinerja-offline"' not in text:
            page.write_text(make_offline(text), encoding="utf-8")
    (Path(docs) / "index.html").write_text(_index(Path(docs), severity), encoding="utf-8")


def _index(docs: Path, severity: dict[str, str]) -> str:
    runs = []   # (month, suite, link)
    for page in sorted((docs / "validations").rglob("*.html")) if (docs / "validations").exists() else []:
        parts = page.relative_to(docs / "validations").parts
        if len(parts) >= 2 and " " in parts[1]:
            month, suite = parts[1].split(" ", 1)
            runs.append((month, suite, page.relative_to(docs).as_posix()))
    rows = []
    for month in sorted({m for m, _, _ in runs}, reverse=True):
        for _, suite, link in sorted(r for r in runs if r[0] == month):
            rows.append(f"<tr><td>{html.escape(month)}</td><td>{html.escape(severity.get(suite, ''))}</td>"
                        f'<td><a href="{html.escape(quote(link))}">{html.escape(month)} {html.escape(suite)}</a></td></tr>')
    suites = [f'<li><a href="{html.escape(quote(p.relative_to(docs).as_posix()))}">{html.escape(p.stem)}</a></li>'
              for p in sorted((docs / "expectations").rglob("*.html"))] if (docs / "expectations").exists() else []
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Data Docs: the quality gate</title>"
            f"{STYLE}</head><body><h1>Data Docs: the quality gate per month</h1>"
            "<p>Every validation of a month's gate (critical suites block the payout; warnings never do). The same "
            "results are the gate's asset checks in Dagster; the verdict is <code>quality/&lt;month&gt;/gate.json"
            "</code>.</p><table><tr><th>month</th><th>severity</th><th>validation</th></tr>"
            + "".join(rows) + "</table><h2>Suites</h2><ul>" + "".join(suites) + "</ul></body></html>\n")
