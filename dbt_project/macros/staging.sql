{# Rows of the current delivery of a monthly payroll file (a corrected file replaces the previous one). #}
{% macro current_payroll_delivery(source_table) -%}
    select source.*
    from {{ source('raw', source_table) }} as source
    inner join {{ source('raw', 'payroll_current') }} as current_delivery
        on current_delivery.source = '{{ source_table }}'
        and source.period = current_delivery.period
        and source._file_sha256 = current_delivery.file_sha256
{%- endmacro %}

{# The same record in the same fetch delivered twice (a re-sent file) is kept once: the copy ranked 1 here, the
   first by file, line and record (the file's hash last, for two deliveries under one name). The annual staging
   table keeps it (one_per_fetched_record); stg_siasn__kinerja_periodik_fetches lists the others. #}
{% macro fetched_record_copy_rank() -%}
    row_number() over (
        partition by nip, record_id, fetched_at order by source_file, source_line, record_index, file_sha256
    )
{%- endmacro %}

{% macro one_per_fetched_record(relation) -%}
    select *
    from {{ relation }}
    qualify {{ fetched_record_copy_rank() }} = 1
{%- endmacro %}

{#
  The source rows to (re)deduplicate. In a full build: all of them. In an incremental build: every raw record
  fetched at a time (fetched_at) that a fetch file this table has not seen (path and bytes) holds. A key
  (nip, record_id, fetched_at) lies within one fetch time, so the row kept for each key is the one a full build
  keeps (the first by file, line, record); the model deletes and re-inserts whole fetch times (unique_key
  fetched_at), a cheap delete on one column where the three-column key joined millions of rows. Raw fetch
  files are append-only; after removing raw files, rebuild with --full-refresh.
#}
{% macro fetched_records_to_dedupe(source_table) -%}
    select * from {{ source('raw', source_table) }}
    {% if is_incremental() %}
    {#- joins, not `in (subquery)`: DuckDB pushes a join's key range into the Parquet scan and skips the row groups of
        earlier fetches (national April: 23 s against 36 s with the dedupe) #}
    semi join (
        select distinct fetched.fetched_at
        from {{ source('raw', source_table) }} as fetched
        anti join (select distinct source_file, file_sha256 from {{ this }}) as seen
            on seen.source_file = fetched._source_file and seen.file_sha256 = fetched._file_sha256
    ) as unseen_fetch_times using (fetched_at)
    {% endif %}
{%- endmacro %}

{# A bank account as every file outside the warehouse and the bank-transfer CSV shows it: all but the last 4 digits
   starred (personal data stays in the warehouse and the signed payout files). #}
{% macro mask_account(rekening) -%}
    coalesce(repeat('*', greatest(0, length({{ rekening }}) - 4)) || right({{ rekening }}, 4), '')
{%- endmacro %}
