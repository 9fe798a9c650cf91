-- Is a month's delivery plausible as a whole? One row per delivered month and check, with the observed figure,
-- the threshold (rule_quality_threshold) and the verdict. The gate's critical suite `month_plausibility` fails a
-- month with any row not ok: a file can parse cleanly and still be the wrong file (a header-only roster pays
-- nobody; a partial export pays a fraction of the city).
with delivered as (
    select distinct period from {{ ref('stg_ingest__payroll_current') }} where source_name = 'roster'
),

roster_rows as (
    select delivered.period, count(roster.nip) as n
    from delivered
    left join {{ ref('stg_payroll__roster') }} as roster using (period)
    group by delivered.period
),

attendance_rows as (
    select period, count(*) as n from {{ ref('stg_payroll__attendance') }} group by period
),

evaluated as (
    select period, count(*) as n, count(evaluation_record_id) as with_evaluation
    from {{ ref('fct_tpp_entitlement') }}
    group by period
),

months as (
    select
        roster_rows.period,
        roster_rows.n as roster_rows,
        lag(roster_rows.n) over (order by roster_rows.period) as previous_roster_rows,
        lag(roster_rows.period) over (order by roster_rows.period) as previous_period,
        coalesce(attendance_rows.n, 0) as attendance_rows,
        coalesce(evaluated.n, 0) as entitlement_rows,
        coalesce(evaluated.with_evaluation, 0) as with_evaluation
    from roster_rows
    left join attendance_rows using (period)
    left join evaluated using (period)
),

thresholds as (
    select months.period, t.threshold, t.value, t.rule_id
    from months
    inner join {{ ref('rule_quality_threshold') }} as t
        on {{ in_effect('t', 'months.period') }}
),

checks as (
    select
        months.period,
        'roster_rows' as check_name,
        cast(months.roster_rows as decimal(18, 2)) as observed,
        t.value as threshold,
        months.roster_rows >= t.value as is_ok,
        months.roster_rows || ' rows on the roster' as detail,
        t.rule_id
    from months
    inner join thresholds as t on t.period = months.period and t.threshold = 'min_roster_rows'
    union all
    select
        months.period,
        'headcount_change',
        round(100.0 * abs(months.roster_rows - months.previous_roster_rows) / nullif(months.previous_roster_rows, 0), 2),
        t.value,
        -- the first month delivered has nothing to compare with
        months.previous_roster_rows is null
            or 100.0 * abs(months.roster_rows - months.previous_roster_rows) <= t.value * months.previous_roster_rows,
        months.roster_rows || ' rows against ' || coalesce(months.previous_roster_rows::varchar, 'none')
            || ' on ' || coalesce(strftime(months.previous_period, '%Y-%m'), 'no earlier roster'),
        t.rule_id
    from months
    inner join thresholds as t on t.period = months.period and t.threshold = 'max_headcount_change'
    union all
    select
        months.period,
        'attendance_rows',
        round(100.0 * abs(months.attendance_rows - months.roster_rows) / nullif(months.roster_rows, 0), 2),
        t.value,
        months.roster_rows > 0
            and 100.0 * abs(months.attendance_rows - months.roster_rows) <= t.value * months.roster_rows,
        months.attendance_rows || ' attendance rows for ' || months.roster_rows || ' roster rows',
        t.rule_id
    from months
    inner join thresholds as t on t.period = months.period and t.threshold = 'max_attendance_roster_gap'
    union all
    select
        months.period,
        'evaluation_coverage',
        round(100.0 * months.with_evaluation / nullif(months.entitlement_rows, 0), 2),
        t.value,
        months.entitlement_rows > 0 and 100.0 * months.with_evaluation >= t.value * months.entitlement_rows,
        months.with_evaluation || ' of ' || months.entitlement_rows || ' people paid on a periodic evaluation',
        t.rule_id
    from months
    inner join thresholds as t on t.period = months.period and t.threshold = 'min_evaluation_coverage'
)

select * from checks
