import warnings

import dagster as dg

# Check results carry their month (AssetCheckSpec partitions_def): a Dagster feature still marked preview.
warnings.filterwarnings("ignore", category=dg.PreviewWarning)
# Every monthly asset takes a range of months in one step (a single-run backfill policy): a Dagster beta parameter.
warnings.filterwarnings("ignore", category=dg.BetaWarning, message="Parameter `backfill_policy`")
# A backfill of the job monthly_tpp runs month by month; an asset backfill (kinerja run, the UI's Materialize over a
# range) ingests, builds, gates and pays the whole range in one run (every partitioned asset's policy is a single run).
warnings.filterwarnings("ignore", message="Asset job .* materializes assets with varying BackfillPolicies")

# e-Kinerja became the TPP productivity basis in Bontang from January 2025.
monthly = dg.MonthlyPartitionsDefinition(start_date="2025-01", fmt="%Y-%m", timezone="Asia/Makassar")

# SKP years (rw-skp22 starts with 2022); the IPASN report for year Y is built once Y's SKP deadline has passed.
yearly = dg.TimeWindowPartitionsDefinition(cron_schedule="0 0 1 1 *", start="2022", fmt="%Y")
