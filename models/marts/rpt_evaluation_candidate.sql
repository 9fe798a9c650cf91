-- Every periodic evaluation record that covers a rostered person's month, as fetched, and why it was or was not the
-- one paid on (int_periodic_rating picks the latest fetch at or before the month's cutoff, then the first record id):
-- what `kinerja explain` lists under "passed over". A view: read for one person and month at a time.
{{ config(materialized='view') }}

with months as (
    select period, cutoff_at from {{ ref('int_payroll_months') }}
),

roster as (
    select nip, period from {{ ref('stg_payroll__roster') }}
),

candidates as (
    select roster.period, months.cutoff_at, records.*
    from {{ ref('stg_siasn__kinerja_periodik') }} as records
    inner join roster
        on roster.nip = records.nip and roster.period between records.period_start and records.period_end
    inner join months
        on months.period = roster.period
),

chosen as (
    select nip, period, record_id, fetched_at from {{ ref('int_periodic_rating') }}
)

select
    candidates.period,
    candidates.nip,
    candidates.record_id,
    candidates.fetched_at,
    candidates.hasil_code,
    candidates.perilaku_code,
    candidates.predikat_code,
    candidates.period_start,
    candidates.period_end,
    candidates.source_file,
    candidates.source_line,
    chosen.record_id is not null as is_chosen,
    case
        when chosen.record_id is not null then null
        when candidates.fetched_at > candidates.cutoff_at then 'FETCHED_AFTER_CUTOFF'
        when candidates.fetched_at < picked.fetched_at then 'OLDER_FETCH'
        else 'SAME_FETCH_CONFLICT'
    end as why_not_chosen
from candidates
left join chosen
    on chosen.nip = candidates.nip and chosen.period = candidates.period
    and chosen.record_id = candidates.record_id and chosen.fetched_at = candidates.fetched_at
left join chosen as picked
    on picked.nip = candidates.nip and picked.period = candidates.period
