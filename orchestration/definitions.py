"""The one Definitions object: it only assembles what lives in orchestration/defs/."""
import dagster as dg

from orchestration.defs.audit import audit_run_failed, audit_run_succeeded
from orchestration.defs.dbt.assets import dbt_docs, dbt_month_facts, dbt_models
from orchestration.defs.dbt.project import dbt_resource
from orchestration.defs.executor import kinerja_executor
from orchestration.defs.ingest.assets import PAYROLL_ASSETS, ledger_specs, raw_siasn
from orchestration.defs.issue.assets import issued_payout
from orchestration.defs.quality.assets import quality_gate
from orchestration.defs.reports.assets import ipasn_report, payout_report
from orchestration.defs.resources import PAYOUT_RENDERERS, KinerjaPaths, WorkerPool
from orchestration.defs.schedules import (docs_job, ipasn_job, ipasn_yearly_schedule, issue_month_job, monthly_schedule,
                                          monthly_tpp_job, payroll_file_sensor, payroll_ingest_job)
from orchestration.defs.siasn.assets import SiasnSource, siasn_fetch

defs = dg.Definitions(
    assets=[siasn_fetch, *PAYROLL_ASSETS, raw_siasn, *ledger_specs, dbt_models, dbt_month_facts, dbt_docs, quality_gate,
            payout_report, ipasn_report, issued_payout],
    resources={"paths": KinerjaPaths(), "dbt": dbt_resource(), "workers": WorkerPool(),
               # started when a run over several months starts: its forkserver then serves the payout's workers too
               "gx_workers": WorkerPool(preload=["orchestration.defs.quality.gx_runner", *PAYOUT_RENDERERS],
                                        start_early=True),
               "siasn": SiasnSource(mode=dg.EnvVar("KINERJA_SIASN_SOURCE").get_value("files"))},
    jobs=[monthly_tpp_job, payroll_ingest_job, ipasn_job, docs_job, issue_month_job],
    schedules=[monthly_schedule, ipasn_yearly_schedule],
    sensors=[payroll_file_sensor, audit_run_succeeded, audit_run_failed],
    executor=kinerja_executor,
)


def monthly_tpp():
    """The job `kinerja run` launches (a module-level function, so the run can be reconstructed in a process)."""
    return defs.resolve_job_def("monthly_tpp")


def ipasn_yearly():
    return defs.resolve_job_def("ipasn_yearly")


def payroll_ingest():
    return defs.resolve_job_def("payroll_ingest")


def dbt_docs_job():
    return defs.resolve_job_def("dbt_docs")


def issue_month():
    return defs.resolve_job_def("issue_month")
