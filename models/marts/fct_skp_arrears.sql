-- One row per person and SKP year with a gate: was an annual SKP required, and was it seen by the deadline?
-- SIASN's annual record has no completion date: the first fetch that shows it is the evidence.
with gates as (
    select
        skp_year,
        required_tmt_on_or_before,
        deadline_date,
        deadline_end_exclusive,
        string_agg(rule_id, ',' order by rule_id) as skp_gate_rule_ids,
        any_value(legal_basis) as legal_basis,
        min(deferred_period) as first_deferred_period
    from {{ ref('rule_skp_gate') }}
    group by skp_year, required_tmt_on_or_before, deadline_date, deadline_end_exclusive
),

-- TMT as the deferred month's payroll knew it (DOMAIN.md section 3: only inputs delivered by a month's cutoff
-- count), so a TMT corrected on a later roster cannot change a deferral already paid when the month is re-run.
-- People first on a roster after that month take the TMT of their first roster.
people as (
    select
        roster.nip,
        gates.skp_year,
        coalesce(arg_max(roster.tmt, roster.period) filter (where roster.period <= gates.first_deferred_period),
                 arg_min(roster.tmt, roster.period)) as tmt
    from {{ ref('stg_payroll__roster') }} as roster
    cross join gates
    group by roster.nip, gates.skp_year
),

first_seen as (
    -- one arg_min picks the whole first record (one aggregate instead of three over every fetched record)
    select
        nip,
        tahun,
        arg_min({'fetched_at': fetched_at, 'record_id': record_id, 'source_file': source_file,
                 'source_line': source_line},
                (fetched_at, source_file, source_line, record_index)) as first_record
    from {{ ref('stg_siasn__skp_tahunan') }}
    where predikat_code is not null
    group by nip, tahun
),

annual as (
    select
        nip,
        tahun,
        first_record.fetched_at as first_seen_at,
        first_record.record_id as first_seen_record_id,
        first_record.source_file as first_seen_source_file,
        first_record.source_line as first_seen_source_line
    from first_seen
)

select
    people.nip,
    gates.skp_year,
    people.tmt,
    people.tmt <= gates.required_tmt_on_or_before as is_required,
    gates.deadline_date,
    gates.deadline_end_exclusive,
    annual.first_seen_at,
    annual.first_seen_record_id,
    annual.first_seen_source_file,
    annual.first_seen_source_line,
    people.tmt <= gates.required_tmt_on_or_before
        and (annual.first_seen_at is null or annual.first_seen_at >= gates.deadline_end_exclusive) as in_arrears,
    gates.skp_gate_rule_ids
from people
inner join gates
    on gates.skp_year = people.skp_year
left join annual
    on annual.nip = people.nip and annual.tahun = gates.skp_year
