import dagster as dg

# e-Kinerja became the TPP productivity basis in Bontang from January 2025.
monthly = dg.MonthlyPartitionsDefinition(start_date="2025-01", fmt="%Y-%m")
