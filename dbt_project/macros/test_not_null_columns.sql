{# A model's never-null columns, checked in one test: one row per listed column that holds nulls, with how many.
   One test node per column cost a city build about 35 ms of dbt's single Python core each (56 columns: about
   2 s of a 10 s build), and a national build one scan of the table per column; this is one node and one scan. #}
{% test not_null_columns(model, columns) %}
with null_rows as (
    select
    {%- for column in columns %}
        count(*) filter (where {{ column }} is null) as {{ adapter.quote(column) }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)

select column_name, null_rows
from (unpivot null_rows on columns(*) into name column_name value null_rows)
where null_rows > 0
{% endtest %}
