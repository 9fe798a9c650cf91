-- Ratings per person, period month and source: the periodic evaluation that counted for each paid month
-- (as of its cutoff), and the latest annual SKP per year. Stored predikat is kept; the matrix flags conflicts.
-- Incremental by month: a run replaces the periodic rows from its first month on, and the annual rows (latest
-- fetch per year) whole (macros/run_months.sql).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', tags=['monthly'],
          pre_hook="{{ delete_run_months(whole_source='annual') }}") }}

with periodic as (
    select * from {{ ref('int_periodic_rating') }} where {{ run_months_only('period') }}
),

annual_records as (
    select * from {{ ref('stg_siasn__skp_tahunan') }}
),

matrix as (
    select * from {{ ref('rule_predikat_matrix') }}
),

annual_latest as (
    select *
    from annual_records
    qualify row_number() over (partition by nip, tahun order by fetched_at desc, source_file desc, source_line desc) = 1
),

annual as (
    select
        annual_latest.nip,
        make_date(annual_latest.tahun, 1, 1) as period,
        'annual' as source,
        annual_latest.record_id,
        annual_latest.fetched_at,
        annual_latest.hasil_code,
        annual_latest.perilaku_code,
        annual_latest.predikat_code as stored_predikat_code,
        matrix.predikat_code as matrix_predikat_code,
        annual_latest.predikat_code = matrix.predikat_code as is_consistent,
        matrix.rule_id as matrix_rule_id,
        annual_latest.penilai_nip,
        false as has_conflict,
        annual_latest.source_file,
        annual_latest.source_line
    from annual_latest
    left join matrix
        on matrix.hasil_code = annual_latest.hasil_code
        and matrix.perilaku_code = annual_latest.perilaku_code
        and {{ in_effect('matrix', 'make_date(annual_latest.tahun, 1, 1)') }}
)

select
    nip, period, 'periodic' as source, record_id, fetched_at, hasil_code, perilaku_code,
    stored_predikat_code, matrix_predikat_code, is_consistent, matrix_rule_id, penilai_nip, has_conflict,
    source_file, source_line
from periodic
union all
select
    nip, period, source, record_id, fetched_at, hasil_code, perilaku_code,
    stored_predikat_code, matrix_predikat_code, is_consistent, matrix_rule_id, penilai_nip, has_conflict,
    source_file, source_line
from annual
