-- The working-hour cut of each rostered person and month (Bontang from November 2025, SE 1128/2025; DOMAIN.md
-- section 10): BKPSDM's findings of the month cut it (and the following months of the rule's duration), once a
-- month however many findings. A month with no rule in effect has no such cut. Percentages in basis points.
{{ config(materialized='view') }}

with findings as (
    select * from {{ ref('stg_payroll__violations') }}
),

months as (
    select roster.nip, roster.period from {{ ref('stg_payroll__roster') }} as roster
),

cutting as (
    select months.nip, months.period, findings.tanggal, findings.referensi,
           findings.source_file || ':' || findings.source_line as source_ref,
           rule.rule_id, {{ to_bp('rule.cut_pct') }} as cut_bp, rule.cut_base
    from findings
    inner join months
        on months.nip = findings.nip and months.period >= findings.violation_period
    inner join {{ ref('rule_working_hour_cut') }} as rule
        on {{ in_effect('rule', 'months.period') }}
        and months.period < findings.violation_period + to_months(rule.duration_months)
)

select
    nip,
    period,
    min(cut_bp) as working_hour_cut_bp,
    min(cut_base) as working_hour_cut_base,
    min(rule_id) as working_hour_rule_id,
    count(*) as violation_count,
    list(referensi order by tanggal, referensi) as violation_referensi,
    list(source_ref order by tanggal, referensi) as violation_sources
from cutting
group by nip, period
