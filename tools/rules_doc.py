"""Write docs/rules.md from the rule seeds: each rule table, what it holds, its rows with unit, legal basis and
confidence. `make test` fails when the page and the seeds disagree (tests/test_rule_seeds.py).

    python tools/rules_doc.py
"""
from __future__ import annotations

import csv
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "dbt_project" / "seeds"
TARGET = REPO / "docs" / "rules.md"
META = {"rule_id", "unit", "effective_from", "effective_to", "legal_basis", "confidence"}


def render() -> str:
    described = {s["name"]: s.get("description", "") for s in yaml.safe_load((SEEDS / "_seeds.yml").read_text())["seeds"]}
    out = ["# The rules: every rule table, its rows and their legal basis", "",
           "Generated from `dbt_project/seeds/` by `python tools/rules_doc.py`; do not edit by hand. Back to the "
           "[README](../README.md). A row applies to the month being paid when effective_from <= month < "
           "effective_to. Confidence: *law* (the regulation's own text), *secondary* (a public source about it), "
           "*assumed* (a working assumption, marked until the pemda confirms).", ""]
    for path in sorted(SEEDS.glob("rule_*.csv")):
        rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
        keys = [c for c in rows[0] if c not in META] if rows else []
        out += [f"## {path.stem}", "", described.get(path.stem, ""), "",
                f"| rule_id | {' | '.join(keys)} | unit | in effect | confidence | legal basis |",
                "|" + "---|" * (len(keys) + 5)]
        for r in rows:
            cells = [r["rule_id"], *(r[k] for k in keys), r["unit"], f"{r['effective_from']} .. {r['effective_to']}",
                     r["confidence"], r["legal_basis"]]
            out.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(TARGET)
