"""Roster and attendance CSV: each bad-input class gives one clear rejection naming line and field."""
from orchestration.lib.contract import ATTENDANCE_COLUMNS, ROSTER_COLUMNS
from orchestration.lib.parse_payroll import parse_payroll_csv

HEADER = ",".join(ROSTER_COLUMNS)
GOOD = "198609262015051001,Siti Rahman,PNS,AKTIF,III/b,Analis,FUNGSIONAL,8,2.02,Dinas Kesehatan,2015-05-01,1234567890"


def roster(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_good_row_is_typed():
    out = parse_payroll_csv("roster", "payroll/roster/2025-01.csv", roster(GOOD))
    assert out.rejections == [] and out.lines_landed == 1
    row = out.rows[0]
    assert row["kelas_jabatan"] == 8 and str(row["tmt"]) == "2015-05-01" and row["_source_line"] == 2


def test_each_roster_fault_class():
    rows = [
        GOOD.replace("198609262015051001", "19860926ABC5051001", 1),             # line 2 malformed NIP
        GOOD.replace("198609262015051001", "198613262015051001", 1),             # line 3 birth month 13
        GOOD.replace(",PNS,", ",HONORER,").replace("1001,", "1002,", 1),         # line 4 unknown code
        GOOD.replace("1001,", "1003,", 1).replace(",III/b,", ",X,"),             # line 5 golongan not PNS
        GOOD.replace("1001,", "1004,", 1).replace(",8,", ",18,"),                # line 6 kelas out of range
        GOOD.replace("1001,", "1005,", 1).replace("2015-05-01", "2016-05-01"),   # line 7 tmt vs NIP
        GOOD,                                                                    # line 8 duplicate of line 9
        GOOD,                                                                    # line 9
    ]
    data = roster(*rows)[:-1] + b"\n" + GOOD.replace("1001,", "1006,", 1).replace("Siti", "Jos\xe9").encode("latin-1") + b"\n"
    out = parse_payroll_csv("roster", "payroll/roster/2025-01.csv", data)
    got = sorted((r.source_line, r.field) for r in out.rejections)
    assert got == [(2, "nip"), (3, "nip"), (4, "jenis_pegawai"), (5, "golongan"), (6, "kelas_jabatan"),
                   (7, "tmt"), (8, "nip"), (9, "nip"), (10, "(encoding)")]
    assert out.rows == [] and out.lines_landed == 9 and out.rows_quarantined == 9
    msgs = {r.source_line: r.message for r in out.rejections}
    assert "HONORER" in msgs[4] and "expected one of PNS, CPNS, PPPK" in msgs[4]
    assert "lines 8, 9" in msgs[8]
    assert "0xE9" in msgs[10] and "UTF-8" in msgs[10]


def test_attendance_negative_count_and_missing_column():
    header = ",".join(ATTENDANCE_COLUMNS)
    good = "198609262015051001,21,1,0,0,0,0,0,0,0,0"
    out = parse_payroll_csv("attendance", "payroll/attendance/2025-01.csv",
                            f"{header}\n{good}\n198609262015051002,21,-2,0,0,0,0,0,0,0,0\n".encode())
    assert [(r.source_line, r.field) for r in out.rejections] == [(3, "tl1")]
    assert "must be >= 0" in out.rejections[0].message and len(out.rows) == 1
    no_psw4 = ",".join(c for c in ATTENDANCE_COLUMNS if c != "psw4")
    out = parse_payroll_csv("attendance", "payroll/attendance/2025-06.csv",
                            f"{no_psw4}\n198609262015051001,21,1,0,0,0,0,0,0,0\n".encode())
    assert [(r.source_line, r.field) for r in out.rejections] == [(2, "psw4")]
    assert "missing from the header" in out.rejections[0].message


def test_empty_file():
    out = parse_payroll_csv("roster", "payroll/roster/2025-01.csv", b"")
    assert [(r.source_line, r.field) for r in out.rejections] == [(0, "(file)")]


def test_each_salary_fault_class():
    from orchestration.lib.contract import SALARY_COLUMNS
    good = "198609262015051001,K/1,7500000,7000000,93750,70000,250000"
    rows = [good,                                                             # line 2 accepted
            good.replace("1001,K/1", "1002,K/4"),                             # line 3 PTKP status unknown
            good.replace("1001,", "1003,").replace(",7500000,", ",7.500.000,"),   # line 4 dots in an amount
            good.replace("1001,", "1004,").replace(",93750,", ",-1,"),        # line 5 negative PPh
            good.replace("1001,", "1005,").replace(",93750,", ",8000000,"),   # line 6 PPh above the salary
            good.replace("1001,", "1006,").replace(",70000,", ",7000001,")]   # line 7 BPJS above its base
    data = ("\n".join([",".join(SALARY_COLUMNS), *rows]) + "\n").encode()
    out = parse_payroll_csv("salary", "payroll/salary/2025-01.csv", data)
    assert sorted((r.source_line, r.field) for r in out.rejections) == [
        (3, "ptkp_status"), (4, "gaji_bruto"), (5, "pph21_gaji"), (6, "pph21_gaji"), (7, "jkn_employee_gaji")]
    assert [(r["nip"], r["ptkp_status"], r["gaji_bruto"], r["pph21_gaji"]) for r in out.rows] == [
        ("198609262015051001", "K/1", 7_500_000, 93_750)]
    assert out.lines_landed == 6 and out.rows_quarantined == 5
