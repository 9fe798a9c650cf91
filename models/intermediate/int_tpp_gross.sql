-- Gross TPP and deferral per rostered person and month (DOMAIN.md section 3, steps 1-7).
-- Money in integer rupiah; every percentage in basis points; each component floored where computed.
-- Incremental by month: a run replaces the months from its first on (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_run_months() }}") }}

with roster as (
    select * from {{ ref('stg_payroll__roster') }} where {{ run_months_only('period') }}
),

basis as (select * from {{ ref('rule_basic_tpp') }}),
status as (select * from {{ ref('rule_status_factor') }}),
shares as (select * from {{ ref('rule_aspect_share') }}),
productivity_pct as (select * from {{ ref('rule_productivity_pct') }}),
missing as (select * from {{ ref('rule_missing_input') }}),
gates as (select * from {{ ref('rule_skp_gate') }}),
rating as (select * from {{ ref('int_periodic_rating') }} where {{ run_months_only('period') }}),
attendance as (select * from {{ ref('int_attendance_deduction') }} where {{ run_months_only('period') }}),
arrears as (select * from {{ ref('fct_skp_arrears') }}),
months as (select * from {{ ref('int_payroll_months') }} where {{ run_months_only('period') }}),

ruled as (
    select
        -- only the roster columns the facts use: 11 M rows a national April, so names, accounts and other
        -- descriptive columns stay out (they are read from the roster where a report shows them)
        roster.period,
        roster.nip,
        roster.jenis_pegawai,
        roster.kedudukan,
        roster.kelas_jabatan,
        roster.opd_kode,
        roster.source_file,
        roster.source_line,
        {{ require('basis.amount', "'no basic TPP for kelas ' || roster.kelas_jabatan || ' in ' || roster.period") }} as basis_amount,
        basis.rule_id as basis_rule_id,
        {{ require(to_bp('status.factor_pct'), "'no status factor for ' || roster.jenis_pegawai || '/' || roster.kedudukan || ' in ' || roster.period") }} as factor_bp,
        status.rule_id as status_rule_id,
        {{ require(to_bp('prod_share.share_pct'), "'no productivity share in ' || roster.period") }} as prod_share_bp,
        prod_share.rule_id as prod_share_rule_id,
        {{ require(to_bp('disc_share.share_pct'), "'no discipline share in ' || roster.period") }} as disc_share_bp,
        disc_share.rule_id as disc_share_rule_id,
        rating.record_id as evaluation_record_id,
        rating.fetched_at as evaluation_fetched_at,
        rating.source_file as evaluation_source_file,
        rating.source_line as evaluation_source_line,
        rating.stored_predikat_code as predikat_code,
        rating.matrix_rule_id,
        months.cutoff_at,
        months.cutoff_rule_id,
        rating.matrix_predikat_code,
        rating.is_consistent,
        rating.has_conflict,
        attendance.deduction_bp_raw,
        attendance.discipline_rule_ids,
        attendance.source_file as attendance_source_file,
        attendance.source_line as attendance_source_line,
        gates.rule_id as skp_gate_rule_id,
        gates.skp_year
    from roster
    inner join months
        on months.period = roster.period
    left join basis
        on basis.kelas_jabatan = roster.kelas_jabatan and {{ in_effect('basis', 'roster.period') }}
    left join status
        on status.jenis_pegawai = roster.jenis_pegawai and status.kedudukan = roster.kedudukan
        and {{ in_effect('status', 'roster.period') }}
    left join shares as prod_share
        on prod_share.aspect = 'PRODUKTIVITAS' and {{ in_effect('prod_share', 'roster.period') }}
    left join shares as disc_share
        on disc_share.aspect = 'DISIPLIN' and {{ in_effect('disc_share', 'roster.period') }}
    left join rating
        on rating.nip = roster.nip and rating.period = roster.period
    left join attendance
        on attendance.nip = roster.nip and attendance.period = roster.period
    left join gates
        on gates.deferred_period = roster.period and {{ in_effect('gates', 'roster.period') }}
),

with_pct as (
    select
        ruled.*,
        case when ruled.evaluation_record_id is null then no_eval.rule_id else pct.rule_id end as productivity_rule_id,
        {{ require(to_bp("case when ruled.evaluation_record_id is null then no_eval.pct else pct.pct end"),
                   "'no productivity % for predikat ' || coalesce(cast(ruled.predikat_code as varchar), 'none') || ' in ' || ruled.period") }}
            as productivity_pct_bp,
        case
            when ruled.attendance_source_file is null
                then {{ require(to_bp('no_att.pct'), "'no NO_ATTENDANCE rule in ' || ruled.period") }}
            else least(cast(10000 as hugeint), ruled.deduction_bp_raw)   -- deductions over 100% stop at 100%
        end as discipline_deduction_bp,
        case when ruled.attendance_source_file is null then no_att.rule_id end as missing_attendance_rule_id,
        coalesce(arrears.in_arrears, false) and ruled.skp_gate_rule_id is not null as is_deferred
    from ruled
    left join productivity_pct as pct
        on pct.predikat_code = ruled.predikat_code and {{ in_effect('pct', 'ruled.period') }}
    left join missing as no_eval
        on no_eval.condition = 'NO_EVALUATION' and {{ in_effect('no_eval', 'ruled.period') }}
    left join missing as no_att
        on no_att.condition = 'NO_ATTENDANCE' and {{ in_effect('no_att', 'ruled.period') }}
    left join arrears
        on arrears.nip = ruled.nip and arrears.skp_year = ruled.skp_year
),

amounts as (
    select
        *,
        {{ floor_rupiah('basis_amount', 'factor_bp', 'prod_share_bp', 'productivity_pct_bp') }} as productivity_amount,
        {{ floor_rupiah('basis_amount', 'factor_bp', 'disc_share_bp', '(10000 - discipline_deduction_bp)') }} as discipline_amount
    from with_pct
)

select
    *,
    productivity_amount + discipline_amount as gross_amount,
    case when is_deferred then productivity_amount + discipline_amount else 0 end as deferred_amount
from amounts
