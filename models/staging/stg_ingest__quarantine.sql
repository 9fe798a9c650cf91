-- Every rejected landing row or record: what a person must fix, and where.
with source as (
    select * from {{ source('raw', 'quarantine') }}
),

renamed as (
    select
        source as source_name,
        source_file,
        source_line,
        record_index,
        field,
        value,
        message,
        file_sha256,
        nip,
        fetched_at
    from source
)

select * from renamed
