-- The periodic evaluation that counts for each person and month, as of the month's cutoff:
-- records covering the month, fetched at or before the cutoff; the latest fetch wins.
-- Incremental by month: a run replaces the months from its first on (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_run_months() }}") }}

with months as (
    select * from {{ ref('int_payroll_months') }} where {{ run_months_only('period') }}
),

records as (
    select * from {{ ref('stg_siasn__kinerja_periodik') }}
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

latest_fetch as (
    select *, max(fetched_at) over (partition by nip, period) as latest_fetched_at
    from covering
),

in_latest_fetch as (
    select
        *,
        count(distinct record_id) over (partition by nip, period) as records_in_latest_fetch,
        row_number() over (partition by nip, period order by record_id) as pick
    from latest_fetch
    where fetched_at = latest_fetched_at
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
    chosen.records_in_latest_fetch > 1 as has_conflict,
    chosen.source_file,
    chosen.source_line,
    chosen.record_index
from in_latest_fetch as chosen
left join matrix
    on matrix.hasil_code = chosen.hasil_code
    and matrix.perilaku_code = chosen.perilaku_code
    and {{ in_effect('matrix', 'chosen.period') }}
where chosen.pick = 1
