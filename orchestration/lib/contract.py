"""The landing contract (shared/ARCHITECTURE.md): file layout, columns and code sets.

These are the shape of the inputs, not payment rules: rule values live in dbt_project/seeds.
"""
import re

ROSTER_COLUMNS = [
    "nip", "nama", "jenis_pegawai", "kedudukan", "golongan", "jabatan", "jenis_jabatan",
    "kelas_jabatan", "opd_kode", "opd_nama", "tmt", "rekening", "tmt_jabatan",
]
# Columns a delivery may lack (files from before they were added): read as empty.
OPTIONAL_COLUMNS = {"roster": ("tmt_jabatan",)}
ATTENDANCE_COUNT_COLUMNS = ["tl1", "tl2", "tl3", "tl4", "psw1", "psw2", "psw3", "psw4", "tk"]
ATTENDANCE_COLUMNS = ["nip", "hari_kerja", *ATTENDANCE_COUNT_COLUMNS]
# From the salary system (SIMGAJI): what PPh 21 and BPJS Kesehatan on TPP build on (DOMAIN.md section 7).
SALARY_AMOUNT_COLUMNS = ["gaji_bruto", "jkn_base_gaji", "pph21_gaji", "jkn_employee_gaji", "pension_contribution"]
SALARY_COLUMNS = ["nip", "ptkp_status", *SALARY_AMOUNT_COLUMNS]
PTKP_STATUS = ("TK/0", "TK/1", "TK/2", "TK/3", "K/0", "K/1", "K/2", "K/3")
# From BKPSDM (DOMAIN.md sections 9 and 10), sent when it has cases: disciplinary sanctions not yet in SIASN
# (the SIASN jenisHukumanId and the SK), working-hour findings (Bontang, SE 1128/2025) and acting assignments.
SANCTION_COLUMNS = ["nip", "jenis_hukuman_id", "tmt_hukuman", "sk_nomor", "sk_tanggal"]
VIOLATION_COLUMNS = ["nip", "tanggal", "referensi"]
ACTING_COLUMNS = ["nip", "jenis_plt", "jabatan", "kelas_jabatan", "opd_kode", "tmt_mulai", "tmt_selesai", "sk_nomor"]
ACTING_KINDS = ("PLT", "PLH")

JENIS_PEGAWAI = ("PNS", "CPNS", "PPPK")
KEDUDUKAN = ("AKTIF", "CLTN", "DIBERHENTIKAN_SEMENTARA", "MPP", "TUGAS_BELAJAR")
JENIS_JABATAN = ("STRUKTURAL", "FUNGSIONAL", "PELAKSANA")
GOLONGAN_PNS = tuple(f"{g}/{r}" for g, rs in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"), ("IV", "abcde")) for r in rs)
GOLONGAN_PPPK = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
                 "XIV", "XV", "XVI", "XVII")
KELAS_JABATAN = range(1, 18)

SIASN_ENDPOINTS = ("rw-skp22", "rw-kinerjaperiodik", "rw-hukdis")
PAYROLL_SOURCES = ("roster", "attendance", "salary", "sanctions", "violations", "acting")   # payroll/<source>/YYYY-MM.csv
BKPSDM_SOURCES = ("sanctions", "violations", "acting")    # optional: no file for a month means no case that month
# What one row is: a second row with the same key is a duplicate (both quarantined).
ROW_KEYS = {"sanctions": ("nip", "sk_nomor"), "violations": ("nip", "tanggal", "referensi")}
RATING_CODES = (1, 2, 3)       # 1 di atas, 2 sesuai, 3 di bawah ekspektasi
PREDIKAT_CODES = (1, 2, 3, 4, 5)

MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.csv$")
