-- The published fct_tpp_deferral_ledger: intermediate.int_tpp_deferral_ledger (the logic) as marts serve it, so that intermediate models
-- read only intermediate and staging models.
{{ config(materialized='view') }}

select * from {{ ref('int_tpp_deferral_ledger') }}
