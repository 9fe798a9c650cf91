-- Which delivery (file hash) of each month's roster and attendance file is current.
with source as (
    select * from {{ source('raw', 'payroll_current') }}
),

renamed as (
    select
        source as source_name,
        period,
        file_sha256,
        source_file
    from source
)

select * from renamed
