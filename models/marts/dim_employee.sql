-- Roster history: one row per person and stretch of months with the same attributes (valid_to exclusive).
with roster as (
    select
        *,
        md5(concat_ws('|', nama, jenis_pegawai, kedudukan, golongan, jabatan, jenis_jabatan,
                      kelas_jabatan, opd_kode, tmt, rekening)) as attributes_hash
    from {{ ref('stg_payroll__roster') }}
),

islands as (
    select
        *,
        row_number() over (partition by nip order by period)
            - row_number() over (partition by nip, attributes_hash order by period) as island
    from roster
)

select
    nip,
    min(period) as valid_from,
    cast(max(period) + interval 1 month as date) as valid_to,
    any_value(nama) as nama,
    any_value(jenis_pegawai) as jenis_pegawai,
    any_value(kedudukan) as kedudukan,
    any_value(golongan) as golongan,
    any_value(jabatan) as jabatan,
    any_value(jenis_jabatan) as jenis_jabatan,
    any_value(kelas_jabatan) as kelas_jabatan,
    any_value(opd_kode) as opd_kode,
    any_value(tmt) as tmt,
    any_value(rekening) as rekening,
    count(*) as months_on_roster
from islands
group by nip, attributes_hash, island
