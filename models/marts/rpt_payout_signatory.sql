-- Who signs each month's payout documents (rule_signatory in effect for the month): per OPD the Kepala OPD and the
-- Bendahara Pengeluaran, and for the city's Ringkasan the two officials of opd_kode KOTA. A null name is a
-- missing signatory: the gate warns (suite signatories_present) and the document leaves the line blank.
with opds as (
    select distinct period, opd_kode from {{ ref('fct_tpp_entitlement') }}
),

needed as (
    select opds.period, opds.opd_kode, roles.role
    from opds
    cross join (values ('KEPALA_OPD'), ('BENDAHARA')) as roles (role)
    union all
    select months.period, 'KOTA' as opd_kode, roles.role
    from (select distinct period from opds) as months
    cross join (values ('MENGETAHUI'), ('DISUSUN')) as roles (role)
)

select
    needed.period,
    needed.opd_kode,
    needed.role,
    signatory.nama,
    signatory.nip,
    signatory.jabatan,
    signatory.tempat,
    signatory.rule_id,
    signatory.legal_basis
from needed
left join {{ ref('rule_signatory') }} as signatory
    on signatory.opd_kode = needed.opd_kode and signatory.role = needed.role
    and {{ in_effect('signatory', 'needed.period') }}
