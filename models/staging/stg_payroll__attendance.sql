-- The current delivery of each month's attendance summary: counts per late/early band and absences.
with source as (
    {{ current_payroll_delivery('attendance') }}
),

renamed as (
    select
        source.period,
        source.nip,
        cast(source.hari_kerja as integer) as hari_kerja,
        cast(source.tl1 as integer) as tl1,
        cast(source.tl2 as integer) as tl2,
        cast(source.tl3 as integer) as tl3,
        cast(source.tl4 as integer) as tl4,
        cast(source.psw1 as integer) as psw1,
        cast(source.psw2 as integer) as psw2,
        cast(source.psw3 as integer) as psw3,
        cast(source.psw4 as integer) as psw4,
        cast(source.tk as integer) as tk,
        source._source_file as source_file,
        source._source_line as source_line,
        source._file_sha256 as file_sha256
    from source
)

select * from renamed
