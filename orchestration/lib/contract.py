"""The landing contract (shared/ARCHITECTURE.md): file layout, columns and code sets.

These are the shape of the inputs, not payment rules: rule values live in dbt_project/seeds.
"""
import re

ROSTER_COLUMNS = [
    "nip", "nama", "jenis_pegawai", "kedudukan", "golongan", "jabatan", "jenis_jabatan",
    "kelas_jabatan", "opd_kode", "opd_nama", "tmt", "rekening",
]
ATTENDANCE_COUNT_COLUMNS = ["tl1", "tl2", "tl3", "tl4", "psw1", "psw2", "psw3", "psw4", "tk"]
ATTENDANCE_COLUMNS = ["nip", "hari_kerja", *ATTENDANCE_COUNT_COLUMNS]
# From the salary system (SIMGAJI): what PPh 21 and BPJS Kesehatan on TPP build on (DOMAIN.md section 7).
SALARY_AMOUNT_COLUMNS = ["gaji_bruto", "jkn_base_gaji", "pph21_gaji", "jkn_employee_gaji", "pension_contribution"]
SALARY_COLUMNS = ["nip", "ptkp_status", *SALARY_AMOUNT_COLUMNS]
PTKP_STATUS = ("TK/0", "TK/1", "TK/2", "TK/3", "K/0", "K/1", "K/2", "K/3")

JENIS_PEGAWAI = ("PNS", "CPNS", "PPPK")
KEDUDUKAN = ("AKTIF", "CLTN", "DIBERHENTIKAN_SEMENTARA", "MPP", "TUGAS_BELAJAR")
JENIS_JABATAN = ("STRUKTURAL", "FUNGSIONAL", "PELAKSANA")
GOLONGAN_PNS = tuple(f"{g}/{r}" for g, rs in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"), ("IV", "abcde")) for r in rs)
GOLONGAN_PPPK = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
                 "XIV", "XV", "XVI", "XVII")
KELAS_JABATAN = range(1, 18)

SIASN_ENDPOINTS = ("rw-skp22", "rw-kinerjaperiodik")
PAYROLL_SOURCES = ("roster", "attendance", "salary")   # payroll/<source>/YYYY-MM.csv
RATING_CODES = (1, 2, 3)       # 1 di atas, 2 sesuai, 3 di bawah ekspektasi
PREDIKAT_CODES = (1, 2, 3, 4, 5)

MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.csv$")
