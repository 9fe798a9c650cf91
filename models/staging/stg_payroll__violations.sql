-- Working-hour violations BKPSDM found (landing payroll/violations/YYYY-MM.csv; Bontang's 15% cut, SE 1128/2025):
-- the current delivery of every month's file, one row per finding. A finding repeated in a later month's file is
-- one finding (the first file's row kept).
with source as (
    {{ current_payroll_delivery('violations') }}
),

renamed as (
    select
        source.period as delivered_for_period,
        source.nip,
        source.tanggal,
        cast(date_trunc('month', source.tanggal) as date) as violation_period,
        source.referensi,
        source._source_file as source_file,
        source._source_line as source_line,
        source._file_sha256 as file_sha256
    from source
)

select * from renamed
qualify row_number() over (partition by nip, tanggal, referensi order by delivered_for_period, source_line) = 1
