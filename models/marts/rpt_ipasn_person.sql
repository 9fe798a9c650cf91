-- IPASN performance dimension per person and SKP year: the annual predikat, its points and weighted score.
-- Population: everyone required to have an annual SKP for the year (fct_skp_arrears), in their latest OPD.
with required as (
    select nip, skp_year from {{ ref('fct_skp_arrears') }} where is_required
),

latest_roster as (
    select nip, arg_max(opd_kode, period) as opd_kode from {{ ref('stg_payroll__roster') }} group by nip
),

annual as (
    select nip, year(period) as skp_year, stored_predikat_code, record_id, fetched_at
    from {{ ref('fct_performance_rating') }}
    where source = 'annual' and stored_predikat_code is not null
),

points as (select * from {{ ref('rule_ipasn_points') }}),
weight as (select * from {{ ref('rule_ipasn_weight') }} where dimension = 'kinerja')

select
    required.skp_year,
    required.nip,
    latest_roster.opd_kode,
    annual.nip is not null as has_annual_skp,
    annual.stored_predikat_code as predikat_code,
    annual.record_id as skp_record_id,
    points.points as kinerja_points,
    cast(points.points * weight.weight_pct / 100 as decimal(9, 4)) as weighted_points,
    points.rule_id as points_rule_id,
    weight.rule_id as weight_rule_id
from required
inner join latest_roster using (nip)
left join annual
    on annual.nip = required.nip and annual.skp_year = required.skp_year
left join points
    on points.predikat_code = coalesce(annual.stored_predikat_code, 0)
    and {{ in_effect('points', 'make_date(required.skp_year, 1, 1)') }}
left join weight
    on {{ in_effect('weight', 'make_date(required.skp_year, 1, 1)') }}
