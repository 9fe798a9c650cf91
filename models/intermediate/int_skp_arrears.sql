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

-- the first record with a predikat per person and gated year; only gated years are read (the others are never
-- joined), and a window keeps the whole first row: at national scale 3.4 s against 18.7 s for an arg_min of a
-- struct over every year
annual as (
    select
        records.nip,
        records.tahun,
        records.fetched_at as first_seen_at,
        records.record_id as first_seen_record_id,
        records.source_file as first_seen_source_file,
        records.source_line as first_seen_source_line
    from {{ ref('stg_siasn__skp_tahunan') }} as records
    semi join gates
        on gates.skp_year = records.tahun
    where records.predikat_code is not null
    qualify row_number() over (
        partition by records.nip, records.tahun
        order by records.fetched_at, records.source_file, records.source_line, records.record_index) = 1
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
