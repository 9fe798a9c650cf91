"""`kinerja explain`: the whole derivation of one payout line, from the warehouse, in plain words."""
from __future__ import annotations

import datetime as dt
import json

from .money import rupiah
from .nip import mask_nip


def _rows(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _rule(con, table: str, rule_id: str | None) -> dict | None:
    if not rule_id:
        return None
    found = _rows(con, f"select * from rules.{table} where rule_id = ?", [rule_id])
    return found[0] if found else None


def explain_line(con, nip: str, period: dt.date) -> dict:
    facts = _rows(con, "select * from marts.fct_tpp_entitlement where nip = ? and period = ?", [nip, period])
    if not facts:
        raise LookupError(f"no payout line for NIP {mask_nip(nip)} in {period:%Y-%m}: not on that month's roster")
    f = facts[0]
    roster = _rows(con, "select * from staging.stg_payroll__roster where nip = ? and period = ?", [nip, period])[0]
    cutoff = f["cutoff_at"]
    why = {"FETCHED_AFTER_CUTOFF": "fetched after the payroll cutoff of the month",
           "OLDER_FETCH": "an older fetch; the latest fetch before the cutoff wins",
           "SAME_FETCH_CONFLICT": "a different record in the same fetch (data-quality conflict); the first by record id is used"}
    passed_over = [{**c, "why": why[c["why_not_chosen"]]} for c in _rows(con, """
        select record_id, fetched_at, hasil_code, perilaku_code, predikat_code, period_start, period_end,
               source_file, source_line, why_not_chosen
        from marts.rpt_evaluation_candidate
        where nip = ? and period = ? and not is_chosen order by fetched_at, record_id""", [nip, period])]
    attendance = _rows(con, "select * from staging.stg_payroll__attendance where nip = ? and period = ?", [nip, period])
    deductions = [{"code": d["attendance_code"], "count": d["event_count"], "rate_pct": float(d["rate_pct"]),
                   "deduction_pct": float(d["deduction_pct"]), "rule_id": d["rule_id"], "legal_basis": d["legal_basis"]}
                  for d in _rows(con, """select * from marts.rpt_discipline_deduction where nip = ? and period = ?
                                         order by attendance_code""", [nip, period])]
    ledger = _rows(con, """select * from marts.fct_tpp_deferral_ledger
                           where nip = ? and (deferred_period = ? or release_period = ?)""", [nip, period, period])
    evaluation = None
    if f["evaluation_record_id"]:
        evaluation = {"record_id": f["evaluation_record_id"], "fetched_at": f["evaluation_fetched_at"],
                      "source": f"{f['evaluation_source_file']}:{f['evaluation_source_line']}",
                      "stored_predikat_code": f["predikat_code"], "matrix_predikat_code": f["matrix_predikat_code"],
                      "matrix_rule": _rule(con, "rule_predikat_matrix", f["matrix_rule_id"])}
        rating = _rows(con, """select hasil_code, perilaku_code from marts.fct_performance_rating
                               where nip = ? and period = ? and source = 'periodic'""", [nip, period])
        if rating:
            evaluation.update(rating[0])
    return {
        "nip": mask_nip(nip), "month": f"{period:%Y-%m}", "cutoff_at": cutoff,
        "roster": {"source": f"{f['roster_source_file']}:{f['roster_source_line']}", "opd": f"{roster['opd_kode']} {roster['opd_nama']}",
                   "jenis_pegawai": roster["jenis_pegawai"], "kedudukan": roster["kedudukan"],
                   "golongan": roster["golongan"], "kelas_jabatan": roster["kelas_jabatan"], "tmt": roster["tmt"]},
        "basis": {"amount": f["basis_amount"], "rule": _rule(con, "rule_basic_tpp", f["basis_rule_id"])},
        "status_factor": {"factor": f["status_factor"], "rule": _rule(con, "rule_status_factor", f["status_rule_id"])},
        "shares": {"productivity": _rule(con, "rule_aspect_share", f["prod_share_rule_id"]),
                   "discipline": _rule(con, "rule_aspect_share", f["disc_share_rule_id"])},
        "evaluation_used": evaluation, "evaluations_passed_over": passed_over,
        "productivity": {"pct": f["productivity_pct"], "amount": f["productivity_amount"],
                         "rule": _rule(con, "rule_productivity_pct", f["productivity_rule_id"])
                         or _rule(con, "rule_missing_input", f["productivity_rule_id"])},
        "attendance": {"source": f"{f['attendance_source_file']}:{f['attendance_source_line']}" if attendance else None,
                       "hari_kerja": attendance[0]["hari_kerja"] if attendance else None, "deductions": deductions,
                       "missing_rule": _rule(con, "rule_missing_input", f["missing_attendance_rule_id"])},
        "discipline": {"deduction_pct": f["discipline_deduction_pct"], "amount": f["discipline_amount"]},
        "acting": _acting(con, f),
        "cuts": _cuts(con, f),
        "skp_gate": _rule(con, "rule_skp_gate", f["skp_gate_rule_id"]),
        "ledger": ledger,
        "figures": {k: f.get(k) or 0 for k in ("acting_amount", "gross_amount", "sanction_cut_amount",
                                               "working_hour_cut_amount", "cut_amount", "deferred_amount",
                                               "released_amount", "kurang_bayar_amount", "lebih_bayar_amount",
                                               "payable_amount")},
        "corrections": _rows(con, """select corrected_period, kind, status, amount, difference_amount, reasons,
                                            offset_rule_id from marts.fct_tpp_correction
                                     where nip = ? and paid_in_period = ? order by corrected_period""", [nip, period]),
        "offset_rule": _rule(con, "rule_correction_offset", f["offset_rule_id"]),
        "reasons": f["reasons"],
        "tax": _tax(con, f),
    }


def _acting(con, f: dict) -> dict | None:
    """The acting assignment (Plt/Plh) of the month and what it added, with its rule row (DOMAIN.md section 9)."""
    if not f.get("acting_kind"):
        return None
    return {"kind": f["acting_kind"], "jabatan": f["acting_jabatan"], "kelas_jabatan": f["acting_kelas_jabatan"],
            "from": f["acting_from"], "to": f["acting_to"], "covers_month": f["acting_covers_month"],
            "post_amount": f["acting_post_amount"], "amount": f["acting_amount"],
            "source": f"{f['acting_source_file']}:{f['acting_source_line']}",
            "rule": _rule(con, "rule_acting_allowance", f["acting_rule_id"])}


def _cuts(con, f: dict) -> dict:
    """The sanction and working-hour cuts of the month with their sources and rule rows (DOMAIN.md section 10)."""
    sanctions = [{"sk_nomor": sk, "source": src, "rule": _rule(con, "rule_sanction_cut", rid)}
                 for sk, src, rid in zip(f.get("sanction_sk_nomor") or [], f.get("sanction_sources") or [],
                                         f.get("sanction_rule_ids") or [])]
    findings = [{"referensi": ref, "source": src}
                for ref, src in zip(f.get("violation_referensi") or [], f.get("violation_sources") or [])]
    return {"sanctions": sanctions, "sanction_pct": f.get("sanction_cut_pct"),
            "combination_rule": _rule(con, "rule_cut_combination", f.get("sanction_combination_rule_id")),
            "findings": findings, "working_hour_pct": f.get("working_hour_cut_pct"),
            "working_hour_rule": _rule(con, "rule_working_hour_cut", f.get("working_hour_rule_id")),
            "order_rules": [_rule(con, "rule_cut_order", r) for r in f.get("cut_order_rule_ids") or []]}


TAX_FIGURES = ("ptkp_status", "year_ptkp_status", "ter_category", "gaji_bruto_amount", "jkn_base_gaji_amount",
               "pph21_gaji_amount", "jkn_employee_gaji_amount", "pension_amount", "tax_gross_amount", "ter_rate_bp",
               "pph21_method", "annual_gross_amount", "biaya_jabatan_amount", "annual_pension_amount", "ptkp_amount",
               "annual_pkp_amount", "annual_pph21_amount", "pph21_before_amount", "pph21_amount", "pph21_borne_by",
               "pph21_withheld_amount", "bpjs_base_amount", "bpjs_employee_amount", "bpjs_employer_amount",
               "net_amount")


def _tax(con, f: dict) -> dict:
    """PPh 21, BPJS Kesehatan and the net as the fact computed them (int_tpp_tax), with their rule rows."""
    if not f.get("salary_source_file"):
        return {"source": None}
    return {"source": f"{f['salary_source_file']}:{f['salary_source_line']}",
            **{k: f[k] for k in TAX_FIGURES},
            "ptkp_rule": _rule(con, "rule_ptkp", f["ptkp_rule_id"]),
            "ter_rule": _rule(con, "rule_pph21_ter", f["ter_rule_id"]),
            "bearer_rule": _rule(con, "rule_pph21_bearer", f["pph21_bearer_rule_id"]),
            "bpjs_rules": [_rule(con, "rule_bpjs_kesehatan", r) for r in f["bpjs_rule_ids"] or []],
            "jkn_gross_rule": _rule(con, "rule_tax_parameter", f["jkn_gross_rule_id"]),
            "annual_rules": [_rule(con, "rule_tax_parameter", r) or _rule(con, "rule_pph21_bracket", r)
                             for r in f["annual_rule_ids"] or []]}


def _cite(rule: dict | None) -> str:
    if not rule:
        return "(no rule row)"
    return f"[{rule['rule_id']}, {rule['confidence']}: {rule['legal_basis']}]"


def render_text(e: dict) -> str:
    r, b, f = e["roster"], e["basis"], e["figures"]
    share_p = e["shares"]["productivity"]["share_pct"]
    share_d = e["shares"]["discipline"]["share_pct"]
    out = [f"Payout line of NIP {e['nip']} for {e['month']} (records count up to the cutoff {e['cutoff_at']})", "",
           f"1. On the roster: {r['source']} - {r['opd']}, {r['jenis_pegawai']} {r['kedudukan']}, golongan {r['golongan']}, "
           f"kelas {r['kelas_jabatan']}, TMT {r['tmt']}.",
           f"2. Basis for kelas {r['kelas_jabatan']}: {rupiah(b['amount'])} {_cite(b['rule'])}",
           f"3. Status factor {e['status_factor']['factor']} {_cite(e['status_factor']['rule'])}",
           f"4. Shares: productivity {share_p}% {_cite(e['shares']['productivity'])}; discipline {share_d}% "
           f"{_cite(e['shares']['discipline'])}"]
    ev = e["evaluation_used"]
    if ev:
        consistent = "agrees with" if ev["stored_predikat_code"] == ev["matrix_predikat_code"] else "DISAGREES with"
        out.append(f"5. Evaluation used: record {ev['record_id']} fetched {ev['fetched_at']} ({ev['source']}); hasil "
                   f"{ev.get('hasil_code')}, perilaku {ev.get('perilaku_code')}; stored predikat {ev['stored_predikat_code']} "
                   f"{consistent} the matrix predikat {ev['matrix_predikat_code']} {_cite(ev['matrix_rule'])}. "
                   "Paid on the stored predikat.")
    else:
        out.append("5. No periodic evaluation covering the month was fetched by the cutoff (NO_EVALUATION).")
    for p in e["evaluations_passed_over"]:
        out.append(f"   passed over: record {p['record_id']} fetched {p['fetched_at']} ({p['source_file']}:{p['source_line']}), "
                   f"predikat {p['predikat_code']}: {p['why']}")
    pr = e["productivity"]
    out.append(f"6. Productivity {pr['pct']}% {_cite(pr['rule'])}: floor({rupiah(b['amount'])} x {e['status_factor']['factor']} "
               f"x {share_p}% x {pr['pct']}%) = {rupiah(pr['amount'])}")
    att = e["attendance"]
    if att["source"]:
        out.append(f"7. Attendance {att['source']}, {att['hari_kerja']} working days:")
        for d in att["deductions"]:
            out.append(f"   {d['code']}: {d['count']} x {d['rate_pct']}% = {d['deduction_pct']}% [{d['rule_id']}: {d['legal_basis']}]")
        if not att["deductions"]:
            out.append("   no late arrivals, early leaves or absences")
    else:
        out.append(f"7. No attendance row for the month: full deduction {_cite(att['missing_rule'])}")
    d = e["discipline"]
    out.append(f"   Discipline: deduction {d['deduction_pct']}% (at most 100%): floor({rupiah(b['amount'])} x "
               f"{e['status_factor']['factor']} x {share_d}% x (100% - {d['deduction_pct']}%)) = {rupiah(d['amount'])}")
    out.extend(_render_acting(e["acting"]))
    acting = f" + acting {rupiah(f['acting_amount'])}" if e["acting"] else ""
    out.append(f"8. Gross = {rupiah(pr['amount'])} + {rupiah(d['amount'])}{acting} = {rupiah(f['gross_amount'])}")
    out.extend(_render_cuts(e["cuts"], f))
    if e["skp_gate"]:
        out.append(f"9. {e['month']} is a deferred month for SKP {e['skp_gate']['skp_year']} {_cite(e['skp_gate'])}")
    for entry in e["ledger"]:
        if str(entry["deferred_period"])[:7] == e["month"]:
            out.append(f"   Deferred {rupiah(entry['deferred_amount'])}: no annual SKP {entry['skp_year']} seen by the deadline; "
                       + (f"released in {str(entry['release_period'])[:7]} after record {entry['skp_record_id']} was first "
                          f"fetched {entry['skp_first_seen_at']} ({entry['skp_source_file']}:{entry['skp_source_line']})"
                          if entry["release_period"] else "still open (not released)"))
        else:
            out.append(f"   Released {rupiah(entry['released_amount'])} deferred in {str(entry['deferred_period'])[:7]}: annual "
                       f"SKP {entry['skp_year']} record {entry['skp_record_id']} first fetched {entry['skp_first_seen_at']} "
                       f"({entry['skp_source_file']}:{entry['skp_source_line']})")
    for c in e["corrections"]:   # corrections of issued months this line pays (DOMAIN.md section 8)
        out.append(f"   Correction of issued {str(c['corrected_period'])[:7]}: {c['kind'].lower().replace('_', ' ')} "
                   f"{rupiah(abs(c['amount']))} of a difference of {rupiah(c['difference_amount'])} "
                   f"({', '.join(c['reasons'])}; `kinerja diff --month {str(c['corrected_period'])[:7]}`)"
                   + (f", limited to {e['offset_rule']['pct']}% of the month's payable {_cite(e['offset_rule'])}"
                      if c["offset_rule_id"] and e["offset_rule"] else ""))
    cuts = f" - cuts {rupiah(f['cut_amount'])}" if f["cut_amount"] else ""
    out.append(f"10. Payable = gross {rupiah(f['gross_amount'])}{cuts} - deferred {rupiah(f['deferred_amount'])} + released "
               f"{rupiah(f['released_amount'])} + kurang bayar {rupiah(f['kurang_bayar_amount'])} - lebih bayar "
               f"{rupiah(f['lebih_bayar_amount'])} = {rupiah(f['payable_amount'])}")
    out.append(f"    Reasons: {', '.join(e['reasons']) or 'none'}")
    out.extend(_render_tax(e["tax"], f["payable_amount"]))
    return "\n".join(out)


def _render_acting(a: dict | None) -> list[str]:
    if not a:
        return []
    head = (f"   Acting: {a['kind']} {a['jabatan']} (kelas {a['kelas_jabatan']}) from {a['from']}"
            f"{' to ' + str(a['to']) if a['to'] else ', open-ended'} ({a['source']}); the acting post's TPP with this "
            f"person's factor, predikat and attendance = {rupiah(a['post_amount'])}")
    rule = a["rule"]
    if not a["covers_month"]:
        return [head, f"   not paid this month: the assignment does not cover the whole month {_cite(rule)}"]
    how = (f"{float(rule['pct']):g}% of the acting post's TPP" if rule and rule["method"] == "OWN_PLUS_PCT_OF_ACTING"
           else "the acting post's TPP instead of the own (the difference)" if rule and rule["method"] == "ACTING_POST"
           else f"the higher of the two + {float(rule['pct']):g}% of the lower" if rule else "?")
    return [head, f"   acting allowance: {how} = {rupiah(a['amount'])} {_cite(rule)}"]


def _render_cuts(c: dict, f: dict) -> list[str]:
    out = []
    for s in c["sanctions"]:
        r = s["rule"] or {}
        out.append(f"   Sanction {s['sk_nomor']} ({s['source']}): {r.get('hukuman', '?')}, {float(r.get('cut_pct', 0)):g}% "
                   f"for {r.get('duration_months', '?')} months from the month of its TMT {_cite(s['rule'])}")
    if len(c["sanctions"]) > 1:
        out.append(f"   Several sanctions this month: {c['sanction_pct']}% {_cite(c['combination_rule'])}")
    if c["sanctions"]:
        out.append(f"   Sanction cut {rupiah(f['sanction_cut_amount'])}")
    for v in c["findings"]:
        out.append(f"   Working-hour finding {v['referensi']} ({v['source']})")
    if c["findings"]:
        out.append(f"   Working-hour cut {c['working_hour_pct']}% {_cite(c['working_hour_rule'])} = "
                   f"{rupiah(f['working_hour_cut_amount'])} (once a month)")
    if c["sanctions"] or c["findings"]:
        out.append("   Cuts are taken in this order, each at most what the earlier left: "
                   + "; ".join(f"{r['component']} {_cite(r)}" for r in c["order_rules"] if r))
    return out


def _pct(rule: dict | None) -> str:
    return f"{float(rule['pct']):g}" if rule else "?"


def _render_tax(t: dict, payable: int) -> list[str]:
    if not t["source"]:
        return ["11. No salary row for the month: PPh 21, BPJS Kesehatan and the net cannot be computed (the gate "
                "blocks the month until the salary file has this person)"]
    employee, employer = (t["bpjs_rules"] + [None, None])[:2]
    out = [f"11. Salary (SIMGAJI) {t['source']}: PTKP {t['ptkp_status']} (the year's first: {t['year_ptkp_status']}, "
           f"TER category {t['ter_category']} {_cite(t['ptkp_rule'])}); gaji bruto {rupiah(t['gaji_bruto_amount'])}, "
           f"PPh 21 on salary {rupiah(t['pph21_gaji_amount'])}",
           f"12. BPJS Kesehatan base = min({rupiah(t['jkn_base_gaji_amount'])} + {rupiah(payable)}, cap) = "
           f"{rupiah(t['bpjs_base_amount'])}; employee {_pct(employee)}% less "
           f"{rupiah(t['jkn_employee_gaji_amount'])} through salary = {rupiah(t['bpjs_employee_amount'])} withheld "
           f"{_cite(employee)}; pemda {_pct(employer)}% through TPP = "
           f"{rupiah(t['bpjs_employer_amount'])} (a cost, not deducted) {_cite(employer)}",
           f"13. Tax gross = gaji bruto + TPP paid"
           + (f" + the pemda's BPJS part {_cite(t['jkn_gross_rule'])}" if t["jkn_gross_rule"] else "")
           + f" = {rupiah(t['tax_gross_amount'])}"]
    if t["pph21_method"] == "PASAL_17_ANNUAL":
        out.append(f"14. Annual recomputation: gross of the year {rupiah(t['annual_gross_amount'])} - biaya jabatan "
                   f"{rupiah(t['biaya_jabatan_amount'])} - pension {rupiah(t['annual_pension_amount'])} - PTKP "
                   f"{rupiah(t['ptkp_amount'])} = PKP {rupiah(t['annual_pkp_amount'])}; Pasal 17: "
                   f"{rupiah(t['annual_pph21_amount'])}; less borne earlier this year {rupiah(t['pph21_before_amount'])} "
                   f"and on this month's salary {rupiah(t['pph21_gaji_amount'])} = PPh 21 on TPP "
                   f"{rupiah(t['pph21_amount'])}")
        out += [f"    {_cite(rule)}" for rule in t["annual_rules"]]
    else:
        out.append(f"14. PPh 21 (TER {t['ter_rate_bp'] / 100:g}% {_cite(t['ter_rule'])}): floor({rupiah(t['tax_gross_amount'])}"
                   f" x {t['ter_rate_bp'] / 100:g}%) - {rupiah(t['pph21_gaji_amount'])} on salary = "
                   f"{rupiah(t['pph21_amount'])}")
    borne = "withheld from the TPP" if t["pph21_borne_by"] == "employee" else "borne by the government, not withheld"
    out.append(f"    {borne} {_cite(t['bearer_rule'])}")
    out.append(f"15. Net (transferred) = payable {rupiah(payable)} - PPh 21 withheld {rupiah(t['pph21_withheld_amount'])}"
               f" - BPJS employee {rupiah(t['bpjs_employee_amount'])} = {rupiah(t['net_amount'])}")
    return out


def render_json(e: dict) -> str:
    return json.dumps(e, indent=2, sort_keys=True, default=str)
