-- Every deferral (ditunda) and its release (rapel), or that it is still open.
-- Released in the first later month that is not itself deferred for the person, in which they are on the
-- roster and whose cutoff sees the annual SKP fetched. Never released: stays open (not forfeited).
with gross as (
    select * from {{ ref('int_tpp_gross') }}
),

months as (
    select * from {{ ref('int_payroll_months') }}
),

arrears as (
    select * from {{ ref('int_skp_arrears') }}
),

deferrals as (
    select nip, period as deferred_period, deferred_amount, skp_year, skp_gate_rule_id
    from gross
    where is_deferred
),

release_months as (
    select
        deferrals.nip,
        deferrals.deferred_period,
        min(later.period) as release_period
    from deferrals
    inner join arrears
        on arrears.nip = deferrals.nip and arrears.skp_year = deferrals.skp_year
    inner join gross as later
        on later.nip = deferrals.nip and later.period > deferrals.deferred_period and not later.is_deferred
    inner join months
        on months.period = later.period
    where arrears.first_seen_at <= months.cutoff_at
    group by deferrals.nip, deferrals.deferred_period
)

select
    deferrals.nip,
    deferrals.deferred_period,
    deferrals.skp_year,
    deferrals.deferred_amount,
    release_months.release_period,
    case when release_months.release_period is null then 0 else deferrals.deferred_amount end as released_amount,
    case when release_months.release_period is null then deferrals.deferred_amount else 0 end as open_amount,
    case when release_months.release_period is null then 'OPEN' else 'RELEASED' end as status,
    arrears.first_seen_at as skp_first_seen_at,
    arrears.first_seen_record_id as skp_record_id,
    arrears.first_seen_source_file as skp_source_file,
    arrears.first_seen_source_line as skp_source_line,
    deferrals.skp_gate_rule_id
from deferrals
left join release_months
    on release_months.nip = deferrals.nip and release_months.deferred_period = deferrals.deferred_period
left join arrears
    on arrears.nip = deferrals.nip and arrears.skp_year = deferrals.skp_year
