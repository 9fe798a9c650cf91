"""One hand-written DuckDB statement that computes a deferral month's entitlement totals (April 2025 in the
demo) straight from the raw Parquet and the warehouse's rule tables (rules.*, the rows in effect in the month: what
dbt built from the seeds): the yardstick `make bench` times the pipeline against,
and a cross-check that both give the same rupiah. It ignores releases, so it is only exact for a month in
which nothing is released (a deferred month is such a month). It is DOMAIN.md section 3 only: the acting allowance
and the cuts of sections 9 and 10 (a few people of the demo city, none of the bulk generator's) are taken out of the
mart's totals before the comparison."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

SQL = """
with
basis as (select * from rules.rule_basic_tpp where effective_from <= $m and $m < effective_to),
status as (select * from rules.rule_status_factor where effective_from <= $m and $m < effective_to),
shares as (select aspect, cast(share_pct * 100 as hugeint) as bp from rules.rule_aspect_share
           where effective_from <= $m and $m < effective_to),
pct as (select predikat_code, cast(pct * 100 as hugeint) as bp from rules.rule_productivity_pct
        where effective_from <= $m and $m < effective_to),
missing as (select condition, cast(pct * 100 as hugeint) as bp from rules.rule_missing_input
            where effective_from <= $m and $m < effective_to),
rates as (select attendance_code, cast(rate_pct * 100 as hugeint) as bp from rules.rule_discipline_rate
          where effective_from <= $m and $m < effective_to),
cutoff as (select cutoff_at from rules.rule_payroll_cutoff
           where period = $m and effective_from <= $m and $m < effective_to),
gate as (select skp_year, required_tmt_on_or_before, deadline_end_exclusive as deadline_end from rules.rule_skp_gate
         where deferred_period = $m and effective_from <= $m and $m < effective_to),
cur as (select * from read_parquet('{raw}/payroll_current/*.parquet')),
roster as (select r.* from read_parquet('{raw}/roster/*.parquet') r
           join cur on cur.source = 'roster' and cur.period = r.period and cur.file_sha256 = r._file_sha256
           where r.period = $m),
att as (select a.* from read_parquet('{raw}/attendance/*.parquet') a
        join cur on cur.source = 'attendance' and cur.period = a.period and cur.file_sha256 = a._file_sha256
        where a.period = $m),
deduction as (select nip, least(10000, sum(n * rates.bp)) as bp
              from (unpivot att on tl1, tl2, tl3, tl4, psw1, psw2, psw3, psw4, tk into name code value n) u
              join rates on rates.attendance_code = u.code group by nip),
eval as (select nip, predikat_code from read_parquet('{raw}/kinerja_periodik/*.parquet')
         where $m between period_start and period_end and fetched_at <= (select cutoff_at from cutoff)
         qualify row_number() over (partition by nip order by fetched_at desc, record_id) = 1),
seen as (select nip, min(fetched_at) as first_seen from read_parquet('{raw}/skp_tahunan/*.parquet')
         where predikat_code is not null and tahun = (select skp_year from gate) group by nip),
lines as (
    select roster.nip, basis.amount as b,
           cast(status.factor_pct * 100 as hugeint) as f,
           coalesce(pct.bp, (select bp from missing where condition = 'NO_EVALUATION')) as p,
           coalesce(deduction.bp, (select bp from missing where condition = 'NO_ATTENDANCE')) as d,
           (select count(*) from gate) > 0 and roster.tmt <= (select required_tmt_on_or_before from gate)
               and coalesce(seen.first_seen >= (select deadline_end from gate), true) as deferred
    from roster
    join basis on basis.kelas_jabatan = roster.kelas_jabatan
    join status on status.jenis_pegawai = roster.jenis_pegawai and status.kedudukan = roster.kedudukan
    left join eval on eval.nip = roster.nip
    left join pct on pct.predikat_code = eval.predikat_code
    left join deduction on deduction.nip = roster.nip
    left join seen on seen.nip = roster.nip),
amounts as (
    select *, (b * f * (select bp from shares where aspect = 'PRODUKTIVITAS') * p) // 1000000000000 as prod,
              (b * f * (select bp from shares where aspect = 'DISIPLIN') * (10000 - d)) // 1000000000000 as disc
    from lines)
select count(*) as people, sum(prod) as productivity, sum(disc) as discipline, sum(prod + disc) as gross,
       sum(case when deferred then prod + disc else 0 end) as deferred,
       sum(case when deferred then 0 else prod + disc end) as payable
from amounts
"""


def reference_sql(raw_dir: Path) -> str:
    return SQL.format(raw=Path(raw_dir).as_posix())


def reference_totals(con, raw_dir: Path, month: dt.date) -> dict:
    row = con.execute(reference_sql(raw_dir), {"m": month}).fetchone()
    return dict(zip(("people", "productivity", "discipline", "gross", "deferred", "payable"), (int(v or 0) for v in row)))


MART_SQL = """select count(*), sum(productivity_amount), sum(discipline_amount),
                     sum(gross_amount - acting_amount),
                     sum(case when list_contains(reasons, 'SKP_DEFERRED')
                              then deferred_amount - acting_amount + cut_amount else 0 end),
                     sum(case when list_contains(reasons, 'SKP_DEFERRED') then payable_amount
                              else payable_amount - acting_amount + cut_amount end)
              from marts.fct_tpp_entitlement where period = ?"""


def mart_totals(con, month: dt.date) -> dict:
    row = con.execute(MART_SQL, [month]).fetchone()
    return dict(zip(("people", "productivity", "discipline", "gross", "deferred", "payable"), (int(v or 0) for v in row)))
