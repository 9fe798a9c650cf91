{# The two aspects of a post's TPP from its basis (DOMAIN.md section 2), each floored to the rupiah: the person's own
   post and, for an acting official, the acting post, computed the same way (int_tpp_gross). #}
{% macro productivity_aspect(basis) -%}
    {{ floor_rupiah(basis, 'factor_bp', 'prod_share_bp', 'productivity_pct_bp') }}
{%- endmacro %}

{% macro discipline_aspect(basis) -%}
    {{ floor_rupiah(basis, 'factor_bp', 'disc_share_bp', '(10000 - discipline_deduction_bp)') }}
{%- endmacro %}
