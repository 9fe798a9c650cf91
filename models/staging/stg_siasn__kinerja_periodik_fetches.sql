-- The dedupe of the periodic staging view, kept per fetch: one row per fetch time (fetched_at) and fetch file
-- holding it, with the records of that file which repeat an earlier copy of the same record in the same fetch
-- (a re-sent file). The view stg_siasn__kinerja_periodik is the raw records without those copies.
-- Why not a staging table: a monthly pull holds everyone's records of the year so far (10.5 M national records in
-- May's), and a table wrote them all again every month only to drop the rare repeat. This model reads the keys
-- of the new fetch times once, and writes a few thousand rows.
-- Incremental like the staging tables: a run rechecks only the fetch times of fetch files it has not seen, with
-- every raw record of those times, and replaces those fetch times whole (delete+insert on fetched_at), so the
-- copies dropped are the ones a full build drops (tests/test_incremental.py).
{{ config(materialized='incremental', incremental_strategy='delete+insert',
          unique_key='fetched_at', on_schema_change='fail') }}

with source as (
    {{ fetched_records_to_dedupe('kinerja_periodik') }}
),

keyed as (
    select
        nip,
        record_id,
        fetched_at,
        _source_file as source_file,
        _file_sha256 as file_sha256,
        _source_line as source_line,
        _record_index as record_index
    from source
),

repeated_keys as (
    select nip, record_id, fetched_at from keyed group by nip, record_id, fetched_at having count(*) > 1
),

-- every copy but the one kept (macros/staging.sql)
copies as (
    select fetched_at, source_file, file_sha256, source_line, record_index
    from keyed
    semi join repeated_keys using (nip, record_id, fetched_at)
    qualify {{ fetched_record_copy_rank() }} > 1
),

fetch_files as (
    select distinct fetched_at, source_file, file_sha256 from keyed
)

select
    fetch_files.fetched_at,
    fetch_files.source_file,
    fetch_files.file_sha256,
    coalesce(
        list({'source_line': copies.source_line, 'record_index': copies.record_index}
             order by copies.source_line, copies.record_index) filter (where copies.source_line is not null),
        []) as repeated_records
from fetch_files
left join copies using (fetched_at, source_file, file_sha256)
group by fetch_files.fetched_at, fetch_files.source_file, fetch_files.file_sha256
