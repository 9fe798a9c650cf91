-- Disciplinary sanctions BKPSDM reports before SIASN has them (landing payroll/sanctions/YYYY-MM.csv): the current
-- delivery of every month's file. A sanction cuts the months its rule gives from its TMT, whichever month's file
-- brought it (int_sanction_month); the same decree in two files is one sanction, the later file's row kept.
with source as (
    {{ current_payroll_delivery('sanctions') }}
),

renamed as (
    select
        source.period as delivered_for_period,
        source.nip,
        source.jenis_hukuman_id,
        source.tmt_hukuman,
        source.sk_nomor,
        source.sk_tanggal,
        source._source_file as source_file,
        source._source_line as source_line,
        source._file_sha256 as file_sha256
    from source
)

select * from renamed
qualify row_number() over (partition by nip, sk_nomor order by delivered_for_period desc, source_line) = 1
