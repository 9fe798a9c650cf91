-- Acting assignments (Plt/Plh) in force during each month, from BKPSDM (landing payroll/acting/YYYY-MM.csv): the
-- current delivery of each month's file, one row per person.
with source as (
    {{ current_payroll_delivery('acting') }}
),

renamed as (
    select
        source.period,
        source.nip,
        source.jenis_plt,
        source.jabatan as acting_jabatan,
        cast(source.kelas_jabatan as integer) as acting_kelas_jabatan,
        source.opd_kode as acting_opd_kode,
        source.tmt_mulai,
        source.tmt_selesai,
        source.sk_nomor,
        source._source_file as source_file,
        source._source_line as source_line,
        source._file_sha256 as file_sha256
    from source
)

select * from renamed
