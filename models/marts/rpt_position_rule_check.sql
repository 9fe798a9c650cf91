-- Each roster row that gives the start of its position (tmt_jabatan) checked against the mid-month rule
-- (rule_mid_month_position, DOMAIN.md section 9): a position that began after the deciding day belongs to the next
-- month, so the row shows a position the month should not pay yet. The gate (suite position_rule) blocks such a month
-- until payroll re-delivers the roster.
{{ config(materialized='view') }}

with roster as (
    select period, nip, kelas_jabatan, opd_kode, jabatan, tmt_jabatan, source_file, source_line
    from {{ ref('stg_payroll__roster') }}
    where tmt_jabatan is not null
),

ruled as (
    select
        roster.*,
        {{ require('rule.rule_id', "'no rule_mid_month_position in ' || roster.period") }} as position_rule_id,
        {{ require("case when rule.method = 'DAY_OF_MONTH' then rule.deciding_day end",
                   "'rule_mid_month_position: only the DAY_OF_MONTH method is implemented (' || roster.period || ')'") }}
            as deciding_day
    from roster
    left join {{ ref('rule_mid_month_position') }} as rule
        on {{ in_effect('rule', 'roster.period') }}
)

select
    *,
    make_date(year(period), month(period), least(deciding_day, day(last_day(period)))) as deciding_date,
    tmt_jabatan > make_date(year(period), month(period), least(deciding_day, day(last_day(period))))
        as starts_after_deciding_day
from ruled
