-- The published fct_skp_arrears: intermediate.int_skp_arrears (the logic) as marts serve it, so that intermediate models
-- read only intermediate and staging models.
{{ config(materialized='view') }}

select * from {{ ref('int_skp_arrears') }}
