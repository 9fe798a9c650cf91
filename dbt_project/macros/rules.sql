{# A rule row applies to the month being paid, never to the run date: effective_from <= period < effective_to. #}
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
