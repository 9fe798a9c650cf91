-- audit.pipeline_runs: every Dagster run on this home, whoever launched it (code version, input file hashes, dbt
-- invocation, checks, reports, status).
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
    report_files,
    status,
    launched_by,
    job,
    steps,
    ignored_files
from {{ source('audit_log', 'pipeline_runs') }}
