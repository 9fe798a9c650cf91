-- The published e-Kinerja figures against themselves and against the data at the same snapshot.
-- A contradiction is shown, never hidden (DOMAIN.md section 5).
with published as (
    select
        max(value) filter (where figure = 'asn_total') as total,
        max(value) filter (where figure = 'skp_finished') as finished,
        max(value) filter (where figure = 'skp_not_finished') as not_finished,
        max(value) filter (where figure = 'skp_finished_pct') as finished_pct,
        max(snapshot_at) as snapshot_at,
        string_agg(rule_id, ',' order by rule_id) as rule_ids
    from {{ ref('rule_published_figures') }}
),

snapshot_responses as (
    select distinct responses.nip
    from {{ ref('stg_siasn__responses') }} as responses
    cross join published
    where responses.endpoint = 'rw-skp22'
        and responses.fetched_at >= published.snapshot_at
        and responses.fetched_at < published.snapshot_at + interval 1 day
),

snapshot_finished as (
    select distinct annual.nip
    from {{ ref('stg_siasn__skp_tahunan') }} as annual
    cross join published
    where annual.predikat_code is not null
        and annual.tahun = year(published.snapshot_at) - 1
        and annual.fetched_at >= published.snapshot_at
        and annual.fetched_at < published.snapshot_at + interval 1 day
),

data as (
    select
        (select count(*) from snapshot_responses) as total,
        (select count(*) from snapshot_finished) as finished
),

checks as (
    select 'published finished + not finished = published total' as check_name,
           published.finished + published.not_finished as lhs, published.total as rhs
    from published
    union all
    select 'published finished / total = published percent', round(100 * published.finished / published.total, 2),
           published.finished_pct
    from published
    union all
    select 'published (total - not finished) / total = published percent',
           round(100 * (published.total - published.not_finished) / published.total, 2), published.finished_pct
    from published
    union all
    select 'ASN fetched at the snapshot = published total', data.total, published.total from data, published
    union all
    select 'finished at the snapshot (data) = published finished', data.finished, published.finished from data, published
    union all
    select 'not finished at the snapshot (data) = published not finished', data.total - data.finished,
           published.not_finished
    from data, published
)

select
    check_name,
    cast(lhs as decimal(12, 2)) as lhs,
    cast(rhs as decimal(12, 2)) as rhs,
    lhs = rhs as is_consistent,
    (select rule_ids from published) as rule_ids
from checks
