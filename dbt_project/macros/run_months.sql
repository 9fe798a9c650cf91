{#
  The per-month facts are incremental by month. A run sets KINERJA_PERIOD_FROM (YYYY-MM-01; kinerja run: its first
  month; the monthly job: its partition), and each of these models then replaces the months from there on and keeps
  the earlier ones as they were built. Every month is computed as of its own cutoff, and a month depends only on
  earlier months (a release pays a deferral of an earlier month), so the later months are rebuilt with it and no
  month is left built on a month that changed. Unset (a first build, --full-refresh, a bare `dbt build`): every month.
  An environment variable read only when executing, not a --var: a var is part of dbt's parse state, so each new
  month would re-parse the whole project.
  Once months are issued (DOMAIN.md section 8), every run also recomputes each issued month from the inputs as they
  stand now (the corrections compare it with what was issued) and rebuilds every open month after the last issued
  one (the first of them pays the corrections).
#}
{% macro run_months_only(period) -%}
    {%- set period_from = env_var('KINERJA_PERIOD_FROM', '') if execute else '' -%}
    {%- if period_from and is_incremental() -%}   {#- unit tests have no relation: is_incremental() cannot run there -#}
        ({{ period }} >= cast('{{ period_from }}' as date)
         or {{ period }} >= (select min(period) from {{ source('issued', 'months') }}))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{# pre-hook of an incremental fact: remove the months this run rebuilds (and the rows of `whole_source`, rebuilt
   whole on every run) #}
{% macro delete_run_months(whole_source=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ run_months_only('period') }}
        {%- if whole_source %} or source = '{{ whole_source }}'{% endif %}
    {%- endif -%}
{%- endmacro %}
