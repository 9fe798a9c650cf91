-- Gross TPP, cuts and deferral per rostered person and month (DOMAIN.md section 3, steps 1-7; sections 9 and 10):
-- gross = productivity + discipline + acting (Plt/Plh) allowance; the sanction and working-hour cuts are taken from
-- the gross in the order of rule_cut_order, each at most what the earlier left; a deferred month defers what the
-- cuts leave.
-- Money in integer rupiah; every percentage in basis points; each component floored where computed.
-- Incremental by month: a run replaces the months from its first on (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', tags=['monthly'],
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
arrears as (select * from {{ ref('int_skp_arrears') }}),
months as (select * from {{ ref('int_payroll_months') }} where {{ run_months_only('period') }}),
sanction as (select * from {{ ref('int_sanction_month') }} where {{ run_months_only('period') }}),
working_hour as (select * from {{ ref('int_working_hour_month') }} where {{ run_months_only('period') }}),
acting as (select * from {{ ref('stg_payroll__acting') }} where {{ run_months_only('period') }}),
acting_rule as (select * from {{ ref('rule_acting_allowance') }}),
cut_order as (select * from {{ ref('rule_cut_order') }}),

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
        gates.skp_year,
        -- acting (Plt/Plh): the assignment, the acting post's basis, and whether it covers the whole month
        acting.jenis_plt as acting_kind,
        acting.acting_jabatan,
        acting.acting_kelas_jabatan,
        acting.acting_opd_kode,
        acting.tmt_mulai as acting_from,
        acting.tmt_selesai as acting_to,
        acting.source_file as acting_source_file,
        acting.source_line as acting_source_line,
        case when acting.nip is not null then
            {{ require('acting_basis.amount', "'no basic TPP for the acting kelas ' || acting.acting_kelas_jabatan || ' in ' || roster.period") }}
        end as acting_basis_amount,
        acting_rule.rule_id as acting_rule_id,
        acting_rule.method as acting_method,
        {{ to_bp('acting_rule.pct') }} as acting_pct_bp,
        acting.nip is not null
            and {{ require("case when acting.nip is null then true when acting_rule.min_period = 'FULL_CALENDAR_MONTH' then true end",
                           "'rule_acting_allowance: unknown min_period in ' || roster.period") }}
            and acting.tmt_mulai <= roster.period
            and (acting.tmt_selesai is null or acting.tmt_selesai >= last_day(roster.period)) as acting_covers_month,
        -- cuts: sanctions and working-hour findings of the month, and the order they are taken in
        coalesce(sanction.sanction_cut_bp, 0) as sanction_cut_bp,
        sanction.sanction_cut_base,
        sanction.sanction_rule_ids,
        sanction.sanction_combination_rule_id,
        sanction.sanction_sk_nomor,
        sanction.sanction_sources,
        coalesce(working_hour.working_hour_cut_bp, 0) as working_hour_cut_bp,
        working_hour.working_hour_cut_base,
        working_hour.working_hour_rule_id,
        working_hour.violation_referensi,
        working_hour.violation_sources,
        {{ require('sanction_order.apply_order', "'no rule_cut_order for SANCTION in ' || roster.period") }} as sanction_order,
        {{ require('working_order.apply_order', "'no rule_cut_order for WORKING_HOURS in ' || roster.period") }} as working_hour_order,
        [sanction_order.rule_id, working_order.rule_id] as cut_order_rule_ids
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
    left join acting
        on acting.nip = roster.nip and acting.period = roster.period
    left join basis as acting_basis
        on acting_basis.kelas_jabatan = acting.acting_kelas_jabatan and {{ in_effect('acting_basis', 'roster.period') }}
    left join acting_rule
        on acting.nip is not null
        and acting_rule.level = case when acting.acting_kelas_jabatan > roster.kelas_jabatan then 'HIGHER' else 'SAME_OR_LOWER' end
        and {{ in_effect('acting_rule', 'roster.period') }}
    left join sanction
        on sanction.nip = roster.nip and sanction.period = roster.period
    left join working_hour
        on working_hour.nip = roster.nip and working_hour.period = roster.period
    left join cut_order as sanction_order
        on sanction_order.component = 'SANCTION' and {{ in_effect('sanction_order', 'roster.period') }}
    left join cut_order as working_order
        on working_order.component = 'WORKING_HOURS' and {{ in_effect('working_order', 'roster.period') }}
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
        {{ productivity_aspect('basis_amount') }} as productivity_amount,
        {{ discipline_aspect('basis_amount') }} as discipline_amount,
        -- the acting post's TPP: its kelas's basis with the person's own status factor, predikat and attendance
        case when acting_basis_amount is not null then
            {{ productivity_aspect('acting_basis_amount') }} + {{ discipline_aspect('acting_basis_amount') }}
        end as acting_post_amount
    from with_pct
),

with_acting as (
    select
        *,
        cast(case
            when not acting_covers_month then 0
            when acting_method = 'OWN_PLUS_PCT_OF_ACTING' then (cast(acting_post_amount as hugeint) * acting_pct_bp) // 10000
            when acting_method = 'ACTING_POST' then greatest(acting_post_amount - (productivity_amount + discipline_amount), 0)
            when acting_method = 'HIGHER_PLUS_PCT_OF_LOWER' then
                greatest(acting_post_amount, productivity_amount + discipline_amount)
                + (cast(least(acting_post_amount, productivity_amount + discipline_amount) as hugeint) * acting_pct_bp) // 10000
                - (productivity_amount + discipline_amount)
            else error('rule_acting_allowance: no method for acting kelas ' || acting_kelas_jabatan || ' in ' || period)
        end as bigint) as acting_amount
    from amounts
),

grossed as (
    select *, productivity_amount + discipline_amount + acting_amount as gross_amount
    from with_acting
),

-- The two cuts in rule order: the first on the gross, the second at most what the first left, each on the gross
-- or (base REMAINING) on what the earlier cut left.
first_cut as (
    select
        *,
        sanction_order <= working_hour_order as sanction_first,
        case when sanction_order <= working_hour_order then sanction_cut_bp else working_hour_cut_bp end as first_bp,
        case when sanction_order <= working_hour_order then working_hour_cut_bp else sanction_cut_bp end as second_bp,
        case when sanction_order <= working_hour_order then working_hour_cut_base else sanction_cut_base end as second_base
    from grossed
),

first_taken as (
    select *, cast(least((cast(gross_amount as hugeint) * first_bp) // 10000, gross_amount) as bigint) as first_amount
    from first_cut
),

second_taken as (
    select
        *,
        cast(least(
            (cast(case when second_base = 'REMAINING' then gross_amount - first_amount else gross_amount end as hugeint)
             * second_bp) // 10000,
            gross_amount - first_amount) as bigint) as second_amount
    from first_taken
),

cuts as (
    select
        * exclude (sanction_first, first_bp, second_bp, second_base, first_amount, second_amount),
        case when sanction_first then first_amount else second_amount end as sanction_cut_amount,
        case when sanction_first then second_amount else first_amount end as working_hour_cut_amount
    from second_taken
)

select
    *,
    sanction_cut_amount + working_hour_cut_amount as cut_amount,
    case when is_deferred then gross_amount - sanction_cut_amount - working_hour_cut_amount else 0 end as deferred_amount
from cuts
