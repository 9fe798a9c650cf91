-- PPh 21 and BPJS Kesehatan on the TPP paid in a month, and the net amount the bank transfers (DOMAIN.md section 7).
-- One row per open payout line (int_tpp_paid); integer rupiah, floored.
-- * BPJS Kesehatan through TPP: rate x min(salary base + TPP, cap), less what the salary already paid at that rate.
--   The employee's 1% is withheld; the employer's 4% is the pemda's cost (and enters the tax gross when
--   rule_tax_parameter employer_jkn_in_tax_gross says so).
-- * PPh 21, January-November: TER(gaji + TPP) x (gaji + TPP) less the PPh already on the salary that month (the
--   difference method); the TER category is the one of the PTKP status of the year's first salary row.
-- * PPh 21, the month of the annual recomputation (December): the year's tax by the Pasal 17 brackets on
--   gross - biaya jabatan - pension contributions - PTKP (PKP rounded down), less what the year's salary and TPP
--   already bore (issued months as issued). Negative: withheld too much, paid back with this TPP.
-- * Who bears it (rule_pph21_bearer): `employee` - withheld from the TPP (never more than the TPP can bear: the
--   rest is evened out in December); `government` - computed and reported, not withheld.
-- net = payable - PPh 21 withheld - BPJS employee part. No salary row: every figure null (the gate blocks).
-- Incremental by month (macros/run_months.sql), the year so far read whole: as a view beside the int_tpp_paid view,
-- fct_tpp_entitlement's join of the two ran out of DuckDB's 6 GB on a national month (5.6 M lines); from a table
-- it does not.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', tags=['monthly'],
          pre_hook="{{ delete_run_months() }}") }}

with lines as (
    select nip, period, jenis_pegawai, payable_amount from {{ ref('int_tpp_paid') }}
),

salary as (
    select * from {{ ref('stg_payroll__salary') }}
),

year_status as (
    select nip, year(period) as tax_year, arg_min(ptkp_status, period) as year_ptkp_status
    from salary
    group by all
),

tax_rules as (
    select
        periods.period,
        max(p.value) filter (where p.parameter = 'biaya_jabatan_pct') as biaya_jabatan_pct,
        cast(max(p.value) filter (where p.parameter = 'biaya_jabatan_annual_max') as bigint) as biaya_jabatan_max,
        cast(max(p.value) filter (where p.parameter = 'pkp_round_down_to') as bigint) as pkp_round,
        cast(max(p.value) filter (where p.parameter = 'annual_recompute_month') as integer) as annual_month,
        max(p.value) filter (where p.parameter = 'employer_jkn_in_tax_gross') = 1 as employer_jkn_in_gross,
        max(p.rule_id) filter (where p.parameter = 'employer_jkn_in_tax_gross') as jkn_gross_rule_id,
        list(p.rule_id order by p.rule_id) filter (where p.parameter <> 'employer_jkn_in_tax_gross') as annual_rule_ids
    from (select distinct period from lines) as periods
    inner join {{ ref('rule_tax_parameter') }} as p on {{ in_effect('p', 'periods.period') }}
    group by periods.period
),

based as (
    select
        lines.*,
        salary.ptkp_status,
        year_status.year_ptkp_status,
        salary.gaji_bruto,
        salary.jkn_base_gaji,
        salary.pph21_gaji,
        salary.jkn_employee_gaji,
        salary.pension_contribution,
        salary.source_file as salary_source_file,
        salary.source_line as salary_source_line,
        ptkp.ter_category,
        ptkp.annual_amount as ptkp_amount,
        ptkp.rule_id as ptkp_rule_id,
        bearer.borne_by,
        bearer.rule_id as bearer_rule_id,
        employee.pct as employee_pct,
        employer.pct as employer_pct,
        employee.cap_amount as bpjs_cap,
        [employee.rule_id, employer.rule_id] as bpjs_rule_ids,
        tax_rules.* exclude (period)
    from lines
    left join salary using (nip, period)
    left join year_status on year_status.nip = lines.nip and year_status.tax_year = year(lines.period)
    left join {{ ref('rule_ptkp') }} as ptkp
        on ptkp.ptkp_status = year_status.year_ptkp_status and {{ in_effect('ptkp', 'lines.period') }}
    left join {{ ref('rule_pph21_bearer') }} as bearer
        on bearer.jenis_pegawai = lines.jenis_pegawai and {{ in_effect('bearer', 'lines.period') }}
    left join {{ ref('rule_bpjs_kesehatan') }} as employee
        on employee.party = 'employee' and {{ in_effect('employee', 'lines.period') }}
    left join {{ ref('rule_bpjs_kesehatan') }} as employer
        on employer.party = 'employer' and {{ in_effect('employer', 'lines.period') }}
    left join tax_rules using (period)
),

bpjs as (
    select
        *,
        least(jkn_base_gaji + payable_amount, bpjs_cap) as bpjs_base_amount,
        -- DuckDB's greatest() skips nulls: without a salary row the figure must stay null, never 0
        case when jkn_base_gaji is not null then greatest(0,
            cast(least(jkn_base_gaji + payable_amount, bpjs_cap) * {{ to_bp('employee_pct') }} // 10000 as bigint)
            - jkn_employee_gaji) end as bpjs_employee_amount,
        case when jkn_base_gaji is not null then greatest(0,
            cast(least(jkn_base_gaji + payable_amount, bpjs_cap) * {{ to_bp('employer_pct') }} // 10000 as bigint)
            - cast(least(jkn_base_gaji, bpjs_cap) * {{ to_bp('employer_pct') }} // 10000 as bigint)) end
            as bpjs_employer_amount
    from based
),

grossed as (
    select
        *,
        gaji_bruto + payable_amount + case when employer_jkn_in_gross then bpjs_employer_amount else 0 end
            as tax_gross_amount
    from bpjs
),

ter as (
    select
        grossed.*,
        t.rate_bp as ter_rate_bp,
        t.rule_id as ter_rule_id,
        coalesce(month(grossed.period) = grossed.annual_month, false) as is_annual_month,
        -- nothing paid, nothing taxed: the salary's own PPh is the salary system's
        case when t.rate_bp is null then null
             when grossed.payable_amount > 0
             then greatest(0, cast(grossed.tax_gross_amount * t.rate_bp // 10000 as bigint) - grossed.pph21_gaji)
             else 0 end as ter_pph21_amount
    from grossed
    left join {{ ref('rule_pph21_ter') }} as t
        on t.category = grossed.ter_category
        and grossed.tax_gross_amount > t.gross_above
        and (t.gross_up_to_incl is null or grossed.tax_gross_amount <= t.gross_up_to_incl)
        and {{ in_effect('t', 'grossed.period') }}
),

monthly as (
    select
        *,
        -- least() skips nulls too: a null tax stays null
        case when ter_pph21_amount is null then null
             when borne_by = 'employee' then least(ter_pph21_amount, payable_amount - bpjs_employee_amount)
             else ter_pph21_amount end as month_pph21_amount
    from ter
),

year_before as (
    -- what the months before the recomputation bore: the open ones from here, the issued ones as issued
    select nip, period, tax_gross_amount, pension_contribution as pension_amount, pph21_gaji as pph21_gaji_amount,
           month_pph21_amount as pph21_amount
    from monthly
    where not is_annual_month
    union all by name
    select nip, period, tax_gross_amount, pension_amount, pph21_gaji_amount, pph21_amount
    from {{ ref('stg_issued__lines') }}
),

year_to_date as (
    select
        annual.nip,
        annual.period,
        coalesce(sum(before.tax_gross_amount), 0) as gross_before,
        coalesce(sum(before.pension_amount), 0) as pension_before,
        coalesce(sum(before.pph21_gaji_amount + before.pph21_amount), 0) as pph21_before
    from monthly as annual
    left join year_before as before
        on before.nip = annual.nip and year(before.period) = year(annual.period) and before.period < annual.period
    where annual.is_annual_month
    group by all
),

annual_base as (
    select
        monthly.nip,
        monthly.period,
        ytd.gross_before + monthly.tax_gross_amount as annual_gross_amount,
        least(cast((ytd.gross_before + monthly.tax_gross_amount) * {{ to_bp('monthly.biaya_jabatan_pct') }} // 10000 as bigint),
              monthly.biaya_jabatan_max) as biaya_jabatan_amount,
        ytd.pension_before + monthly.pension_contribution as annual_pension_amount,
        ytd.pph21_before as pph21_before_amount,
        monthly.ptkp_amount,
        monthly.pkp_round
    from monthly
    inner join year_to_date as ytd using (nip, period)
),

annual_pkp as (
    select
        *,
        greatest(0, annual_gross_amount - biaya_jabatan_amount - annual_pension_amount - ptkp_amount)
            // pkp_round * pkp_round as annual_pkp_amount
    from annual_base
),

annual as (
    select
        annual_pkp.*,
        coalesce(cast(sum(((least(annual_pkp.annual_pkp_amount, coalesce(b.pkp_up_to_incl, annual_pkp.annual_pkp_amount))
                   - b.pkp_above) * {{ to_bp('b.rate_pct') }}) // 10000) as bigint), 0) as annual_pph21_amount,
        coalesce(list(b.rule_id order by b.bracket_no) filter (where b.rule_id is not null), []) as bracket_rule_ids
    from annual_pkp
    left join {{ ref('rule_pph21_bracket') }} as b
        on annual_pkp.annual_pkp_amount > b.pkp_above and {{ in_effect('b', 'annual_pkp.period') }}
    group by all
),

taxed as (
    select
        monthly.*,
        annual.annual_gross_amount,
        annual.biaya_jabatan_amount,
        annual.annual_pension_amount,
        annual.annual_pkp_amount,
        annual.annual_pph21_amount,
        annual.pph21_before_amount,
        annual.bracket_rule_ids,
        case
            when not monthly.is_annual_month or monthly.month_pph21_amount is null then monthly.month_pph21_amount
            when monthly.borne_by = 'employee' then least(
                annual.annual_pph21_amount - annual.pph21_before_amount - monthly.pph21_gaji,
                monthly.payable_amount - monthly.bpjs_employee_amount)
            else annual.annual_pph21_amount - annual.pph21_before_amount - monthly.pph21_gaji
        end as pph21_amount
    from monthly
    left join annual using (nip, period)
)

select
    nip,
    period,
    ptkp_status,
    year_ptkp_status,
    ter_category,
    cast(gaji_bruto as bigint) as gaji_bruto_amount,
    cast(jkn_base_gaji as bigint) as jkn_base_gaji_amount,
    cast(pph21_gaji as bigint) as pph21_gaji_amount,
    cast(jkn_employee_gaji as bigint) as jkn_employee_gaji_amount,
    cast(pension_contribution as bigint) as pension_amount,
    cast(tax_gross_amount as bigint) as tax_gross_amount,
    cast(ter_rate_bp as integer) as ter_rate_bp,
    case when gaji_bruto is null then null when is_annual_month then 'PASAL_17_ANNUAL' else 'TER' end as pph21_method,
    cast(annual_gross_amount as bigint) as annual_gross_amount,
    cast(biaya_jabatan_amount as bigint) as biaya_jabatan_amount,
    cast(annual_pension_amount as bigint) as annual_pension_amount,
    cast(ptkp_amount as bigint) as ptkp_amount,
    cast(annual_pkp_amount as bigint) as annual_pkp_amount,
    cast(annual_pph21_amount as bigint) as annual_pph21_amount,
    cast(pph21_before_amount as bigint) as pph21_before_amount,
    cast(pph21_amount as bigint) as pph21_amount,
    borne_by as pph21_borne_by,
    cast(case when borne_by = 'employee' then pph21_amount when pph21_amount is not null then 0 end as bigint)
        as pph21_withheld_amount,
    cast(bpjs_base_amount as bigint) as bpjs_base_amount,
    cast(bpjs_employee_amount as bigint) as bpjs_employee_amount,
    cast(bpjs_employer_amount as bigint) as bpjs_employer_amount,
    cast(payable_amount - case when borne_by = 'employee' then pph21_amount when pph21_amount is not null then 0 end
         - bpjs_employee_amount as bigint) as net_amount,
    salary_source_file,
    cast(salary_source_line as integer) as salary_source_line,
    ptkp_rule_id,
    ter_rule_id,
    bearer_rule_id as pph21_bearer_rule_id,
    bpjs_rule_ids,
    jkn_gross_rule_id,
    case when is_annual_month then list_concat(annual_rule_ids, bracket_rule_ids) end as annual_rule_ids
from taxed
where {{ run_months_only('taxed.period') }}
