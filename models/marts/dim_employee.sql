-- Roster history: one row per person and stretch of months with the same attributes (valid_to exclusive).
-- Gaps and islands: consecutive months with the same attributes share (month's rank for the person) minus
-- (its rank among the person's months with those attributes). The attributes are compared as columns, not
-- through a hash of their concatenation: exact (NULLs included) and, at national scale, cheaper.
{% set attributes = "nama, jenis_pegawai, kedudukan, golongan, jabatan, jenis_jabatan, kelas_jabatan, opd_kode, tmt, rekening" %}
with islands as (
    select
        *,
        row_number() over (partition by nip order by period)
            - row_number() over (partition by nip, {{ attributes }} order by period) as island
    from {{ ref('stg_payroll__roster') }}
)

select
    nip,
    min(period) as valid_from,
    cast(max(period) + interval 1 month as date) as valid_to,
    {{ attributes }},
    count(*) as months_on_roster
from islands
group by nip, {{ attributes }}, island
