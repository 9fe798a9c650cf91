"""The one Definitions object: it only assembles what lives in orchestration/defs/."""
import dagster as dg

from orchestration.defs.dbt.assets import dbt_models
from orchestration.defs.dbt.project import dbt_resource
from orchestration.defs.ingest.assets import ledger_specs, raw_attendance, raw_roster, raw_siasn
from orchestration.defs.quality.assets import quality_gate
from orchestration.defs.reports.assets import ipasn_report, payout_report
from orchestration.defs.resources import paths_from_env

defs = dg.Definitions(
    assets=[raw_roster, raw_attendance, raw_siasn, *ledger_specs, dbt_models, quality_gate, payout_report, ipasn_report],
    resources={"paths": paths_from_env(), "dbt": dbt_resource()},
)
