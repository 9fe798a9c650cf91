-- One row per payout line, ready for rendering (daftar nominatif): who, what, and every amount.
-- Incremental by month: a run replaces the months from its first on (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail',
          pre_hook="{{ delete_run_months() }}") }}

with entitlement as (
    select * from {{ ref('fct_tpp_entitlement') }} where {{ run_months_only('period') }}
),

roster as (
    select * from {{ ref('stg_payroll__roster') }} where {{ run_months_only('period') }}
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
    entitlement.basis_amount,
    entitlement.status_factor,
    entitlement.predikat_code,
    predikat.predikat_nama,
    entitlement.productivity_pct,
    entitlement.productivity_amount,
    entitlement.discipline_deduction_pct,
    entitlement.discipline_amount,
    entitlement.gross_amount,
    entitlement.deferred_amount,
    entitlement.released_amount,
    entitlement.kurang_bayar_amount,
    entitlement.lebih_bayar_amount,
    array_to_string(list_transform(entitlement.corrected_periods, lambda p: strftime(p, '%Y-%m')), ',')
        as corrected_periods,
    entitlement.payable_amount,
    array_to_string(entitlement.reasons, ',') as reasons
from entitlement
inner join roster
    on roster.nip = entitlement.nip and roster.period = entitlement.period
left join predikat
    on predikat.predikat_code = entitlement.predikat_code and {{ in_effect('predikat', 'entitlement.period') }}
