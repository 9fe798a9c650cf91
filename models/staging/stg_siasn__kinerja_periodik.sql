-- Periodic evaluation records as fetched; the same record in the same fetch delivered twice is kept once (the
-- first by file, line and record). A view over the raw Parquet: the copies to drop are kept, per fetch, by
-- stg_siasn__kinerja_periodik_fetches, so a monthly build no longer writes the whole pull a second time.
with source as (
    select * from {{ source('raw', 'kinerja_periodik') }}
),

-- the copies to leave out, with their fetch times: none in almost every pull, so almost every row is kept by the
-- cheap test on fetched_at below. A plain anti join made DuckDB hash every raw row (the list's size is unknown
-- when it plans): the key test over the view took 12.5 s nationally, 3.0 s this way.
repeated_records as (
    select fetched_at, source_file, file_sha256, unnest(repeated_records, recursive := true)
    from {{ ref('stg_siasn__kinerja_periodik_fetches') }}
    where len(repeated_records) > 0
),

renamed as (
    select
        source.nip,
        source.record_id,
        cast(source.tahun as integer) as tahun,
        cast(source.hasil_code as integer) as hasil_code,
        cast(source.perilaku_code as integer) as perilaku_code,
        cast(source.predikat_code as integer) as predikat_code,
        source.period_start,
        source.period_end,
        source.periodik_nama,
        source.penilai_nip,
        source.unor_id,
        source.unor_nama,
        source.fetched_at,
        source._source_file as source_file,
        source._source_line as source_line,
        source._record_index as record_index,
        source._file_sha256 as file_sha256
    from source
    where source.fetched_at not in (select fetched_at from repeated_records)
        or not exists (
            select 1
            from repeated_records
            where repeated_records.source_file = source._source_file
                and repeated_records.file_sha256 = source._file_sha256
                and repeated_records.source_line = source._source_line
                and repeated_records.record_index = source._record_index
        )
)

select * from renamed
