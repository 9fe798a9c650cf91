-- The month's attendance deductions one code at a time (count x rate, with the rule row and its legal basis): what
-- `kinerja explain` lists under the attendance step. int_attendance_deduction sums the same products column-wise for
-- the facts; a test keeps the two equal. A view: read for one person and month at a time.
{{ config(materialized='view') }}

{%- set codes = ['psw1', 'psw2', 'psw3', 'psw4', 'tk', 'tl1', 'tl2', 'tl3', 'tl4'] %}
with attendance as (
    select * from {{ ref('stg_payroll__attendance') }}
),

counts as (
    {%- for code in codes %}
    select period, nip, '{{ code }}' as attendance_code, {{ code }} as event_count, source_file, source_line
    from attendance where {{ code }} > 0
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select
    counts.period,
    counts.nip,
    counts.attendance_code,
    counts.event_count,
    rates.rate_pct,
    counts.event_count * rates.rate_pct as deduction_pct,
    counts.event_count * {{ to_bp('rates.rate_pct') }} as deduction_bp,
    rates.rule_id,
    rates.legal_basis,
    counts.source_file,
    counts.source_line
from counts
left join {{ ref('rule_discipline_rate') }} as rates
    on rates.attendance_code = counts.attendance_code and {{ in_effect('rates', 'counts.period') }}
