-- One row per rostered person and month: the TPP entitlement from the inputs as they stand now, its components,
-- reasons and provenance, before corrections of issued months. payable = gross - cuts - deferred + released (DOMAIN.md
-- section 3, step 9; gross includes the acting allowance, cuts are the sanction and working-hour cuts). For an open month it becomes the fact (marts.fct_tpp_entitlement, plus the corrections it
-- pays); for an issued month it is the recomputation the corrections compare with what was issued.
-- Incremental by month: a run replaces the months from its first on (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', tags=['monthly'],
          pre_hook="{{ delete_run_months() }}") }}

with gross as (
    select * from {{ ref('int_tpp_gross') }} where {{ run_months_only('period') }}
),

releases as (
    select nip, release_period as period, sum(released_amount) as released_amount,
           list(deferred_period order by deferred_period) as released_deferrals_of
    from {{ ref('int_tpp_deferral_ledger') }}
    where release_period is not null and {{ run_months_only('release_period') }}
    group by nip, release_period
)

select
    gross.nip,
    gross.period,
    gross.opd_kode,
    gross.kelas_jabatan,
    gross.jenis_pegawai,
    gross.kedudukan,
    cast(gross.basis_amount as bigint) as basis_amount,
    cast(gross.factor_bp / 10000 as decimal(9, 4)) as status_factor,
    gross.predikat_code,
    gross.matrix_predikat_code,
    cast(gross.productivity_pct_bp / 100 as decimal(9, 2)) as productivity_pct,
    gross.productivity_amount,
    cast(gross.discipline_deduction_bp / 100 as decimal(9, 2)) as discipline_deduction_pct,
    gross.discipline_amount,
    gross.acting_amount,
    gross.gross_amount,
    gross.sanction_cut_amount,
    gross.working_hour_cut_amount,
    gross.cut_amount,
    gross.deferred_amount,
    cast(coalesce(releases.released_amount, 0) as bigint) as released_amount,
    cast(gross.gross_amount - gross.cut_amount - gross.deferred_amount + coalesce(releases.released_amount, 0) as bigint)
        as payable_amount,
    list_filter([
        case when gross.evaluation_record_id is null then 'NO_EVALUATION' end,
        case when gross.attendance_source_file is null then 'NO_ATTENDANCE' end,
        case when gross.is_deferred then 'SKP_DEFERRED' end,
        case when releases.released_amount is not null then 'SKP_RELEASED' end,
        case when gross.factor_bp <> 10000 then 'STATUS_FACTOR' end,
        case when not gross.is_consistent then 'PREDIKAT_INCONSISTENT' end,
        case when gross.has_conflict then 'EVALUATION_CONFLICT' end,
        case when gross.acting_amount > 0 then 'ACTING' end,
        case when gross.sanction_cut_amount > 0 then 'SANCTION_CUT' end,
        case when gross.working_hour_cut_amount > 0 then 'WORKING_HOUR_CUT' end
    ], lambda reason: reason is not null) as reasons,
    releases.released_deferrals_of,
    -- provenance: the source rows used
    gross.source_file as roster_source_file,
    gross.source_line as roster_source_line,
    gross.attendance_source_file,
    gross.attendance_source_line,
    gross.evaluation_record_id,
    gross.evaluation_fetched_at,
    gross.evaluation_source_file,
    gross.evaluation_source_line,
    gross.cutoff_at,
    -- acting (Plt/Plh) and cuts: what decided them
    gross.acting_kind,
    gross.acting_jabatan,
    gross.acting_kelas_jabatan,
    gross.acting_from,
    gross.acting_to,
    gross.acting_covers_month,
    gross.acting_post_amount,
    gross.acting_source_file,
    gross.acting_source_line,
    cast(gross.sanction_cut_bp / 100 as decimal(9, 2)) as sanction_cut_pct,
    gross.sanction_sk_nomor,
    gross.sanction_sources,
    cast(gross.working_hour_cut_bp / 100 as decimal(9, 2)) as working_hour_cut_pct,
    gross.violation_referensi,
    gross.violation_sources,
    -- provenance: the rule rows used
    gross.basis_rule_id,
    gross.status_rule_id,
    gross.prod_share_rule_id,
    gross.disc_share_rule_id,
    gross.productivity_rule_id,
    gross.matrix_rule_id,
    gross.cutoff_rule_id,
    coalesce(gross.discipline_rule_ids, []) as discipline_rule_ids,
    gross.missing_attendance_rule_id,
    gross.skp_gate_rule_id,
    gross.acting_rule_id,
    gross.sanction_rule_ids,
    gross.sanction_combination_rule_id,
    gross.working_hour_rule_id,
    gross.cut_order_rule_ids
from gross
left join releases
    on releases.nip = gross.nip and releases.period = gross.period
