-- Discipline deduction per person and month: sum over attendance codes of count x rate (basis points).
-- Column-wise, with the month's rates joined as one row: unpivoting (one row per code) made 50 million rows to
-- group again for a national month, the slowest model of the build.
-- Incremental by month: a run replaces the months from its first on (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', tags=['monthly'],
          pre_hook="{{ delete_run_months() }}") }}

{%- set codes = ['psw1', 'psw2', 'psw3', 'psw4', 'tk', 'tl1', 'tl2', 'tl3', 'tl4'] %}  {#- listed in code order #}
with attendance as (
    select * from {{ ref('stg_payroll__attendance') }} where {{ run_months_only('period') }}
),

rates as (
    select * from {{ ref('rule_discipline_rate') }}
),

months as (
    select distinct period from attendance
),

month_rates as (
    select
        months.period,
        {%- for code in codes %}
        max({{ to_bp('rates.rate_pct') }}) filter (where rates.attendance_code = '{{ code }}') as {{ code }}_bp,
        max(rates.rule_id) filter (where rates.attendance_code = '{{ code }}') as {{ code }}_rule_id{{ ',' if not loop.last }}
        {%- endfor %}
    from months
    left join rates
        on {{ in_effect('rates', 'months.period') }}
    group by months.period
)

select
    attendance.period,
    attendance.nip,
    attendance.hari_kerja,
    cast(
        {%- for code in codes %}
        attendance.{{ code }} * {{ require('month_rates.' ~ code ~ '_bp', "'no discipline rate for " ~ code ~ " in ' || attendance.period") }}{{ ' +' if not loop.last }}
        {%- endfor %}
        as bigint) as deduction_bp_raw,
    nullif(list_sort(list_filter([
        {%- for code in codes %}
        case when attendance.{{ code }} > 0 then month_rates.{{ code }}_rule_id end{{ ',' if not loop.last }}
        {%- endfor %}
    ], lambda rule_id: rule_id is not null)), []) as discipline_rule_ids,
    attendance.source_file,
    attendance.source_line
from attendance
inner join month_rates
    on month_rates.period = attendance.period
