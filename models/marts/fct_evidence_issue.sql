-- Why a month cannot be decided on the evidence landed: one row per month, issue and source row. The gate's
-- critical suite `evidence_complete` fails month M while it has any row (DOMAIN.md section 3: a month is decided
-- as of its cutoff, on every response fetched by then).
--   RESPONSE_QUARANTINED: a SIASN response (or a record in it) for a person on M's roster was rejected, it was
--     fetched in the window that decides M (periodic: up to M's cutoff; annual: up to the SKP deadline of a
--     deferred month, or up to M's cutoff while a deferral waits for release), and no accepted response of the
--     same endpoint for that person came after it within the window. A later accepted response supersedes it: the
--     latest periodic fetch wins, and an annual SKP once finished stays finished. A rejected line whose NIP is
--     unreadable counts for everyone exposed (one row, with the number of people it could be).
--   EVALUATION_CONFLICT: two different periodic records for the person and month in the latest fetch.
--   RECORD_COPIES_DIFFER: the record chosen for the month comes again in its fetch (another file or line) with
--     different contents (twice in one response is already quarantined by the parser).
--   ANNUAL_PREDIKAT_LOST: a later fetch of the annual SKP no longer shows the predikat an earlier fetch showed,
--     for a person whose deferral or release that year decides.
-- An empty fetch file holds no response and is not an issue here (the quarantine reports it; missing responses
-- show as evaluation coverage in the plausibility suite).
with months as (
    select period, cutoff_at, cutoff_at + interval 1 microsecond as cutoff_end from {{ ref('int_payroll_months') }}
),

roster as (
    select period, nip from {{ ref('stg_payroll__roster') }}
),

facts as (
    select * from {{ ref('fct_tpp_entitlement') }}
),

gates as (
    select rule_id, skp_year, deferred_period, deadline_end_exclusive from {{ ref('rule_skp_gate') }}
),

responses as (
    select endpoint, nip, fetched_at, source_file, file_sha256 from {{ ref('stg_siasn__responses') }}
),

file_fetch_times as (
    select source_file, file_sha256, max(fetched_at) as latest_fetched_at
    from responses
    group by source_file, file_sha256
),

-- a rejected line's fetch time, or else the latest fetch time of the accepted lines of its file
quarantined as (
    select
        q.source_name as endpoint,
        q.nip,
        q.source_file,
        q.source_line,
        q.field,
        q.message,
        coalesce(q.fetched_at, file_fetch_times.latest_fetched_at) as fetched_at
    from {{ ref('stg_ingest__quarantine') }} as q
    left join file_fetch_times
        on file_fetch_times.source_file = q.source_file and file_fetch_times.file_sha256 = q.file_sha256
    where q.source_name in ('rw-kinerjaperiodik', 'rw-skp22') and q.source_line > 0
),

-- who in month M depends on which endpoint's responses, up to when (exclusive)
exposure as (
    select 'rw-kinerjaperiodik' as endpoint, roster.period, roster.nip, months.cutoff_end as window_end,
           'periodic evaluation of the month' as decides
    from roster
    inner join months using (period)
    union all
    select 'rw-skp22', facts.period, facts.nip, gates.deadline_end_exclusive, 'SKP deadline of a deferred month'
    from facts
    inner join gates on gates.rule_id = facts.skp_gate_rule_id
    where list_contains(facts.reasons, 'SKP_DEFERRED')
    union all
    select 'rw-skp22', roster.period, roster.nip, months.cutoff_end, 'release of a deferral'
    from roster
    inner join months using (period)
    inner join {{ ref('fct_tpp_deferral_ledger') }} as ledger
        on ledger.nip = roster.nip
        and ledger.deferred_period < roster.period
        and (ledger.release_period is null or ledger.release_period >= roster.period)
),

-- a rejection with a NIP meets that person's exposure (a hash join); one without meets everyone exposed to its
-- endpoint (few such lines, so the cross product stays small)
quarantined_meets as (
    select exposure.period, exposure.nip as exposed_nip, exposure.decides, exposure.window_end, quarantined.*
    from quarantined
    inner join exposure
        on exposure.endpoint = quarantined.endpoint and exposure.nip = quarantined.nip
    union all
    select exposure.period, exposure.nip, exposure.decides, exposure.window_end, quarantined.*
    from quarantined
    inner join exposure
        on exposure.endpoint = quarantined.endpoint
    where quarantined.nip is null
),

quarantined_exposed as (
    select *
    from quarantined_meets
    where (fetched_at is null or fetched_at < window_end)
        and not exists (
            select 1 from responses as later
            where later.endpoint = quarantined_meets.endpoint
                and later.nip = quarantined_meets.exposed_nip
                and later.fetched_at > quarantined_meets.fetched_at
                and later.fetched_at < quarantined_meets.window_end
        )
),

response_quarantined as (
    select
        period,
        nip,
        'RESPONSE_QUARANTINED' as issue_code,
        source_file,
        source_line,
        any_value(fetched_at) as fetched_at,
        count(distinct exposed_nip) as people,
        any_value(endpoint) || ' response rejected (' || any_value(field) || ': ' || any_value(message)
            || '); it could decide the ' || string_agg(distinct decides, ', ' order by decides) as detail,
        case when nip is null
            then 'the NIP is unreadable: re-fetch the month (kinerja fetch --month ...) or re-deliver the file'
            else 'kinerja fetch --gaps-from <home> --month ' || strftime(period, '%Y-%m')
                || ' (re-fetches these NIPs), then run the month again'
        end as fix
    from quarantined_exposed
    group by period, nip, source_file, source_line
),

conflicts as (
    select
        period,
        nip,
        'EVALUATION_CONFLICT' as issue_code,
        evaluation_source_file as source_file,
        evaluation_source_line as source_line,
        evaluation_fetched_at as fetched_at,
        1 as people,
        'two different periodic records cover the month in the latest fetch' as detail,
        'ask the BKPSDM e-Kinerja admin to remove the wrong record, re-fetch the NIP, run the month again' as fix
    from facts
    where list_contains(reasons, 'EVALUATION_CONFLICT')
),

-- the copies of a record left out by the staging dedupe (rare), against the copy the month uses
dropped_copies as (
    select fetched_at, source_file, file_sha256, pos.source_line, pos.record_index
    from (
        select fetched_at, source_file, file_sha256, unnest(repeated_records) as pos
        from {{ ref('stg_siasn__kinerja_periodik_fetches') }}
        where len(repeated_records) > 0
    )
),

copies_differ as (
    select
        rating.period,
        rating.nip,
        'RECORD_COPIES_DIFFER' as issue_code,
        raw._source_file as source_file,
        raw._source_line as source_line,
        raw.fetched_at,
        1 as people,
        'record ' || rating.record_id || ' comes twice in one fetch with different ratings or months' as detail,
        'ask for the response again (kinerja fetch --gaps-from <home> --month ' || strftime(rating.period, '%Y-%m')
            || '), run the month again' as fix
    from {{ source('raw', 'kinerja_periodik') }} as raw
    inner join dropped_copies
        on dropped_copies.fetched_at = raw.fetched_at
        and dropped_copies.source_file = raw._source_file
        and dropped_copies.file_sha256 = raw._file_sha256
        and dropped_copies.source_line = raw._source_line
        and dropped_copies.record_index = raw._record_index
    inner join {{ ref('int_periodic_rating') }} as rating
        on rating.nip = raw.nip and rating.record_id = raw.record_id and rating.fetched_at = raw.fetched_at
    where raw.fetched_at in (select fetched_at from dropped_copies)
        and (raw.hasil_code is distinct from rating.hasil_code
            or raw.perilaku_code is distinct from rating.perilaku_code
            or raw.predikat_code is distinct from rating.stored_predikat_code
            or raw.period_start <> rating.period_start
            or raw.period_end <> rating.period_end)
),

-- per annual fetch of a person: does it show a predikat for the gated year? (gated years only)
annual_fetches as (
    select nip, tahun, fetched_at, bool_or(predikat_code is not null) as shows_predikat
    from {{ ref('stg_siasn__skp_tahunan') }}
    where tahun in (select skp_year from gates)
    group by nip, tahun, fetched_at
),

annual_seen as (
    select nip, tahun, min(fetched_at) as first_seen_at
    from annual_fetches
    where shows_predikat
    group by nip, tahun
),

-- a later annual response of the person without that year's predikat (no record of the year, or one without it)
annual_lost as (
    select annual_seen.nip, annual_seen.tahun, later.fetched_at, later.source_file
    from annual_seen
    inner join responses as later
        on later.endpoint = 'rw-skp22' and later.nip = annual_seen.nip and later.fetched_at > annual_seen.first_seen_at
    left join annual_fetches as shown
        on shown.nip = later.nip and shown.tahun = annual_seen.tahun and shown.fetched_at = later.fetched_at
    where not coalesce(shown.shows_predikat, false)
),

-- whose pay the annual SKP of a year decides in M: everyone rostered in a deferral month of that year, and
-- whoever waits in M for the release of a deferral
annual_dependent as (
    select roster.period, roster.nip, gates.skp_year
    from roster
    inner join gates on gates.deferred_period = roster.period
    union
    select period, nip, null from exposure where decides = 'release of a deferral'
),

predikat_lost as (
    select
        annual_dependent.period,
        annual_dependent.nip,
        'ANNUAL_PREDIKAT_LOST' as issue_code,
        annual_lost.source_file,
        null::integer as source_line,
        min(annual_lost.fetched_at) as fetched_at,
        1 as people,
        'the annual SKP ' || any_value(annual_lost.tahun) || ' shown earlier has no predikat in a later fetch' as detail,
        'ask the BKPSDM e-Kinerja admin whether the SKP was withdrawn; re-fetch the NIP, run the month again' as fix
    from annual_lost
    inner join annual_dependent
        on annual_dependent.nip = annual_lost.nip
        and (annual_dependent.skp_year is null or annual_dependent.skp_year = annual_lost.tahun)
    inner join months
        on months.period = annual_dependent.period and annual_lost.fetched_at <= months.cutoff_at
    group by annual_dependent.period, annual_dependent.nip, annual_lost.source_file
)

select * from response_quarantined
union all
select * from conflicts
union all
select * from copies_differ
union all
select * from predikat_lost
