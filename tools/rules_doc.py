"""Write docs/rules.md from the rule seeds: each rule table, what it holds, where its numbers come from (unit, legal
basis, confidence, said once in seeds/rule_sources.csv) and its dated values (seeds/values). `make test` fails when
the page and the seeds disagree (tests/test_rule_seeds.py).

    python tools/rules_doc.py
"""
from __future__ import annotations

import csv
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "dbt_project" / "seeds"
RULES = REPO / "models" / "rules"
TARGET = REPO / "docs" / "rules.md"


def _csv(path: Path) -> list[dict]:
    return list(csv.DictReader(path.open(newline="", encoding="utf-8")))


def _row(cells) -> str:
    return "| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |"


def render() -> str:
    sources = _csv(SEEDS / "rule_sources.csv")
    out = ["# The rules: every rule table, where its numbers come from, and its values", "",
           "Generated from `dbt_project/seeds/` by `python tools/rules_doc.py`; do not edit by hand. Back to the "
           "[README](../README.md).", "",
           "Each table says once where its numbers come from (`seeds/rule_sources.csv`): for a pattern of rule ids "
           "(`%` = every rule of the table; the most specific pattern that matches a rule id wins: an exact id, else the one with the most literal characters) the unit, the legal "
           "basis and the confidence: *law* (the regulation's own text), *secondary* (a public source about it), "
           "*assumed* (a working assumption, marked until the pemda confirms). Its values (`seeds/values/`) are "
           "keyed by the rule's key and a date: a row applies from its effective_from to the month before the next "
           "row with the same key (`rules.<table>.effective_to`), so two rows of one rule never overlap.", ""]
    for sql in sorted(RULES.glob("rule_*.sql")):
        name = sql.stem
        described = yaml.safe_load(sql.with_suffix(".yml").read_text())["models"][0]["description"]
        values = _csv(SEEDS / "values" / f"{name}_values.csv")
        cols = [c for c in values[0] if c not in ("rule_id", "effective_from")]
        out += [f"## {name}", "", described, "", "Sources:", "",
                "| rule ids | unit | confidence | legal basis |", "|---|---|---|---|"]
        out += [_row([s["rule_ids"], s["unit"], s["confidence"], s["legal_basis"]
                      + (f" ({s['reference_url']})" if s["reference_url"] else "")])
                for s in sources if s["rule_table"] == name]
        out += ["", "Values:", "", _row(["rule_id", *cols, "from"]), "|" + "---|" * (len(cols) + 2)]
        out += [_row([v["rule_id"], *(v[c] for c in cols), v["effective_from"]]) for v in values]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(TARGET)
