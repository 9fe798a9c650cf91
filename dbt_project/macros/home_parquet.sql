{#
  main.home_parquet(files[, by_name := true]): the Parquet files under this warehouse's own home (the folder of
  target.path, <home>/warehouse.duckdb), which every source of models/staging/_sources.yml reads. Defined by every
  dbt run (on-run-start) and kept in the warehouse, so its views work for every reader, as the absolute paths in
  them did before. The home is read when dbt runs, not when it parses: the parse state is the same for every home.
#}
{% macro define_home_parquet() -%}
  {%- set home = target.path.rsplit('/', 1)[0] | replace("'", "''") -%}
  create or replace macro main.home_parquet(files, by_name := false) as table
    select * from read_parquet('{{ home }}/' || files, union_by_name = by_name)
{%- endmacro %}
