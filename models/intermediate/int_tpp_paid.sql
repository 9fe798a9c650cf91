-- The open months' payout lines before tax: the entitlement from the inputs as they stand now plus the corrections
-- of issued months each pays (DOMAIN.md section 8): payable = gross - cuts - deferred + released + correction,
-- correction = kurang bayar - lebih bayar. Every open month; fct_tpp_entitlement keeps the run's months and adds
-- PPh 21, BPJS Kesehatan and the net (int_tpp_tax).
{{ config(materialized='view') }}

with open_lines as (
    select * from {{ ref('int_tpp_recomputed') }}
    where period not in (select period from {{ ref('stg_issued__months') }})
),

corrections as (
    select
        nip,
        paid_in_period as period,
        sum(amount) filter (where amount > 0) as kurang_bayar_amount,
        -sum(amount) filter (where amount < 0) as lebih_bayar_amount,
        sum(amount) as correction_amount,
        list(distinct corrected_period order by corrected_period) as corrected_periods,
        max(offset_rule_id) as offset_rule_id
    from {{ ref('int_tpp_correction') }}
    where status = 'DUE'
    group by nip, paid_in_period
),

corrected as (
    select
        open_lines.nip,
        open_lines.period,
        open_lines.opd_kode,
        open_lines.kelas_jabatan,
        open_lines.jenis_pegawai,
        open_lines.kedudukan,
        open_lines.basis_amount,
        open_lines.status_factor,
        open_lines.predikat_code,
        open_lines.matrix_predikat_code,
        open_lines.productivity_pct,
        open_lines.productivity_amount,
        open_lines.discipline_deduction_pct,
        open_lines.discipline_amount,
        open_lines.acting_amount,
        open_lines.gross_amount,
        open_lines.sanction_cut_amount,
        open_lines.working_hour_cut_amount,
        open_lines.cut_amount,
        open_lines.deferred_amount,
        open_lines.released_amount,
        cast(coalesce(corrections.kurang_bayar_amount, 0) as bigint) as kurang_bayar_amount,
        cast(coalesce(corrections.lebih_bayar_amount, 0) as bigint) as lebih_bayar_amount,
        cast(coalesce(corrections.correction_amount, 0) as bigint) as correction_amount,
        cast(open_lines.payable_amount + coalesce(corrections.correction_amount, 0) as bigint) as payable_amount,
        list_concat(open_lines.reasons, list_filter([
            case when corrections.kurang_bayar_amount > 0 then 'KURANG_BAYAR' end,
            case when corrections.lebih_bayar_amount > 0 then 'LEBIH_BAYAR' end
        ], lambda reason: reason is not null)) as reasons,
        open_lines.released_deferrals_of,
        coalesce(corrections.corrected_periods, []) as corrected_periods,
        open_lines.roster_source_file,
        open_lines.roster_source_line,
        open_lines.attendance_source_file,
        open_lines.attendance_source_line,
        open_lines.evaluation_record_id,
        open_lines.evaluation_fetched_at,
        open_lines.evaluation_source_file,
        open_lines.evaluation_source_line,
        open_lines.cutoff_at,
        open_lines.acting_kind,
        open_lines.acting_jabatan,
        open_lines.acting_kelas_jabatan,
        open_lines.acting_from,
        open_lines.acting_to,
        open_lines.acting_covers_month,
        open_lines.acting_post_amount,
        open_lines.acting_source_file,
        open_lines.acting_source_line,
        open_lines.sanction_cut_pct,
        open_lines.sanction_sk_nomor,
        open_lines.sanction_sources,
        open_lines.working_hour_cut_pct,
        open_lines.violation_referensi,
        open_lines.violation_sources,
        open_lines.basis_rule_id,
        open_lines.status_rule_id,
        open_lines.prod_share_rule_id,
        open_lines.disc_share_rule_id,
        open_lines.productivity_rule_id,
        open_lines.matrix_rule_id,
        open_lines.cutoff_rule_id,
        open_lines.discipline_rule_ids,
        open_lines.missing_attendance_rule_id,
        open_lines.skp_gate_rule_id,
        open_lines.acting_rule_id,
        open_lines.sanction_rule_ids,
        open_lines.sanction_combination_rule_id,
        open_lines.working_hour_rule_id,
        open_lines.cut_order_rule_ids,
        corrections.offset_rule_id
    from open_lines
    left join corrections
        on corrections.nip = open_lines.nip and corrections.period = open_lines.period
)

select * from corrected
