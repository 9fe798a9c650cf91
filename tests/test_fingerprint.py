"""The facts fingerprint the payout checks against the gate's: any changed, added or removed fact row of the
month changes it; other months and row order do not."""
import datetime as dt

import duckdb
import pytest

from orchestration.lib.fingerprint import month_fingerprint

APRIL, MAY = dt.date(2025, 4, 1), dt.date(2025, 5, 1)


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("""create table marts.fct_tpp_entitlement (nip varchar, period date, opd_kode varchar,
        basis_amount bigint, productivity_amount bigint, discipline_amount bigint, gross_amount bigint,
        deferred_amount bigint, released_amount bigint, correction_amount bigint, payable_amount bigint,
        reasons varchar[])""")
    con.execute("""insert into marts.fct_tpp_entitlement values
        ('198001012005011001', '2025-04-01', '1.01', 1000000, 600000, 400000, 1000000, 0, 0, 0, 1000000, []),
        ('198001012005011002', '2025-04-01', '1.01', 1000000, 480000, 400000, 880000, 880000, 0, 0, 0, ['SKP_ARREARS']),
        ('198001012005011001', '2025-05-01', '1.01', 1000000, 600000, 400000, 1000000, 0, 0, -50000, 950000, [])""")
    yield con
    con.close()


def test_the_same_facts_give_the_same_fingerprint_whatever_the_row_order(con):
    before = month_fingerprint(con, APRIL)
    con.execute("create table copy as select * from marts.fct_tpp_entitlement order by nip desc")
    con.execute("delete from marts.fct_tpp_entitlement")
    con.execute("insert into marts.fct_tpp_entitlement select * from copy")
    assert month_fingerprint(con, APRIL) == before


@pytest.mark.parametrize("change", [
    "update marts.fct_tpp_entitlement set payable_amount = payable_amount + 1 where nip like '%1' and period = '2025-04-01'",
    "update marts.fct_tpp_entitlement set correction_amount = 1 where nip like '%1' and period = '2025-04-01'",
    "update marts.fct_tpp_entitlement set reasons = [] where nip like '%2'",
    "delete from marts.fct_tpp_entitlement where nip like '%2'",
    "insert into marts.fct_tpp_entitlement select * from marts.fct_tpp_entitlement where nip like '%2'",
])
def test_a_changed_added_or_removed_fact_row_changes_the_fingerprint(con, change):
    before = month_fingerprint(con, APRIL)
    con.execute(change)
    assert month_fingerprint(con, APRIL) != before


def test_another_month_does_not_move_the_fingerprint(con):
    before = month_fingerprint(con, APRIL)
    con.execute("update marts.fct_tpp_entitlement set payable_amount = 0 where period = '2025-05-01'")
    assert month_fingerprint(con, APRIL) == before
    assert month_fingerprint(con, MAY) != month_fingerprint(con, dt.date(2025, 6, 1))
