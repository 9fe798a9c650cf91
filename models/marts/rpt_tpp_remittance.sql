-- Per month and OPD, what the payout's deductions owe: PPh 21 on TPP to report and remit (withheld from the TPP,
-- and borne by the government) and BPJS Kesehatan due through TPP (the employees' 1% withheld plus the pemda's 4%).
-- For the tax return (SPT Masa PPh 21) and the BPJS payment; the payout workbook's Ringkasan shows the same sums.
select
    period,
    opd_kode,
    any_value(opd_nama) as opd_nama,
    count(*) as lines,
    -- lines without a salary row have no tax and no net: the gate blocks such a month (salary_inputs)
    count(*) filter (where net_amount is null) as lines_without_net,
    cast(sum(payable_amount) as bigint) as payable_amount,
    cast(sum(pph21_withheld_amount) as bigint) as pph21_withheld_amount,
    cast(sum(pph21_government_amount) as bigint) as pph21_government_amount,
    cast(sum(pph21_amount) as bigint) as pph21_amount,
    cast(sum(bpjs_employee_amount) as bigint) as bpjs_employee_amount,
    cast(sum(bpjs_employer_amount) as bigint) as bpjs_employer_amount,
    cast(sum(bpjs_employee_amount + bpjs_employer_amount) as bigint) as bpjs_due_amount,
    cast(sum(net_amount) as bigint) as net_amount
from {{ ref('rpt_tpp_payout') }}
group by period, opd_kode
