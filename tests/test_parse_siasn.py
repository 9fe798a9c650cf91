"""Envelopes and quirks of SIASN responses, on hand-written lines."""
import datetime as dt
import json

from orchestration.lib.parse_siasn import parse_fetch_file

NIP = "198609262015051001"
RATER = "197001011995031002"
PERIODIC = {"id": "r1", "tahun": "2025", "nip": NIP, "hasilKinerjaNilai": "2", "perilakuKerjaNilai": "3",
            "kuadranKinerjaNilai": "4", "periodikId": "p", "periodikNama": "TRIWULAN", "bulanMulaiPenilaian": "1",
            "bulanSelesaiPenilaian": "3", "tahunMulaiPenilaian": "2025", "tahunSelesaiPenilaian": "2025",
            "penilaiNipNrp": RATER, "unorId": "u", "unorNama": "Dinas Kesehatan", "koefisenId": "1"}
ANNUAL = {"id": "a1", "tahun": "2024", "hasilKinerja": "SESUAI EKSPEKTASI", "hasilKinerjaNilai": "2",
          "perilakuKerja": "DIATAS EKSPEKTASI", "PerilakuKerjaNilai": "1", "kuadranKinerja": "BAIK",
          "KuadranKinerjaNilai": "2", "nipNrpPenilai": RATER, "namaPenilai": "X", "penilaiJabatanNm": "Kepala",
          "penilaiUnorNm": "Dinas", "pnsDinilaiId": "x", "statusPenilai": "ASN"}


def line(endpoint, body, status=200, nip=NIP, at="2025-04-03T08:00:00+08:00"):
    return json.dumps({"nip": nip, "endpoint": endpoint, "fetched_at": at, "http_status": status, "body": body})


def parse(endpoint, *lines):
    return parse_fetch_file(endpoint, f"siasn/{endpoint}/t.jsonl", ("\n".join(lines) + "\n").encode())


def test_data_list_and_data_data_envelopes_and_null():
    out = parse("rw-kinerjaperiodik",
                line("rw-kinerjaperiodik", {"code": 1, "data": [PERIODIC]}),
                line("rw-kinerjaperiodik", {"code": 1, "data": {"data": [PERIODIC]}}),
                line("rw-kinerjaperiodik", {"code": 1, "data": None}))
    assert (out.lines_landed, len(out.responses), len(out.records), out.rejections) == (3, 3, 2, [])
    assert [r["n_records"] for r in out.responses] == [1, 1, 0]
    rec = out.records[0]
    # numbers as strings become numbers; a quarterly record covers January..March
    assert (rec["hasil_code"], rec["perilaku_code"], rec["predikat_code"]) == (2, 3, 4)
    assert (rec["period_start"], rec["period_end"]) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    assert rec["fetched_at"] == dt.datetime(2025, 4, 3, 0, 0, tzinfo=dt.timezone.utc)   # 08:00 WITA
    assert rec["_source_line"] == 1 and out.records[1]["_source_line"] == 2


def test_rw_skp22_capitalised_keys():
    out = parse("rw-skp22", line("rw-skp22", {"code": 1, "data": [ANNUAL]}))
    rec = out.records[0]
    assert (rec["tahun"], rec["hasil_code"], rec["perilaku_code"], rec["predikat_code"]) == (2024, 2, 1, 2)
    assert rec["predikat_nama"] == "BAIK" and rec["penilai_nip"] == RATER


def test_bad_lines_are_quarantined_with_line_and_field():
    good = line("rw-kinerjaperiodik", {"code": 1, "data": [PERIODIC]})
    out = parse("rw-kinerjaperiodik",
                good,
                good[: len(good) // 2],                                                       # truncated
                line("rw-kinerjaperiodik", {"message": "Internal Server Error"}, status=500),  # HTTP 500
                line("rw-kinerjaperiodik", {"code": 1, "data": [{**PERIODIC, "hasilKinerjaNilai": "7"}, PERIODIC]}),
                line("rw-kinerjaperiodik", {"code": 1, "data": None}, at="2025-04-03T08:00:00"))  # no offset
    fields = [(r.source_line, r.field, r.record_index) for r in out.rejections]
    assert fields == [(2, "(json)", -1), (3, "http_status", -1), (4, "hasilKinerjaNilai", 0), (5, "fetched_at", -1)]
    assert "HTTP 500" in out.rejections[1].message and "re-fetch" in out.rejections[1].message
    assert "1986" in out.rejections[1].message and NIP not in out.rejections[1].message   # NIP masked
    # conservation: 5 lines = 2 accepted + 3 quarantined; 3 records in accepted lines = 2 + 1
    assert (out.lines_landed, len(out.responses), out.lines_quarantined) == (5, 2, 3)
    assert (out.records_landed, len(out.records), out.records_quarantined) == (3, 2, 1)


def test_empty_file_is_a_file_level_rejection():
    out = parse_fetch_file("rw-skp22", "siasn/rw-skp22/empty.jsonl", b"")
    assert out.lines_landed == 0 and [(r.source_line, r.field) for r in out.rejections] == [(0, "(file)")]
