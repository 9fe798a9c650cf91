-- Each OPD's payable total against the previous month, with the review threshold (a warning, not a block).
with totals as (
    select period, opd_kode, sum(payable_amount) as payable_amount, count(*) as people
    from {{ ref('fct_tpp_entitlement') }}
    group by period, opd_kode
),

threshold as (
    select * from {{ ref('rule_quality_threshold') }} where threshold = 'max_opd_month_change'
),

changes as (
    select
        totals.*,
        lag(payable_amount) over (partition by opd_kode order by period) as previous_payable_amount
    from totals
)

select
    changes.period,
    changes.opd_kode,
    changes.people,
    changes.payable_amount,
    changes.previous_payable_amount,
    cast(100.0 * (changes.payable_amount - changes.previous_payable_amount)
         / nullif(changes.previous_payable_amount, 0) as decimal(12, 2)) as change_pct,
    threshold.value as threshold_pct,
    threshold.rule_id as threshold_rule_id,
    changes.previous_payable_amount is null
        or abs(100.0 * (changes.payable_amount - changes.previous_payable_amount)
               / nullif(changes.previous_payable_amount, 0)) <= threshold.value as is_within_threshold
from changes
left join threshold
    on {{ in_effect('threshold', 'changes.period') }}
