-- Annual SKP records as fetched. SIASN gives no completion date: the fetch time is the evidence.
-- A table, not a view: the dedupe window over every fetched record would otherwise run again for each
-- consumer and each data test (at national scale, tens of millions of records each time). Incremental: a
-- monthly run dedupes only the fetch times of the fetch files it has not seen and replaces those fetch times
-- whole (delete+insert on fetched_at), which gives the rows a full build gives (tests/test_incremental.py).
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='fetched_at', on_schema_change='fail') }}

with source as (
    {{ fetched_records_to_dedupe('skp_tahunan') }}
),

renamed as (
    select
        nip,
        record_id,
        cast(tahun as integer) as tahun,
        cast(hasil_code as integer) as hasil_code,
        cast(perilaku_code as integer) as perilaku_code,
        cast(predikat_code as integer) as predikat_code,
        predikat_nama,
        penilai_nip,
        penilai_unor,
        status_penilai,
        fetched_at,
        _source_file as source_file,
        _source_line as source_line,
        _record_index as record_index,
        _file_sha256 as file_sha256
    from source
),

deduplicated as (
    {{ one_per_fetched_record('renamed') }}
)

select * from deduplicated
