-- Every accepted API response, also those with no records: "fetched and none found" is evidence too.
with source as (
    select * from {{ source('raw', 'siasn_response') }}
),

renamed as (
    select
        endpoint,
        nip,
        cast(http_status as integer) as http_status,
        cast(n_records as integer) as n_records,
        fetched_at,
        _source_file as source_file,
        _source_line as source_line,
        _file_sha256 as file_sha256
    from source
)

select * from renamed
