{# A model's never-null columns, checked in one test: one row per listed column that holds nulls, with how many.
   One test node per column cost a city build about 35 ms of dbt's single Python core each (56 columns: about
   2 s of a 10 s build). Each column keeps its own `is null` filter: DuckDB answers it from the column's
   statistics when the column has no nulls (national, 56 columns: 0.08 s), where one pass counting every column
   at once reads the whole table (4-11 s). #}
{% test not_null_columns(model, columns) %}
{%- for column in columns %}
select '{{ column }}' as column_name, count(*) as null_rows
from {{ model }}
where {{ column }} is null
having count(*) > 0
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endtest %}
