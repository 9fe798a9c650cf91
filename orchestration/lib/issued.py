"""Issued months (DOMAIN.md section 8): once finance has paid a month, its payout is history.

`<home>/audit/issued/<YYYY-MM>/` holds what was issued, written once and never again:
- `lines.parquet`: the month's marts.fct_tpp_entitlement rows as issued (dbt reads them back as the facts of an
  issued month, and recomputes the month beside them to find corrections);
- `corrections.parquet`: the corrections paid in the month (marts.fct_tpp_correction rows), so a correction is
  paid once;
- `months.parquet`: one row (totals, files and their SHA-256, the run that issued it);
- `files/`: a copy of every payout file as issued (a run of an issued month puts back these bytes).
The folder appears whole (written aside, then renamed), so a month is issued or not, never half.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .raw_store import sha256_file
from .whole_files import ensure_schema_marker, write_whole

TZ = pa.timestamp("us", tz="UTC")
# The issued lines keep exactly the columns of marts.fct_tpp_entitlement (write_issue refuses a difference, so
# tests/test_corrections.py fails when the two drift apart), so dbt can read an issued month back as its facts.
LINE_SCHEMA = pa.schema([
    ("nip", pa.string()), ("period", pa.date32()), ("opd_kode", pa.string()), ("kelas_jabatan", pa.int32()),
    ("jenis_pegawai", pa.string()), ("kedudukan", pa.string()), ("basis_amount", pa.int64()),
    ("status_factor", pa.decimal128(9, 4)), ("predikat_code", pa.int32()), ("matrix_predikat_code", pa.int32()),
    ("productivity_pct", pa.decimal128(9, 2)), ("productivity_amount", pa.int64()),
    ("discipline_deduction_pct", pa.decimal128(9, 2)), ("discipline_amount", pa.int64()),
    ("acting_amount", pa.int64()), ("gross_amount", pa.int64()), ("sanction_cut_amount", pa.int64()),
    ("working_hour_cut_amount", pa.int64()), ("cut_amount", pa.int64()),
    ("deferred_amount", pa.int64()), ("released_amount", pa.int64()),
    ("kurang_bayar_amount", pa.int64()), ("lebih_bayar_amount", pa.int64()), ("correction_amount", pa.int64()),
    ("payable_amount", pa.int64()), ("reasons", pa.list_(pa.string())),
    ("released_deferrals_of", pa.list_(pa.date32())), ("corrected_periods", pa.list_(pa.date32())),
    ("roster_source_file", pa.string()), ("roster_source_line", pa.int32()),
    ("attendance_source_file", pa.string()), ("attendance_source_line", pa.int32()),
    ("evaluation_record_id", pa.string()), ("evaluation_fetched_at", TZ), ("evaluation_source_file", pa.string()),
    ("evaluation_source_line", pa.int32()), ("cutoff_at", TZ), ("basis_rule_id", pa.string()),
    ("status_rule_id", pa.string()), ("prod_share_rule_id", pa.string()), ("disc_share_rule_id", pa.string()),
    ("productivity_rule_id", pa.string()), ("matrix_rule_id", pa.string()), ("cutoff_rule_id", pa.string()),
    ("discipline_rule_ids", pa.list_(pa.string())), ("missing_attendance_rule_id", pa.string()),
    ("skp_gate_rule_id", pa.string()), ("offset_rule_id", pa.string()),
    # acting (Plt/Plh) and the sanction and working-hour cuts (models/intermediate/int_tpp_gross.sql)
    ("acting_kind", pa.string()), ("acting_jabatan", pa.string()), ("acting_kelas_jabatan", pa.int32()),
    ("acting_from", pa.date32()), ("acting_to", pa.date32()), ("acting_covers_month", pa.bool_()),
    ("acting_post_amount", pa.int64()), ("acting_source_file", pa.string()), ("acting_source_line", pa.int32()),
    ("sanction_cut_pct", pa.decimal128(9, 2)), ("sanction_sk_nomor", pa.list_(pa.string())),
    ("sanction_sources", pa.list_(pa.string())), ("working_hour_cut_pct", pa.decimal128(9, 2)),
    ("violation_referensi", pa.list_(pa.string())), ("violation_sources", pa.list_(pa.string())),
    ("acting_rule_id", pa.string()), ("sanction_rule_ids", pa.list_(pa.string())),
    ("sanction_combination_rule_id", pa.string()), ("working_hour_rule_id", pa.string()),
    ("cut_order_rule_ids", pa.list_(pa.string())),
    # PPh 21, BPJS Kesehatan and the net (models/intermediate/int_tpp_tax.sql)
    ("ptkp_status", pa.string()), ("year_ptkp_status", pa.string()), ("ter_category", pa.string()),
    *[(c, pa.int64()) for c in ("gaji_bruto_amount", "jkn_base_gaji_amount", "pph21_gaji_amount",
                                "jkn_employee_gaji_amount", "pension_amount", "tax_gross_amount")],
    ("ter_rate_bp", pa.int32()), ("pph21_method", pa.string()),
    *[(c, pa.int64()) for c in ("annual_gross_amount", "biaya_jabatan_amount", "annual_pension_amount", "ptkp_amount",
                                "annual_pkp_amount", "annual_pph21_amount", "pph21_before_amount", "pph21_amount")],
    ("pph21_borne_by", pa.string()),
    *[(c, pa.int64()) for c in ("pph21_withheld_amount", "bpjs_base_amount", "bpjs_employee_amount",
                                "bpjs_employer_amount", "net_amount")],
    ("salary_source_file", pa.string()), ("salary_source_line", pa.int32()), ("ptkp_rule_id", pa.string()),
    ("ter_rule_id", pa.string()), ("pph21_bearer_rule_id", pa.string()), ("bpjs_rule_ids", pa.list_(pa.string())),
    ("jkn_gross_rule_id", pa.string()), ("annual_rule_ids", pa.list_(pa.string()))])
# What a month paid of each correction (a part of a lebih bayar offset under the monthly limit, or all of it).
CORRECTION_SCHEMA = pa.schema([
    ("nip", pa.string()), ("corrected_period", pa.date32()), ("paid_in_period", pa.date32()),
    ("amount", pa.int64()), ("kind", pa.string())])
MONTH_SCHEMA = pa.schema([
    ("period", pa.date32()), ("issued_at", TZ), ("issued_by_run", pa.string()), ("code_version", pa.string()),
    ("lines", pa.int64()), ("gross_amount", pa.int64()), ("deferred_amount", pa.int64()),
    ("released_amount", pa.int64()), ("correction_amount", pa.int64()), ("payable_amount", pa.int64()),
    ("facts_fingerprint", pa.string()), ("files", pa.string())])
# A recorded decision (e.g. TGR, PP 38/2016) that a lebih bayar still open will not be recovered by offset.
WRITE_OFF_SCHEMA = pa.schema([
    ("nip", pa.string()), ("corrected_period", pa.date32()), ("amount", pa.int64()), ("decision", pa.string()),
    ("recorded_at", TZ)])
TABLES = {"lines": LINE_SCHEMA, "corrections": CORRECTION_SCHEMA, "months": MONTH_SCHEMA,
          "write_offs": WRITE_OFF_SCHEMA}
WITHDRAWN = "withdrawn"   # where defs/reports/withdraw.py moves a month's files when a later gate fails
MARKER = "_schema"   # audit/issued/_schema/<table>.parquet: dbt's globs match before the first issue


def issued_root(home: Path) -> Path:
    return Path(home) / "audit" / "issued"


def month_dir(home: Path, month: str) -> Path:
    return issued_root(home) / month


def ensure_issued_layout(home: Path) -> None:
    for table, schema in TABLES.items():
        ensure_schema_marker(issued_root(home) / MARKER, schema, f"{table}.parquet")


def issued_months(home: Path) -> list[str]:
    root = issued_root(home)
    return sorted(p.name for p in root.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9]")
                  if (p / "months.parquet").exists()) if root.exists() else []


def is_issued(home: Path, month: str) -> bool:
    return month in issued_months(home)


def issued_record(home: Path, month: str) -> dict:
    return pq.read_table(month_dir(home, month) / "months.parquet").to_pylist()[0]


def payout_files(folder: Path) -> dict[str, str]:
    """Every payout file under a month's reports folder (not the withdrawn ones) and its SHA-256."""
    return {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and WITHDRAWN not in p.relative_to(folder).parts}


def refusal(home: Path, month: str) -> str | None:
    """Why month may not be issued now (None: it may). Issued months form one run of months: a month after a
    gap would leave an open month between two issued ones, where no correction could be paid."""
    months = issued_months(home)
    if month in months:
        record = issued_record(home, month)
        return (f"{month} is already issued (run {record['issued_by_run'][:8]}, {record['lines']} lines, "
                f"payable Rp {record['payable_amount']:,}); an issued month never changes: a late or corrected "
                f"input becomes a correction in the next open month")
    if months:
        from .months import month_key, next_month, parse_month
        expected = month_key(next_month(parse_month(months[-1])))
        if month < months[0] or month != expected:
            return (f"{month} cannot be issued: issued months follow one another, and the next one is {expected} "
                    f"(issued: {months[0]}..{months[-1]})")
    return None


def write_issue(home: Path, month: str, lines: pa.Table, corrections: pa.Table, reports_dir: Path, record: dict) -> Path:
    """Record the month as issued, all of it or nothing."""
    missing, extra = set(LINE_SCHEMA.names) - set(lines.column_names), set(lines.column_names) - set(LINE_SCHEMA.names)
    if missing or extra:
        raise ValueError(f"marts.fct_tpp_entitlement and the issued line contract differ: missing {sorted(missing)}, "
                         f"not in the contract {sorted(extra)} (orchestration/lib/issued.py LINE_SCHEMA)")
    target = month_dir(home, month)
    scratch = target.with_name(f".{month}.issuing")
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "files").mkdir(parents=True)
    files = payout_files(reports_dir)
    for rel in files:
        (scratch / "files" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(reports_dir / rel, scratch / "files" / rel)
    pq.write_table(lines.select(LINE_SCHEMA.names).cast(LINE_SCHEMA), scratch / "lines.parquet")
    pq.write_table(corrections.select(CORRECTION_SCHEMA.names).cast(CORRECTION_SCHEMA), scratch / "corrections.parquet")
    row = {**record, "period": dt.date.fromisoformat(f"{month}-01"), "files": json.dumps(files, sort_keys=True)}
    pq.write_table(pa.Table.from_pylist([row], schema=MONTH_SCHEMA), scratch / "months.parquet")
    scratch.rename(target)
    return target


def restore_issued_files(home: Path, month: str, reports_dir: Path) -> list[str]:
    """Put back the issued bytes of every payout file of an issued month that is missing or differs (and remove
    files the issue did not hold); returns what was put back."""
    issued = json.loads(issued_record(home, month)["files"])
    archive = month_dir(home, month) / "files"
    now = payout_files(reports_dir) if reports_dir.exists() else {}
    restored = []
    for rel, sha in issued.items():
        if now.get(rel) != sha:
            (reports_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(archive / rel, reports_dir / rel)
            restored.append(rel)
    for rel in sorted(set(now) - set(issued)):
        (reports_dir / rel).unlink()
        restored.append(f"{rel} (removed: not issued)")
    return restored


def record_write_off(home: Path, nip: str, month: str, amount: int, decision: str) -> Path:
    """One decision, its own file (never rewritten): audit/issued/write-off-<hash>/write_offs.parquet."""
    row = {"nip": nip, "corrected_period": dt.date.fromisoformat(f"{month}-01"), "amount": amount,
           "decision": decision, "recorded_at": dt.datetime.now(dt.timezone.utc)}
    key = hashlib.sha256(json.dumps({**row, "recorded_at": str(row["recorded_at"])}, default=str).encode()).hexdigest()[:12]
    folder = issued_root(home) / f"write-off-{key}"
    folder.mkdir(parents=True, exist_ok=True)
    write_whole(pa.Table.from_pylist([row], schema=WRITE_OFF_SCHEMA), folder / "write_offs.parquet")
    return folder
