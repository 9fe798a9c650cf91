-- Distribution-curve audit per OPD and month (soft, never a block): the OPD's own predikat bounds the
-- shares of its staff's predikat (PermenPANRB 6/2022). One row per OPD, month and bound.
with rated as (
    select period, opd_kode, predikat_code
    from {{ ref('fct_tpp_entitlement') }}
    where predikat_code is not null
),

unit_predikat as (
    select * from {{ ref('rule_unit_predikat') }}
),

curve as (
    select * from {{ ref('rule_distribution_curve') }}
),

opd_months as (
    select
        rated.period,
        rated.opd_kode,
        count(*) as n_rated,
        coalesce(own.unit_predikat_code, fallback.unit_predikat_code) as unit_predikat_code,
        coalesce(own.rule_id, fallback.rule_id) as unit_rule_id
    from rated
    left join unit_predikat as own
        on own.opd_kode = rated.opd_kode and {{ in_effect('own', 'rated.period') }}
    left join unit_predikat as fallback
        on fallback.opd_kode = '*' and {{ in_effect('fallback', 'rated.period') }}
    group by rated.period, rated.opd_kode, own.unit_predikat_code, fallback.unit_predikat_code, own.rule_id, fallback.rule_id
),

matched as (
    select
        opd_months.period,
        opd_months.opd_kode,
        opd_months.n_rated,
        opd_months.unit_predikat_code,
        opd_months.unit_rule_id,
        curve.rule_id as curve_rule_id,
        curve.predikat_codes,
        curve.bound,
        curve.pct as bound_pct,
        list_contains(string_split(curve.predikat_codes, '|'), cast(rated.predikat_code as varchar)) as in_codes
    from opd_months
    inner join curve
        on curve.unit_predikat_code = opd_months.unit_predikat_code and {{ in_effect('curve', 'opd_months.period') }}
    inner join rated
        on rated.period = opd_months.period and rated.opd_kode = opd_months.opd_kode
),

shares as (
    select
        period, opd_kode, n_rated, unit_predikat_code, unit_rule_id, curve_rule_id, predikat_codes, bound, bound_pct,
        cast(100.0 * count(*) filter (where in_codes) / n_rated as decimal(9, 2)) as share_pct
    from matched
    group by period, opd_kode, n_rated, unit_predikat_code, unit_rule_id, curve_rule_id, predikat_codes, bound, bound_pct
)

select
    *,
    case when bound = 'max' then share_pct > bound_pct else share_pct < bound_pct end as is_breach
from shares
