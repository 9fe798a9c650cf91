-- Every month on the roster, with its payroll cutoff: records fetched after it do not count for the month.
with roster_months as (
    select distinct period from {{ ref('stg_payroll__roster') }}
),

calendar as (
    select * from {{ ref('rule_payroll_cutoff') }}
)

select
    roster_months.period,
    {{ require('calendar.cutoff_at', "'no payroll cutoff in rule_payroll_cutoff for ' || roster_months.period") }} as cutoff_at,
    calendar.rule_id as cutoff_rule_id
from roster_months
left join calendar
    on calendar.period = roster_months.period and {{ in_effect('calendar', 'roster_months.period') }}
