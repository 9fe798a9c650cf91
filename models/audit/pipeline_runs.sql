-- audit.pipeline_runs: every `kinerja run` (code version, input file hashes, dbt invocation, checks, reports).
select
    run_id,
    started_at,
    finished_at,
    code_version,
    months,
    succeeded,
    failed_step,
    input_files,
    dbt_invocation_id,
    check_results,
    report_files
from {{ source('audit_log', 'pipeline_runs') }}
