-- Agencies (OPD) seen on the roster, with their latest name and the months they had staff.
select
    opd_kode,
    arg_max(opd_nama, period) as opd_nama,
    min(period) as first_period,
    max(period) as last_period
from {{ ref('stg_payroll__roster') }}
group by opd_kode
