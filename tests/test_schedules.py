"""Schedule and sensor definitions evaluate as intended (no run is launched)."""
import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.defs.resources import KinerjaPaths
from orchestration.defs.schedules import ipasn_yearly_schedule, monthly_schedule, payroll_file_sensor
from orchestration.demo.generator import generate_city
from orchestration.lib.months import parse_month

WITA = ZoneInfo("Asia/Makassar")


def test_monthly_schedule_runs_the_previous_month_on_the_6th():
    assert monthly_schedule.cron_schedule == "0 6 6 * *"
    ctx = dg.build_schedule_context(scheduled_execution_time=dt.datetime(2025, 5, 6, 6, 0, tzinfo=WITA))
    requests = monthly_schedule.evaluate_tick(ctx).run_requests
    assert [r.partition_key for r in requests] == ["2025-04"]


def test_ipasn_schedule_builds_year_y_the_day_after_its_deadline():
    on = ipasn_yearly_schedule(dg.build_schedule_context(scheduled_execution_time=dt.datetime(2025, 4, 1, 7, tzinfo=WITA)))
    assert isinstance(on, dg.RunRequest) and on.partition_key == "2024"
    off = ipasn_yearly_schedule(dg.build_schedule_context(scheduled_execution_time=dt.datetime(2025, 4, 2, 7, tzinfo=WITA)))
    assert isinstance(off, dg.SkipReason)


def test_payroll_sensor_requests_each_new_or_redelivered_file_once(tmp_path):
    generate_city(tmp_path, 20, parse_month("2025-01"), parse_month("2025-02"), seed=2)
    paths = KinerjaPaths(landing=str(tmp_path), home=str(tmp_path / "home"))
    first = payroll_file_sensor(dg.build_sensor_context(cursor=None, resources={"paths": paths}))
    assert sorted(r.partition_key for r in first.run_requests) == ["2025-01"] * 3 + ["2025-02"] * 3   # roster, attendance, salary
    again = payroll_file_sensor(dg.build_sensor_context(cursor=first.cursor, resources={"paths": paths}))
    assert again.run_requests == []
    roster = tmp_path / "payroll" / "roster" / "2025-02.csv"
    roster.write_text(roster.read_text().rsplit("\n", 2)[0] + "\n")          # a corrected re-delivery
    third = payroll_file_sensor(dg.build_sensor_context(cursor=again.cursor, resources={"paths": paths}))
    assert [r.partition_key for r in third.run_requests] == ["2025-02"]
