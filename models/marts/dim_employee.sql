-- Roster history: one row per person and stretch of months with the same attributes (valid_to exclusive).
-- Most people keep one set of attributes over every month delivered: their one stretch is a plain group by
-- (a hash aggregate). Only people with more than one set (about 0.4% of a national roster) go through gaps and
-- islands, where consecutive months with the same attributes share (month's rank for the person) minus (its
-- rank among the person's months with those attributes): a sort over every roster row of every month took 2-3x
-- as long as the whole model now takes. The attributes are compared as columns, not through a hash of their
-- concatenation: exact, NULLs included (a group by and a partition by both treat NULLs as equal).
{% set attributes = "nama, jenis_pegawai, kedudukan, golongan, jabatan, jenis_jabatan, kelas_jabatan, opd_kode, tmt, rekening" %}
{#- the same stretch columns on both paths #}
{% set stretch = "min(period) as valid_from, cast(max(period) + interval 1 month as date) as valid_to, count(*) as months_on_roster" %}
with roster as (
    select period, nip, {{ attributes }} from {{ ref('stg_payroll__roster') }}
),

attribute_sets as (
    select nip, {{ attributes }}, {{ stretch }}
    from roster
    group by nip, {{ attributes }}
),

changed as (
    select nip from attribute_sets group by nip having count(*) > 1
),

islands as (
    select
        *,
        row_number() over (partition by nip order by period)
            - row_number() over (partition by nip, {{ attributes }} order by period) as island
    from roster
    semi join changed using (nip)
)

select *
from attribute_sets
anti join changed using (nip)

union all

select nip, {{ attributes }}, {{ stretch }}
from islands
group by nip, {{ attributes }}, island
