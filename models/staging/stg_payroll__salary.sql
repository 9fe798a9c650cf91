-- The current delivery of each month's salary figures from the salary system (SIMGAJI): what PPh 21 and BPJS
-- Kesehatan on TPP build on (DOMAIN.md section 7).
with source as (
    {{ current_payroll_delivery('salary') }}
),

renamed as (
    select
        source.period,
        source.nip,
        source.ptkp_status,
        cast(source.gaji_bruto as bigint) as gaji_bruto,
        cast(source.jkn_base_gaji as bigint) as jkn_base_gaji,
        cast(source.pph21_gaji as bigint) as pph21_gaji,
        cast(source.jkn_employee_gaji as bigint) as jkn_employee_gaji,
        cast(source.pension_contribution as bigint) as pension_contribution,
        source._source_file as source_file,
        source._source_line as source_line,
        source._file_sha256 as file_sha256
    from source
)

select * from renamed
