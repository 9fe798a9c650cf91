-- Discipline deduction per person and month: sum over attendance codes of count x rate (basis points).
with attendance as (
    select * from {{ ref('stg_payroll__attendance') }}
),

rates as (
    select * from {{ ref('rule_discipline_rate') }}
),

per_code as (
    unpivot attendance
    on tl1, tl2, tl3, tl4, psw1, psw2, psw3, psw4, tk
    into name attendance_code value occurrences
),

rated as (
    select
        per_code.period,
        per_code.nip,
        per_code.hari_kerja,
        per_code.attendance_code,
        per_code.occurrences,
        rates.rule_id,
        {{ require(to_bp('rates.rate_pct'), "'no discipline rate for ' || per_code.attendance_code || ' in ' || per_code.period") }} as rate_bp,
        per_code.source_file,
        per_code.source_line
    from per_code
    left join rates
        on rates.attendance_code = per_code.attendance_code and {{ in_effect('rates', 'per_code.period') }}
)

select
    period,
    nip,
    any_value(hari_kerja) as hari_kerja,
    cast(sum(occurrences * rate_bp) as bigint) as deduction_bp_raw,
    list(rule_id order by rule_id) filter (where occurrences > 0) as discipline_rule_ids,
    list(attendance_code || '=' || occurrences order by attendance_code) filter (where occurrences > 0) as attendance_counts,
    any_value(source_file) as source_file,
    any_value(source_line) as source_line
from rated
group by period, nip
