-- One row per payout line, ready for rendering (daftar nominatif): who, what, and every amount.
-- Incremental by month: a run replaces the months from its first on (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', tags=['monthly'],
          pre_hook="{{ delete_run_months() }}") }}

with entitlement as (
    select * from {{ ref('fct_tpp_entitlement') }} where {{ run_months_only('period') }}
),

roster as (
    select * from {{ ref('stg_payroll__roster') }} where {{ run_months_only('period') }}
),

reason_text as (
    select reason_code, keterangan, effective_from, effective_to from {{ ref('rule_reason_text') }}
),

texts as (   -- the reasons in Indonesian, as printed; a code without a text row is printed as the code
    select
        coded.period,
        coded.nip,
        string_agg(coalesce(reason_text.keterangan, coded.code), '; ' order by coded.position) as keterangan
    from (
        select period, nip, unnest(reasons) as code, generate_subscripts(reasons, 1) as position
        from entitlement
    ) as coded
    left join reason_text
        on reason_text.reason_code = coded.code and {{ in_effect('reason_text', 'coded.period') }}
    group by coded.period, coded.nip
),

predikat as (
    select distinct predikat_code, predikat_nama, effective_from, effective_to from {{ ref('rule_productivity_pct') }}
)

select
    entitlement.period,
    entitlement.opd_kode,
    roster.opd_nama,
    row_number() over (partition by entitlement.period, entitlement.opd_kode
                       order by entitlement.kelas_jabatan desc, entitlement.nip) as line_no,
    entitlement.nip,
    roster.nama,
    roster.jabatan,
    roster.golongan,
    entitlement.kelas_jabatan,
    entitlement.jenis_pegawai,
    entitlement.kedudukan,
    roster.rekening,
    {{ mask_account('roster.rekening') }} as rekening_masked,
    entitlement.basis_amount,
    entitlement.status_factor,
    entitlement.predikat_code,
    predikat.predikat_nama,
    entitlement.productivity_pct,
    entitlement.productivity_amount,
    entitlement.discipline_deduction_pct,
    entitlement.discipline_amount,
    entitlement.acting_amount,
    entitlement.acting_kind,
    entitlement.acting_jabatan,
    entitlement.gross_amount,
    entitlement.sanction_cut_amount,
    entitlement.working_hour_cut_amount,
    entitlement.cut_amount,
    entitlement.deferred_amount,
    entitlement.released_amount,
    entitlement.kurang_bayar_amount,
    entitlement.lebih_bayar_amount,
    entitlement.correction_amount,
    array_to_string(list_transform(entitlement.corrected_periods, lambda p: strftime(p, '%Y-%m')), ',')
        as corrected_periods,
    entitlement.payable_amount,
    entitlement.pph21_amount,
    entitlement.pph21_borne_by,
    entitlement.pph21_withheld_amount,
    entitlement.pph21_amount - entitlement.pph21_withheld_amount as pph21_government_amount,
    entitlement.bpjs_employee_amount,
    entitlement.bpjs_employer_amount,
    entitlement.net_amount,
    array_to_string(entitlement.reasons, ',') as reasons,
    coalesce(texts.keterangan, '') as keterangan
from entitlement
inner join roster
    on roster.nip = entitlement.nip and roster.period = entitlement.period
left join predikat
    on predikat.predikat_code = entitlement.predikat_code and {{ in_effect('predikat', 'entitlement.period') }}
left join texts
    on texts.nip = entitlement.nip and texts.period = entitlement.period
