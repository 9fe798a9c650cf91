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


def _ipasn_tick(home, day: dt.date):
    ctx = dg.build_schedule_context(scheduled_execution_time=dt.datetime(day.year, day.month, day.day, 7, tzinfo=WITA),
                                    resources={"paths": KinerjaPaths(home=str(home))})
    return ipasn_yearly_schedule(ctx)


def test_ipasn_schedule_builds_year_y_the_day_after_its_deadline_in_the_warehouse(small_home):
    on = _ipasn_tick(small_home, dt.date(2025, 4, 1))   # rules.rule_skp_gate: SKP 2024's deadline is 31 March 2025
    assert isinstance(on, dg.RunRequest) and on.partition_key == "2024" and on.run_key == "ipasn-2024"
    assert isinstance(_ipasn_tick(small_home, dt.date(2025, 4, 2)), dg.SkipReason)


def test_ipasn_schedule_follows_the_deadline_in_effect_that_day(tmp_path):
    import duckdb
    # SKP 2024's deadline moved from 31 March to 30 April 2025 by a rule row in effect from 20 March: the old row ends
    # there, so neither 1 April (the old deadline's next day) nor a later day but 1 May asks for 2024
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema rules")
    con.execute("create table rules.rule_skp_gate as select * from (values "
                "('SKPGATE-2024-APR', 2024, date '2025-03-31', date '2025-03-01', date '2025-03-20'), "
                "('SKPGATE-2024-EXT', 2024, date '2025-04-30', date '2025-03-20', date '9999-12-31')) "
                "as t(rule_id, skp_year, deadline_date, effective_from, effective_to)")
    con.close()
    assert isinstance(_ipasn_tick(tmp_path, dt.date(2025, 4, 1)), dg.SkipReason)
    assert _ipasn_tick(tmp_path, dt.date(2025, 5, 1)).partition_key == "2024"


def test_ipasn_schedule_on_a_home_without_rules_says_why(tmp_path):
    skipped = _ipasn_tick(tmp_path, dt.date(2025, 4, 1))
    assert isinstance(skipped, dg.SkipReason)
    assert f"home {tmp_path} has no warehouse yet" in skipped.skip_message


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
