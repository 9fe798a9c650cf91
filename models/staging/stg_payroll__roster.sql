-- The current delivery of each month's roster: one row per person paid that month.
with source as (
    {{ current_payroll_delivery('roster') }}
),

renamed as (
    select
        source.period,
        source.nip,
        source.nama,
        source.jenis_pegawai,
        source.kedudukan,
        source.golongan,
        source.jabatan,
        source.jenis_jabatan,
        cast(source.kelas_jabatan as integer) as kelas_jabatan,
        source.opd_kode,
        source.opd_nama,
        source.tmt,
        source.rekening,
        source.tmt_jabatan,   -- when the position held this month began (a delivery without the column: null)
        source._source_file as source_file,
        source._source_line as source_line,
        source._file_sha256 as file_sha256
    from source
)

select * from renamed
