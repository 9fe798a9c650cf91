{# Rows of the current delivery of a monthly payroll file (a corrected file replaces the previous one). #}
{% macro current_payroll_delivery(source_table) -%}
    select source.*
    from {{ source('raw', source_table) }} as source
    inner join {{ source('raw', 'payroll_current') }} as current_delivery
        on current_delivery.source = '{{ source_table }}'
        and source.period = current_delivery.period
        and source._file_sha256 = current_delivery.file_sha256
{%- endmacro %}

{# The same record in the same fetch delivered twice (a re-sent file) is kept once. #}
{% macro one_per_fetched_record(relation) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by nip, record_id, fetched_at order by source_file, source_line, record_index
    ) = 1
{%- endmacro %}
