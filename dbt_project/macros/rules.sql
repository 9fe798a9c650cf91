{# A rule row applies to the month being paid, never to the run date: effective_from <= period < effective_to
   (effective_to: the next value of the same rule, see dated_rule). #}
{% macro in_effect(rule, period) -%}
    ({{ rule }}.effective_from <= {{ period }} and {{ period }} < {{ rule }}.effective_to)
{%- endmacro %}

{# Percent (decimal seed value) to integer basis points: 100% = 10000. Exact, no floats. #}
{% macro to_bp(pct) -%}
    cast({{ pct }} * 100 as hugeint)
{%- endmacro %}

{# floor(basis x f x share x pct) with every factor in basis points: integer arithmetic, floored once. #}
{% macro floor_rupiah(basis, factor_bp, share_bp, pct_bp) -%}
    cast((cast({{ basis }} as hugeint) * {{ factor_bp }} * {{ share_bp }} * {{ pct_bp }}) // cast(1000000000000 as hugeint) as bigint)
{%- endmacro %}

{# A rule that should exist but does not is an error, never a silent null or zero. #}
{% macro require(value, what) -%}
    coalesce({{ value }}, error({{ what }}))
{%- endmacro %}

{# A rule table as the models read it (models/rules): its values (seeds/values/<table>_values.csv), keyed by the
   rule's key and a date, each row in effect from its effective_from until the next value of the same key, so two
   rows of one rule can never overlap; and, said once per table in seeds/rule_sources.csv, its unit, legal basis,
   confidence and link, where the most specific rule-id pattern matching the row wins
   (the most literal characters, an exact id first). A duplicate, a row without a
   source or two equally specific sources stop the build. #}
{# table: the rule table's own name (in a unit test `this` is the test, not the model). #}
{% macro dated_rule(table, key) -%}
{%- set rule_key = key | join(', ') -%}
with rule_values as (
    select
        *,
        count(*) over (partition by {{ rule_key }}, effective_from) as versions_on_the_date,
        count(*) over (partition by rule_id) as rows_of_the_id
    from {{ ref(table ~ '_values') }}
),

sources as (
    -- the more literal characters the more specific; an exact rule id before a pattern as long (HUKDIS-S-%)
    select *, 2 * length(replace(rule_ids, '%', '')) + (position('%' in rule_ids) = 0)::int as specificity
    from {{ ref('rule_sources') }}
    where rule_table = '{{ table }}'
),

matched as (
    select
        rule_values.rule_id,
        sources.unit,
        sources.legal_basis,
        sources.confidence,
        sources.reference_url,
        count(*) over (partition by rule_values.rule_id, sources.specificity) as equally_specific
    from rule_values
    join sources on rule_values.rule_id like sources.rule_ids
    qualify row_number() over (partition by rule_values.rule_id order by sources.specificity desc) = 1
)

select
    rule_values.* exclude (versions_on_the_date, rows_of_the_id),
    coalesce(lead(rule_values.effective_from) over (partition by {{ rule_key }} order by rule_values.effective_from),
             date '9999-12-31') as effective_to,
    case
        when rule_values.rows_of_the_id > 1
            then error('{{ table }}: rule_id ' || rule_values.rule_id || ' is on more than one row')
        when rule_values.versions_on_the_date > 1
            then error('{{ table }}: two values of one rule from ' || rule_values.effective_from || ' (' || rule_values.rule_id || ')')
        when matched.rule_id is null
            then error('{{ table }}: no row of rule_sources.csv covers rule_id ' || rule_values.rule_id)
        when matched.equally_specific > 1
            then error('{{ table }}: two equally specific rule_sources rows cover ' || rule_values.rule_id)
        else matched.unit
    end as unit,
    matched.legal_basis,
    matched.confidence,
    matched.reference_url
from rule_values
left join matched on matched.rule_id = rule_values.rule_id
order by rule_values.rule_id
{%- endmacro %}
