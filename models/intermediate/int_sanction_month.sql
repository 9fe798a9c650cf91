-- The disciplinary-sanction cut of each rostered person and month (DOMAIN.md section 10): every sanction in force
-- that month, from SIASN (/pns/rw-hukdis, as the fetches up to the month's payroll cutoff show it: the latest copy
-- of a record decides, one with an annulment decree cuts nothing) and from BKPSDM's file for sanctions SIASN does
-- not show yet (the same decree number in SIASN is SIASN's). A sanction cuts the months from the month of its TMT
-- for its rule's duration; several in one month combine by rule_cut_combination. Percentages in basis points.
{{ config(materialized='view') }}

with months as (
    select period, cutoff_at from {{ ref('int_payroll_months') }}
),

roster as (
    select nip, period from {{ ref('stg_payroll__roster') }}
),

siasn_as_of_cutoff as (
    select months.period, hukdis.*
    from {{ ref('stg_siasn__hukdis') }} as hukdis
    inner join months on hukdis.fetched_at <= months.cutoff_at
    qualify row_number() over (
        partition by months.period, hukdis.nip, hukdis.record_id
        order by hukdis.fetched_at desc, hukdis.source_file, hukdis.source_line, hukdis.record_index
    ) = 1
),

sanctions as (
    select period, nip, sk_nomor, jenis_hukuman_id, tmt_hukuman, 'SIASN' as origin,
           source_file || ':' || source_line || '#' || record_index as source_ref
    from siasn_as_of_cutoff
    where coalesce(sk_pembatalan_nomor, '') = ''
    union all
    select months.period, bkpsdm.nip, bkpsdm.sk_nomor, bkpsdm.jenis_hukuman_id, bkpsdm.tmt_hukuman, 'BKPSDM' as origin,
           bkpsdm.source_file || ':' || bkpsdm.source_line as source_ref
    from {{ ref('stg_payroll__sanctions') }} as bkpsdm
    cross join months
    anti join siasn_as_of_cutoff as siasn
        on siasn.period = months.period and siasn.nip = bkpsdm.nip and siasn.sk_nomor = bkpsdm.sk_nomor
),

ruled as (
    select
        sanctions.*,
        {{ require('rule.rule_id', "'no rule_sanction_cut for jenisHukumanId ' || sanctions.jenis_hukuman_id || ' (' || sanctions.source_ref || ') in ' || sanctions.period") }} as sanction_rule_id,
        {{ to_bp('rule.cut_pct') }} as cut_bp,
        rule.cut_base,
        rule.duration_months
    from sanctions
    semi join roster using (nip, period)
    left join {{ ref('rule_sanction_cut') }} as rule
        on rule.jenis_hukuman_id = sanctions.jenis_hukuman_id and {{ in_effect('rule', 'sanctions.period') }}
    where sanctions.period >= date_trunc('month', sanctions.tmt_hukuman)
),

in_force as (
    select * from ruled
    where period < date_trunc('month', tmt_hukuman) + to_months(duration_months)
),

combined as (
    select
        in_force.nip,
        in_force.period,
        {{ require("case combine.method when 'MAX' then max(in_force.cut_bp) when 'SUM_CAPPED' then least(sum(in_force.cut_bp), " ~ to_bp('combine.cap_pct') ~ ") end",
                   "'no rule_cut_combination for SANCTION (method MAX or SUM_CAPPED) in ' || in_force.period") }} as sanction_cut_bp,
        {{ require("case when count(distinct in_force.cut_base) = 1 then min(in_force.cut_base) end",
                   "'sanctions with different cut bases in one month: ' || in_force.period") }} as sanction_cut_base,
        list(in_force.sanction_rule_id order by in_force.sk_nomor) as sanction_rule_ids,
        list(in_force.sk_nomor order by in_force.sk_nomor) as sanction_sk_nomor,
        list(in_force.source_ref order by in_force.sk_nomor) as sanction_sources,
        combine.rule_id as sanction_combination_rule_id
    from in_force
    left join {{ ref('rule_cut_combination') }} as combine
        on combine.component = 'SANCTION' and {{ in_effect('combine', 'in_force.period') }}
    group by in_force.nip, in_force.period, combine.method, combine.cap_pct, combine.rule_id
)

select * from combined
