-- The periodic evaluation that counts for each person and month, as of the month's cutoff:
-- records covering the month, fetched at or before the cutoff; the latest fetch wins.
-- Incremental by month: a run replaces the months from its first on (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', tags=['monthly'],
          pre_hook="{{ delete_run_months() }}") }}

with months as (
    select * from {{ ref('int_payroll_months') }} where {{ run_months_only('period') }}
),

-- only records that can cover a run month (implied by the join below): the staging view reads Parquet, and
-- this filter reaches the scan where the join's own range does not
records as (
    select * from {{ ref('stg_siasn__kinerja_periodik') }} where {{ run_months_only('period_end') }}
),

matrix as (
    select * from {{ ref('rule_predikat_matrix') }}
),

covering as (
    select
        months.period,
        months.cutoff_at,
        records.*
    from records
    inner join months
        on months.period between records.period_start and records.period_end
        and records.fetched_at <= months.cutoff_at
),

-- one window, ordered latest fetch first then by record id: the first row is the pick, and a second row in the
-- same fetch means two different records there (the staging tests, run before this model, keep
-- (nip, record_id, fetched_at) unique and record_id not null). National April: 4.1 s against 9.7 s for a max
-- window then a count-distinct window.
ranked as (
    select
        *,
        row_number() over latest_first as pick,
        coalesce(lead(fetched_at) over latest_first = fetched_at, false) as has_more_in_latest_fetch
    from covering
    window latest_first as (partition by nip, period order by fetched_at desc, record_id)
)

select
    chosen.nip,
    chosen.period,
    chosen.record_id,
    chosen.fetched_at,
    chosen.cutoff_at,
    chosen.hasil_code,
    chosen.perilaku_code,
    chosen.predikat_code as stored_predikat_code,
    matrix.predikat_code as matrix_predikat_code,
    chosen.predikat_code = matrix.predikat_code as is_consistent,
    matrix.rule_id as matrix_rule_id,
    chosen.period_start,
    chosen.period_end,
    chosen.penilai_nip,
    -- two different records in the same fetch: a data-quality error, flagged, paid on the first by id
    chosen.has_more_in_latest_fetch as has_conflict,
    chosen.source_file,
    chosen.source_line,
    chosen.record_index
from ranked as chosen
left join matrix
    on matrix.hasil_code = chosen.hasil_code
    and matrix.perilaku_code = chosen.perilaku_code
    and {{ in_effect('matrix', 'chosen.period') }}
where chosen.pick = 1
