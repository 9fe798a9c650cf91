"""Payroll and BKPSDM CSVs: each bad-input class gives one clear rejection naming line and field."""
from orchestration.lib.contract import ATTENDANCE_COLUMNS, ROSTER_COLUMNS
from orchestration.lib.parse_payroll import parse_payroll_csv

HEADER = ",".join(ROSTER_COLUMNS)
GOOD = "198609262015051001,Siti Rahman,PNS,AKTIF,III/b,Analis,FUNGSIONAL,8,2.02,Dinas Kesehatan,2015-05-01,1234567890,"


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


def test_roster_tmt_jabatan_optional_and_checked():
    # an older delivery without the column: read, tmt_jabatan empty
    old_header = ",".join(c for c in ROSTER_COLUMNS if c != "tmt_jabatan")
    out = parse_payroll_csv("roster", "payroll/roster/2025-01.csv", f"{old_header}\n{GOOD[:-1]}\n".encode())
    assert out.rejections == [] and out.rows[0]["tmt_jabatan"] is None
    rows = [GOOD[:-1] + ",2025-03-20",                                     # line 2 a position start date
            GOOD.replace("1001,", "1002,", 1)[:-1] + ",20-03-2025",       # line 3 not ISO
            GOOD.replace("1001,", "1003,", 1)[:-1] + ",2014-01-01"]       # line 4 before the service start
    out = parse_payroll_csv("roster", "payroll/roster/2025-03.csv", roster(*rows))
    assert [(r.source_line, r.field) for r in out.rejections] == [(3, "tmt_jabatan"), (4, "tmt_jabatan")]
    assert str(out.rows[0]["tmt_jabatan"]) == "2025-03-20"
    assert "before the service start" in out.rejections[1].message


def test_each_bkpsdm_fault_class():
    from orchestration.lib.contract import ACTING_COLUMNS, SANCTION_COLUMNS, VIOLATION_COLUMNS
    nip = "198609262015051001"
    sanctions = [f"{nip},04,2025-10-15,800/HD-1,2025-10-01",        # line 2 accepted
                 f"{nip},05,2025-10-15,800/HD-2,2025-10-20",        # line 3 takes effect before its decree
                 f"{nip},,2025-10-15,800/HD-3,2025-10-01",          # line 4 no sanction type
                 f"{nip},04,15-10-2025,800/HD-4,2025-10-01",        # line 5 date not ISO
                 f"{nip},02,2025-11-03,800/HD-5,2025-11-01",        # lines 6, 7 the same decree twice
                 f"{nip},02,2025-11-03,800/HD-5,2025-11-01"]
    out = parse_payroll_csv("sanctions", "payroll/sanctions/2025-10.csv",
                            ("\n".join([",".join(SANCTION_COLUMNS), *sanctions]) + "\n").encode())
    assert sorted((r.source_line, r.field) for r in out.rejections) == [
        (3, "tmt_hukuman"), (4, "jenis_hukuman_id"), (5, "tmt_hukuman"), (6, "nip"), (7, "nip")]
    assert "with the same sk_nomor" in out.rejections[-1].message
    assert [r["sk_nomor"] for r in out.rows] == ["800/HD-1"] and out.rows_quarantined == 5
    # two findings of one person on different days are two rows; the same finding twice is a duplicate
    violations = [f"{nip},2025-11-05,LHP-1", f"{nip},2025-11-19,LHP-2", f"{nip},2025-11-19,LHP-2", f"{nip},2025-11-20,"]
    out = parse_payroll_csv("violations", "payroll/violations/2025-11.csv",
                            ("\n".join([",".join(VIOLATION_COLUMNS), *violations]) + "\n").encode())
    assert sorted((r.source_line, r.field) for r in out.rejections) == [(3, "nip"), (4, "nip"), (5, "referensi")]
    assert len(out.rows) == 1
    acting = [f"{nip},PLT,Plt. Kepala Bidang,12,1.01,2025-10-01,,821/1",        # line 2 open-ended: accepted
              f"{nip[:-1]}2,WAKIL,Kepala,12,1.01,2025-10-01,,821/2",         # line 3 unknown kind
              f"{nip[:-1]}3,PLH,Kepala,18,1.01,2025-10-01,,821/3",           # line 4 kelas out of range
              f"{nip[:-1]}4,PLH,Kepala,9,1.01,2025-10-10,2025-10-01,821/4"]  # line 5 ends before it starts
    out = parse_payroll_csv("acting", "payroll/acting/2025-10.csv",
                            ("\n".join([",".join(ACTING_COLUMNS), *acting]) + "\n").encode())
    assert sorted((r.source_line, r.field) for r in out.rejections) == [
        (3, "jenis_plt"), (4, "kelas_jabatan"), (5, "tmt_selesai")]
    assert out.rows[0]["tmt_selesai"] is None and out.rows[0]["kelas_jabatan"] == 12
