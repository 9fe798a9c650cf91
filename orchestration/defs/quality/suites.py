"""The quality gate's suites: for each, the month's batch (SQL over the warehouse, read-only) and its
expectations with a severity. critical blocks the payout; warning is reported and never blocks.

Thresholds and bounds are not written here: the batches compare against rule seeds in SQL and expose a
boolean, so every number stays in dbt_project/seeds with its reference.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from orchestration.lib.contract import ATTENDANCE_COUNT_COLUMNS, JENIS_PEGAWAI, KEDUDUKAN, KELAS_JABATAN, PAYROLL_SOURCES
from orchestration.lib.nip import mask_nip_sql


class _LazyExpectations:
    """great_expectations.expectations, imported on first use: importing GX takes about 4 s, and the Dagster
    definitions and `kinerja run` need only the suites' names and severities until the gate runs."""

    def __getattr__(self, name: str):
        return getattr(importlib.import_module("great_expectations.expectations"), name)


gxe = _LazyExpectations()
CRITICAL, WARNING = "critical", "warning"
COUNTS = ATTENDANCE_COUNT_COLUMNS


@dataclass(frozen=True)
class Suite:
    name: str
    gates: str                     # the table the suite is about
    severity: str
    sql: str                       # one month's batch; `$period` is the first day of the month
    key_column: str                # shown (masked if a NIP) as a sample for failed rows
    expectations: Callable[[], list]   # built on demand (see _LazyExpectations)

    def build(self) -> list:
        return [e.copy(update={"severity": self.severity}, deep=True) for e in self.expectations()]


def _in(column: str, values: list) -> gxe.Expectation:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values)


PAYROLL_INPUTS = Suite(
    "payroll_inputs", "staging.stg_payroll__roster + stg_payroll__attendance", CRITICAL, """
    with roster as (select * from staging.stg_payroll__roster where period = $period),
    attendance as (select * from staging.stg_payroll__attendance where period = $period)
    select roster.nip, roster.jenis_pegawai, roster.kedudukan, roster.kelas_jabatan,
           try_strptime(substr(roster.nip, 1, 8), '%Y%m%d') is not null as nip_birth_date_valid,
           substr(roster.nip, 13, 2) between '01' and '12'
               or (substr(roster.nip, 13, 2) = '21' and roster.jenis_pegawai = 'PPPK') as nip_tmt_valid,
           count(*) over (partition by roster.nip) as roster_rows_for_nip,
           attendance.nip is not null as has_attendance_row,
           attendance.hari_kerja, {counts}
    from roster left join attendance using (nip)
    """.replace("{counts}", ", ".join(f"attendance.{c}" for c in COUNTS)), "nip",
    lambda: [gxe.ExpectColumnValuesToMatchRegex(column="nip", regex=r"^\d{18}$"),
             _in("nip_birth_date_valid", [True]), _in("nip_tmt_valid", [True]),
             _in("jenis_pegawai", list(JENIS_PEGAWAI)),
             _in("kedudukan", list(KEDUDUKAN)),
             gxe.ExpectColumnValuesToBeBetween(column="kelas_jabatan", min_value=KELAS_JABATAN.start,
                                               max_value=KELAS_JABATAN.stop - 1),
             gxe.ExpectColumnValuesToBeBetween(column="roster_rows_for_nip", min_value=1, max_value=1),
             _in("has_attendance_row", [True]),
             *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0) for c in COUNTS],
             *[gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="hari_kerja", column_B=c, or_equal=True,
                                                           ignore_row_if="either_value_is_missing") for c in COUNTS]])

PAYROLL_QUARANTINE = Suite(
    "payroll_quarantine", "raw quarantine of the month's payroll files", CRITICAL, """
    select q.source_file || ':' || q.source_line || ' ' || q.field as rejected_row, q.message
    from staging.stg_ingest__quarantine q
    where q.source_name in ({payroll_sources})
      and q.source_file like 'payroll/%/' || strftime($period, '%Y-%m') || '.csv'
      and q.file_sha256 in (select file_sha256 from staging.stg_ingest__payroll_current where period = $period)
    """.replace("{payroll_sources}", ", ".join(f"'{s}'" for s in PAYROLL_SOURCES)), "rejected_row",
    lambda: [gxe.ExpectTableRowCountToEqual(value=0)])

SALARY_INPUTS = Suite(
    "salary_inputs", "marts.fct_tpp_entitlement (PPh 21, BPJS Kesehatan and the net of every payout line)", CRITICAL, """
    select nip,
           salary_source_file is not null as has_salary_row,
           pph21_amount is not null and ter_category is not null as has_pph21,
           net_amount is not null as has_net_amount,
           net_amount,
           payable_amount - pph21_withheld_amount - bpjs_employee_amount as expected_net
    from marts.fct_tpp_entitlement where period = $period
    """, "nip",
    lambda: [_in("has_salary_row", [True]), _in("has_pph21", [True]), _in("has_net_amount", [True]),
             gxe.ExpectColumnValuesToBeBetween(column="net_amount", min_value=0),
             gxe.ExpectColumnPairValuesToBeEqual(column_A="net_amount", column_B="expected_net")])

PERIODIC_EVALUATIONS = Suite(
    "periodic_evaluations", "intermediate.int_periodic_rating", CRITICAL, """
    select nip, record_id, penilai_nip, coalesce(penilai_nip = nip, false) as rated_by_self
    from intermediate.int_periodic_rating where period = $period
    """, "nip",
    lambda: [gxe.ExpectColumnValuesToMatchRegex(column="penilai_nip", regex=r"^\d{18}$"),
             _in("rated_by_self", [False])])

TPP_ENTITLEMENT = Suite(
    "tpp_entitlement", "marts.fct_tpp_entitlement", CRITICAL, """
    with roster as (select nip from staging.stg_payroll__roster where period = $period),
    facts as (select * from marts.fct_tpp_entitlement where period = $period)
    select coalesce(facts.nip, roster.nip) as nip,
           roster.nip is not null as is_rostered,
           count(facts.nip) over (partition by coalesce(facts.nip, roster.nip)) as entitlement_rows,
           facts.basis_amount, facts.productivity_amount, facts.discipline_amount, facts.gross_amount,
           facts.gross_amount - coalesce(facts.acting_amount, 0) as own_gross_amount,
           facts.productivity_amount + facts.discipline_amount + coalesce(facts.acting_amount, 0) as expected_gross,
           coalesce(facts.acting_amount, 0) as acting_amount, coalesce(facts.cut_amount, 0) as cut_amount,
           coalesce(facts.sanction_cut_amount, 0) + coalesce(facts.working_hour_cut_amount, 0) as expected_cut,
           facts.gross_amount - coalesce(facts.cut_amount, 0) as gross_after_cuts,
           facts.deferred_amount, facts.released_amount, facts.kurang_bayar_amount, facts.lebih_bayar_amount,
           facts.payable_amount,
           facts.gross_amount - coalesce(facts.cut_amount, 0) - facts.deferred_amount + facts.released_amount
               + facts.kurang_bayar_amount - facts.lebih_bayar_amount as expected_payable,
           (facts.evaluation_record_id is null) = list_contains(facts.reasons, 'NO_EVALUATION') as no_evaluation_flagged
    from facts full outer join roster using (nip)
    """, "nip",
    lambda: [_in("is_rostered", [True]),
             gxe.ExpectColumnValuesToBeBetween(column="entitlement_rows", min_value=1, max_value=1),
             gxe.ExpectColumnPairValuesToBeEqual(column_A="payable_amount", column_B="expected_payable"),
             gxe.ExpectColumnPairValuesToBeEqual(column_A="gross_amount", column_B="expected_gross"),
             gxe.ExpectColumnPairValuesToBeEqual(column_A="cut_amount", column_B="expected_cut"),
             *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0)
               for c in ("productivity_amount", "discipline_amount", "acting_amount", "gross_amount", "cut_amount",
                         "gross_after_cuts", "deferred_amount", "released_amount", "kurang_bayar_amount",
                         "lebih_bayar_amount", "payable_amount")],
             *[gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="basis_amount", column_B=c, or_equal=True)
               for c in ("productivity_amount", "discipline_amount", "own_gross_amount")],
             gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="gross_after_cuts", column_B="deferred_amount",
                                                         or_equal=True),
             _in("no_evaluation_flagged", [True])])

OPD_TOTALS = Suite(
    "opd_totals", "marts.rpt_tpp_payout against marts.fct_tpp_entitlement", CRITICAL, """
    with facts as (
        select opd_kode, count(*) as people, sum(gross_amount) as gross, sum(deferred_amount) as deferred,
               sum(released_amount) as released, sum(payable_amount) as payable
        from marts.fct_tpp_entitlement where period = $period group by opd_kode),
    payout as (
        select opd_kode, count(*) as people, sum(gross_amount) as gross, sum(deferred_amount) as deferred,
               sum(released_amount) as released, sum(payable_amount) as payable
        from marts.rpt_tpp_payout where period = $period group by opd_kode)
    select coalesce(facts.opd_kode, payout.opd_kode) as opd_kode,
           facts.people as fact_people, payout.people as payout_people,
           facts.gross as fact_gross, payout.gross as payout_gross,
           facts.deferred as fact_deferred, payout.deferred as payout_deferred,
           facts.released as fact_released, payout.released as payout_released,
           facts.payable as fact_payable, payout.payable as payout_payable
    from facts full outer join payout using (opd_kode)
    """, "opd_kode",
    lambda: [gxe.ExpectColumnPairValuesToBeEqual(column_A=f"fact_{c}", column_B=f"payout_{c}")
             for c in ("people", "gross", "deferred", "released", "payable")])

DEFERRAL_LEDGER = Suite(
    "deferral_ledger", "marts.fct_tpp_deferral_ledger", CRITICAL, """
    -- open months only: an issued month keeps its deferral as issued; a change to it is a correction
    with issued as (select period from staging.stg_issued__months),
    ledger as (select * from marts.fct_tpp_deferral_ledger
               where deferred_period <= $period and deferred_period not in (select period from issued)),
    facts as (select nip, period, deferred_amount from marts.fct_tpp_entitlement
              where period <= $period and deferred_amount > 0 and period not in (select period from issued))
    select coalesce(ledger.nip, facts.nip) as nip,
           ledger.deferred_amount as ledger_deferred, coalesce(facts.deferred_amount, 0) as fact_deferred,
           ledger.released_amount + ledger.open_amount as released_plus_open
    from ledger full outer join facts on facts.nip = ledger.nip and facts.period = ledger.deferred_period
    """, "nip",
    lambda: [gxe.ExpectColumnPairValuesToBeEqual(column_A="ledger_deferred", column_B="fact_deferred"),
             gxe.ExpectColumnPairValuesToBeEqual(column_A="ledger_deferred", column_B="released_plus_open")])

EVIDENCE_COMPLETE = Suite(
    "evidence_complete", "marts.fct_evidence_issue (every response that could decide the month was accepted)", CRITICAL, """
    select issue_code || ' ' || coalesce({masked}, 'NIP unreadable (' || people || ' people exposed)') || ' '
               || coalesce(source_file, '') || coalesce(':' || source_line, '') as issue,
           issue_code, detail
    from marts.fct_evidence_issue where period = $period
    """.replace("{masked}", mask_nip_sql("nip")), "issue",
    lambda: [gxe.ExpectTableRowCountToEqual(value=0)])

MONTH_PLAUSIBILITY = Suite(
    "month_plausibility", "marts.rpt_month_plausibility (the month's delivery as a whole)", CRITICAL, """
    select check_name || ': ' || detail || ' (threshold ' || cast(threshold as double) || ', ' || rule_id || ')' as check,
           coalesce(is_ok, false) as is_ok
    from marts.rpt_month_plausibility where period = $period
    """, "check",
    lambda: [gxe.ExpectTableRowCountToBeBetween(min_value=1), _in("is_ok", [True])])

ATTENDANCE_NOT_ROSTERED = Suite(
    "attendance_not_rostered", "staging.stg_payroll__attendance against stg_payroll__roster", WARNING, """
    select attendance.nip, attendance.source_file || ':' || attendance.source_line as source_row
    from staging.stg_payroll__attendance as attendance
    anti join (select nip from staging.stg_payroll__roster where period = $period) as roster using (nip)
    where attendance.period = $period
    """, "nip",
    lambda: [gxe.ExpectTableRowCountToEqual(value=0)])

INCONSISTENT_PREDIKAT = Suite(
    "inconsistent_predikat_share", "marts.fct_tpp_entitlement", WARNING, """
    with facts as (select * from marts.fct_tpp_entitlement where period = $period and predikat_code is not null),
    threshold as (select value from rules.rule_quality_threshold
                  where threshold = 'max_inconsistent_predikat_share'
                    and effective_from <= $period and $period < effective_to)
    select strftime($period, '%Y-%m') as month,
           round(100.0 * count(*) filter (where list_contains(reasons, 'PREDIKAT_INCONSISTENT')) / nullif(count(*), 0), 2)
               as inconsistent_pct,
           (select value from threshold) as threshold_pct,
           100.0 * count(*) filter (where list_contains(reasons, 'PREDIKAT_INCONSISTENT')) / nullif(count(*), 0)
               <= (select value from threshold) as within_threshold
    from facts
    """, "month",
    lambda: [_in("within_threshold", [True])])

DISTRIBUTION_CURVE = Suite(
    "distribution_curve", "marts.rpt_distribution_curve", WARNING, """
    select opd_kode || ' ' || curve_rule_id as opd_bound, share_pct, bound_pct, is_breach
    from marts.rpt_distribution_curve where period = $period
    """, "opd_bound",
    lambda: [_in("is_breach", [False])])

PUBLISHED_FIGURES = Suite(
    "published_figures", "marts.rpt_published_reconciliation", WARNING, """
    select check_name, lhs, rhs, is_consistent from marts.rpt_published_reconciliation
    """, "check_name",
    lambda: [_in("is_consistent", [True])])

OPD_MONTH_CHANGE = Suite(
    "opd_month_change", "marts.rpt_opd_month_change", WARNING, """
    select opd_kode, change_pct, threshold_pct, is_within_threshold from marts.rpt_opd_month_change
    where period = $period
    """, "opd_kode",
    lambda: [_in("is_within_threshold", [True])])

CORRECTIONS = Suite(
    "corrections_within_threshold", "marts.fct_tpp_entitlement (corrections of issued months paid this month)", WARNING, """
    with facts as (select * from marts.fct_tpp_entitlement where period = $period),
    threshold as (select value, rule_id from rules.rule_quality_threshold
                  where threshold = 'max_corrections_share' and effective_from <= $period and $period < effective_to)
    select strftime($period, '%Y-%m') as month,
           round(100.0 * sum(kurang_bayar_amount + lebih_bayar_amount) / nullif(sum(gross_amount), 0), 2) as corrections_pct,
           (select value from threshold) as threshold_pct,
           coalesce(100.0 * sum(kurang_bayar_amount + lebih_bayar_amount) / nullif(sum(gross_amount), 0), 0)
               <= (select value from threshold) as within_threshold
    from facts
    """, "month",
    lambda: [_in("within_threshold", [True])])

TER_CATEGORY_CHANGE = Suite(
    "ter_category_mid_year", "marts.fct_tpp_entitlement against rules.rule_ptkp (PTKP status during the year)", WARNING, """
    select facts.nip, facts.ptkp_status, facts.year_ptkp_status,
           coalesce(now_status.ter_category = facts.ter_category, true) as same_ter_category
    from marts.fct_tpp_entitlement as facts
    left join rules.rule_ptkp as now_status
        on now_status.ptkp_status = facts.ptkp_status
        and now_status.effective_from <= $period and $period < now_status.effective_to
    where facts.period = $period
    """, "nip",
    lambda: [_in("same_ter_category", [True])])

SIGNATORIES = Suite(
    "signatories_present", "marts.rpt_payout_signatory (who signs the month's documents)", WARNING, """
    select opd_kode || ' ' || role as signatory, nama is not null as present
    from marts.rpt_payout_signatory where period = $period
    """, "signatory",
    lambda: [_in("present", [True])])

POSITION_RULE = Suite(
    "position_rule", "marts.rpt_position_rule_check (the position on the deciding day of rule_mid_month_position decides "
    "the month)", CRITICAL, """
    select {masked} || ' ' || source_file || ':' || source_line || ' tmt_jabatan ' || tmt_jabatan
               || ' after ' || deciding_date as roster_row,
           starts_after_deciding_day
    from marts.rpt_position_rule_check where period = $period
    """.replace("{masked}", mask_nip_sql("nip")), "roster_row",
    lambda: [_in("starts_after_deciding_day", [False])])

SUITES = [PAYROLL_INPUTS, PAYROLL_QUARANTINE, MONTH_PLAUSIBILITY, EVIDENCE_COMPLETE, PERIODIC_EVALUATIONS,
          TPP_ENTITLEMENT, SALARY_INPUTS, OPD_TOTALS, DEFERRAL_LEDGER, ATTENDANCE_NOT_ROSTERED, INCONSISTENT_PREDIKAT,
          DISTRIBUTION_CURVE, PUBLISHED_FIGURES, OPD_MONTH_CHANGE, CORRECTIONS, TER_CATEGORY_CHANGE, SIGNATORIES,
          POSITION_RULE]
