"""Every critical expectation: a batch built to break it fails, a good batch passes."""
import copy
import json

import pandas as pd
import pytest

from orchestration.defs.quality.gx_project import EXPECTATIONS_DIR, get_context
from orchestration.defs.quality.suites import COUNTS, CRITICAL, SUITES, WARNING

NIP = "198609262015051001"
GOOD = {
    "payroll_inputs": {"nip": NIP, "jenis_pegawai": "PNS", "kedudukan": "AKTIF", "kelas_jabatan": 7,
                       "nip_birth_date_valid": True, "nip_tmt_valid": True, "roster_rows_for_nip": 1,
                       "has_attendance_row": True, "hari_kerja": 21, **{c: 1 for c in COUNTS}},
    "payroll_quarantine": None,      # the good batch is empty
    "periodic_evaluations": {"nip": NIP, "record_id": "r", "penilai_nip": "197001011995031002", "rated_by_self": False},
    "tpp_entitlement": {"nip": NIP, "is_rostered": True, "entitlement_rows": 1, "basis_amount": 5000000,
                        "productivity_amount": 3000000, "discipline_amount": 2000000, "gross_amount": 5000000,
                        "own_gross_amount": 5000000, "expected_gross": 5000000, "acting_amount": 0,
                        "cut_amount": 0, "expected_cut": 0, "gross_after_cuts": 5000000,
                        "deferred_amount": 5000000, "released_amount": 0, "kurang_bayar_amount": 0,
                        "lebih_bayar_amount": 0, "payable_amount": 0, "expected_payable": 0,
                        "no_evaluation_flagged": True},
    "opd_totals": {"opd_kode": "2.02", **{f"{s}_{c}": 7 for s in ("fact", "payout")
                                          for c in ("people", "gross", "deferred", "released", "payable")}},
    "deferral_ledger": {"nip": NIP, "ledger_deferred": 5000000, "fact_deferred": 5000000, "released_plus_open": 5000000},
    "month_plausibility": {"check": "roster_rows: 200 rows on the roster (threshold 1.0, QT-ROSTER-MIN)", "is_ok": True},
    "evidence_complete": None,        # the good batch is empty
    "position_rule": {"roster_row": "1986***********001 payroll/roster/2025-03.csv:5 tmt_jabatan 2025-03-10 after "
                                    "2025-03-15", "starts_after_deciding_day": False},
    "salary_inputs": {"nip": NIP, "has_salary_row": True, "has_pph21": True, "has_net_amount": True,
                      "net_amount": 4_950_000, "expected_net": 4_950_000},
}
QUARANTINE_ROW = {"rejected_row": "payroll/roster/2025-01.csv:3 nip", "message": "bad"}
# suites whose good batch is empty, and a row that breaks each
ANY_ROW_BREAKS = {"payroll_quarantine": QUARANTINE_ROW,
                  "evidence_complete": {"issue": "RESPONSE_QUARANTINED 1986***********001 siasn/x.jsonl:3",
                                        "issue_code": "RESPONSE_QUARANTINED", "detail": "rejected"}}


def break_row(row: dict, kwargs: dict) -> dict:
    """Change one good row so that exactly the expectation with these kwargs fails."""
    bad = copy.deepcopy(row)
    if "value_set" in kwargs:
        bad[kwargs["column"]] = "NOT-IN-SET" if isinstance(row[kwargs["column"]], str) else (not kwargs["value_set"][0])
    elif "regex" in kwargs:
        bad[kwargs["column"]] = "12345"
    elif "column_A" in kwargs and kwargs.get("or_equal"):
        bad[kwargs["column_B"]] = row[kwargs["column_A"]] + 1
        if kwargs["column_B"] == "own_gross_amount":     # keep the other expectations on gross satisfied
            bad["deferred_amount"] = bad["payable_amount"] = bad["expected_payable"] = 0
            bad["gross_amount"] = bad["expected_gross"] = bad["gross_after_cuts"] = bad["own_gross_amount"]
            bad["basis_amount"] = row["basis_amount"]
    elif "column_A" in kwargs:
        bad[kwargs["column_B"]] = row[kwargs["column_B"]] + 1
    elif "max_value" in kwargs and kwargs["max_value"] is not None:
        bad[kwargs["column"]] = kwargs["max_value"] + 1
    else:
        bad[kwargs["column"]] = kwargs["min_value"] - 1
    return bad


def validate(ctx, suite, frame):
    # the validation definition alone: same suite and batch as the checkpoint, without writing Data Docs
    return ctx.validation_definitions.get(suite.name).run(batch_parameters={"dataframe": frame})


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return get_context(tmp_path_factory.mktemp("docs"), tmp_path_factory.mktemp("results"))


def test_every_expectation_has_a_severity_matching_its_suite():
    counts = {CRITICAL: 0, WARNING: 0}
    for suite in SUITES:
        stored = json.loads((EXPECTATIONS_DIR / "expectations" / f"{suite.name}.json").read_text())
        assert [e["type"] for e in stored["expectations"]] == [e.expectation_type for e in suite.build()], \
            f"{suite.name}: committed suite differs from suites.py; run `kinerja gx-init`"
        assert {e["severity"] for e in stored["expectations"]} == {suite.severity}
        counts[suite.severity] += len(stored["expectations"])
    assert counts[CRITICAL] >= 45 and counts[WARNING] == 8   # ... signatories_present, ter_category_mid_year


@pytest.mark.parametrize("suite", [s for s in SUITES if s.severity == CRITICAL], ids=lambda s: s.name)
def test_each_critical_expectation_fails_on_a_batch_built_to_break_it(ctx, suite):
    good = GOOD[suite.name]
    if good is None:   # empty is good, any row breaks it
        row = ANY_ROW_BREAKS[suite.name]
        assert validate(ctx, suite, pd.DataFrame(columns=list(row))).success
        assert not validate(ctx, suite, pd.DataFrame([row])).success
        return
    assert validate(ctx, suite, pd.DataFrame([good, {**good, "nip": "198609262015051002"} if "nip" in good else good])).success
    for expectation in suite.build():
        kwargs = expectation.configuration.kwargs
        if expectation.expectation_type == "expect_table_row_count_to_be_between":   # no row at all breaks it
            result = validate(ctx, suite, pd.DataFrame(columns=list(good)))
        else:
            result = validate(ctx, suite, pd.DataFrame([good, break_row(good, kwargs)]))
        failed = [(r.expectation_config.type, dict(r.expectation_config.kwargs)) for r in result.results if not r.success]
        assert any(t == expectation.expectation_type and
                   all(k.get(x) == kwargs.get(x) for x in ("column", "column_A", "column_B") for k in [kw])
                   for t, kw in failed), f"{suite.name}: {expectation.expectation_type} {kwargs} did not fail"


@pytest.mark.parametrize("nullable", [False, True], ids=["int32", "Int32 with a null"])
def test_widened_integer_columns_give_the_same_verdicts(ctx, nullable):
    """DuckDB hands narrow integer columns (SMALLINT, INTEGER; nullable when a left join misses) to pandas; the
    gate widens them so GX compares whole columns at once. Every expectation must judge both frames alike."""
    from orchestration.defs.quality.gx_runner import _widened
    suite = next(s for s in SUITES if s.name == "payroll_inputs")
    good = GOOD[suite.name]
    narrow = ["kelas_jabatan", "hari_kerja", *COUNTS]
    rows = [good, *(break_row(good, e.configuration.kwargs) for e in suite.build())]
    if nullable:
        rows.append({**good, "nip": "198609262015051002", "hari_kerja": None, "tl1": None})
    frame = pd.DataFrame(rows).astype({c: "Int32" if nullable else "int32" for c in narrow})
    verdicts = [[(r.expectation_config.kwargs.get("column"), r.success, r.result.get("unexpected_count"))
                 for r in validate(ctx, suite, f).results] for f in (frame, _widened(frame))]
    assert verdicts[0] == verdicts[1]
    assert sum(not ok for _, ok, _ in verdicts[1]) == len(suite.build())   # each broken row fails its expectation
