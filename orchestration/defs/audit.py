"""Every run lands in audit.pipeline_runs, whatever launched it: each step's hook rewrites the run's row as the
run goes (so a `dagster job execute` with no daemon is recorded), and run-status sensors write the final row
when the daemon sees the run end (a run killed or skipped after its last hook)."""
import dagster as dg

from orchestration.lib.audit import record_run

from .resources import KinerjaPaths


def _record(context: dg.HookContext) -> None:
    record_run(context.instance, context.run_id, context.resources.paths.home_dir, current_step=context.step_key)


@dg.success_hook(required_resource_keys={"paths"})
def audit_step_succeeded(context: dg.HookContext):
    _record(context)


@dg.failure_hook(required_resource_keys={"paths"})
def audit_step_failed(context: dg.HookContext):
    _record(context)


AUDIT_HOOKS = {audit_step_succeeded, audit_step_failed}


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, monitor_all_code_locations=False,
                      description="Writes the final audit.pipeline_runs row of every run that succeeded.")
def audit_run_succeeded(context: dg.RunStatusSensorContext, paths: KinerjaPaths):
    record_run(context.instance, context.dagster_run.run_id, paths.home_dir)


@dg.run_failure_sensor(monitor_all_code_locations=False,
                       description="Writes the final audit.pipeline_runs row of every run that failed or was stopped.")
def audit_run_failed(context: dg.RunFailureSensorContext, paths: KinerjaPaths):
    record_run(context.instance, context.dagster_run.run_id, paths.home_dir)
