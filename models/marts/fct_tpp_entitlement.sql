-- One row per rostered person and month: the TPP entitlement, its components, the tax and contributions on it,
-- the net amount the bank transfers, reasons and provenance.
-- An issued month: its lines as issued, never rewritten (DOMAIN.md section 8). An open month: int_tpp_paid (the
-- entitlement from the inputs as they stand now, plus the corrections of issued months it pays:
-- payable = gross - cuts - deferred + released + correction) with int_tpp_tax (PPh 21, BPJS Kesehatan,
-- net = payable - PPh 21 withheld - BPJS employee part; DOMAIN.md section 7).
-- Incremental by month: a run replaces the months from its first on (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', tags=['monthly'],
          pre_hook="{{ delete_run_months() }}") }}

with issued_months as (
    select period from {{ ref('stg_issued__months') }}
),

open_lines as (
    select paid.*, tax.* exclude (nip, period)
    from {{ ref('int_tpp_paid') }} as paid
    left join {{ ref('int_tpp_tax') }} as tax using (nip, period)
    where {{ run_months_only('paid.period') }}
)

select * from open_lines
union all by name
select * from {{ ref('stg_issued__lines') }}
where {{ run_months_only('period') }} and period in (select period from issued_months)
