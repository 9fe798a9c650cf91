-- One row per ingested landing file with its counts: landed = accepted + quarantined.
with source as (
    select * from {{ source('raw', 'landed_file') }}
),

renamed as (
    select
        ingest_key,
        file_sha256,
        source as source_name,
        source_file,
        period,
        size_bytes,
        lines_landed,
        lines_accepted,
        lines_quarantined,
        records_landed,
        records_accepted,
        records_quarantined,
        file_rejections
    from source
)

select * from renamed
