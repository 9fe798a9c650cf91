-- IPASN performance dimension per OPD and SKP year (plus the city as opd_kode 'KOTA'): counts per annual
-- predikat, their shares (to 0.01%, adding to exactly 100.00 by the largest remainder), coverage, average points,
-- and the distribution-curve bounds the OPD breaches. The report (defs/reports/ipasn.py) only formats these.
with people as (
    select * from {{ ref('rpt_ipasn_person') }}
),

by_unit as (
    select skp_year, opd_kode, * exclude (skp_year, opd_kode) from people
    union all
    select skp_year, 'KOTA' as opd_kode, * exclude (skp_year, opd_kode) from people
),

counts as (
    select
        skp_year,
        opd_kode,
        count(*) as n_asn,
        count(*) filter (where has_annual_skp) as n_with_skp,
        count(*) filter (where predikat_code = 1) as n_sangat_baik,
        count(*) filter (where predikat_code = 2) as n_baik,
        count(*) filter (where predikat_code = 3) as n_butuh_perbaikan,
        count(*) filter (where predikat_code = 4) as n_kurang,
        count(*) filter (where predikat_code = 5) as n_sangat_kurang,
        cast(avg(kinerja_points) as decimal(9, 2)) as avg_kinerja_points,
        cast(avg(weighted_points) as decimal(9, 2)) as avg_weighted_points
    from by_unit
    group by skp_year, opd_kode
),

unit_predikat as (select * from {{ ref('rule_unit_predikat') }}),
curve as (select * from {{ ref('rule_distribution_curve') }}),

bounds as (
    select
        counts.skp_year,
        counts.opd_kode,
        curve.rule_id,
        curve.bound,
        curve.pct,
        100.0 * (
            case when list_contains(string_split(curve.predikat_codes, '|'), '1') then counts.n_sangat_baik else 0 end
            + case when list_contains(string_split(curve.predikat_codes, '|'), '2') then counts.n_baik else 0 end
            + case when list_contains(string_split(curve.predikat_codes, '|'), '3') then counts.n_butuh_perbaikan else 0 end
            + case when list_contains(string_split(curve.predikat_codes, '|'), '4') then counts.n_kurang else 0 end
            + case when list_contains(string_split(curve.predikat_codes, '|'), '5') then counts.n_sangat_kurang else 0 end
        ) / nullif(counts.n_with_skp, 0) as share_pct
    from counts
    left join unit_predikat as own
        on own.opd_kode = counts.opd_kode and {{ in_effect('own', 'make_date(counts.skp_year, 1, 1)') }}
    left join unit_predikat as fallback
        on fallback.opd_kode = '*' and {{ in_effect('fallback', 'make_date(counts.skp_year, 1, 1)') }}
    inner join curve
        on curve.unit_predikat_code = coalesce(own.unit_predikat_code, fallback.unit_predikat_code)
        and {{ in_effect('curve', 'make_date(counts.skp_year, 1, 1)') }}
),

per_predikat as (
    {%- for code, column in [(1, 'n_sangat_baik'), (2, 'n_baik'), (3, 'n_butuh_perbaikan'), (4, 'n_kurang'), (5, 'n_sangat_kurang')] %}
    select skp_year, opd_kode, {{ code }} as predikat_code, {{ column }} as n from counts
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

-- hundredths of a percent: each share floored, then the 1/100s still missing to 100.00 go to the largest remainders
-- (ties to the better predikat)
floored as (
    select
        *,
        sum(n) over unit as total,
        case when sum(n) over unit > 0 then (n * 10000) // sum(n) over unit else 0 end as floor_bp,
        case when sum(n) over unit > 0 then (n * 10000) % sum(n) over unit else 0 end as remainder
    from per_predikat
    window unit as (partition by skp_year, opd_kode)
),

topped as (
    select
        *,
        floor_bp + case when total > 0 and row_number() over unit_by_remainder
                                              <= 10000 - sum(floor_bp) over unit then 1 else 0 end as share_bp
    from floored
    window unit as (partition by skp_year, opd_kode),
           unit_by_remainder as (partition by skp_year, opd_kode order by remainder desc, predikat_code)
),

shares as (
    select
        skp_year,
        opd_kode,
        {%- for code, name in [(1, 'sangat_baik'), (2, 'baik'), (3, 'butuh_perbaikan'), (4, 'kurang'), (5, 'sangat_kurang')] %}
        cast(max(share_bp) filter (where predikat_code = {{ code }}) / 100 as decimal(9, 2)) as share_{{ name }}_pct{{ ',' if not loop.last }}
        {%- endfor %}
    from topped
    group by skp_year, opd_kode
),

breaches as (
    select skp_year, opd_kode,
           list(rule_id order by rule_id) filter (
               where (bound = 'max' and share_pct > pct) or (bound = 'min' and share_pct < pct)) as curve_breaches
    from bounds
    group by skp_year, opd_kode
)

select
    counts.*,
    cast(case when counts.n_asn > 0 then round(100.0 * counts.n_with_skp / counts.n_asn, 2) else 0 end
         as decimal(9, 2)) as coverage_pct,
    shares.* exclude (skp_year, opd_kode),
    coalesce(breaches.curve_breaches, []) as curve_breaches
from counts
inner join shares using (skp_year, opd_kode)
left join breaches using (skp_year, opd_kode)
