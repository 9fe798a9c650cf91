"""GX's stored results are masked before the Data Docs are built from them: every NIP, and nothing else. The
national April gate once failed because an 18-digit fraction (unexpected_percent 0.025201612903225876) was masked
as if it were a NIP, which left the result file unreadable."""
import json

from orchestration.defs.quality.gx_runner import mask_nips_in_json
from orchestration.lib.nip import mask_nip

NIP, OTHER = "199001012015011001", "198512312010122002"


def test_nips_in_strings_are_masked_and_numbers_are_kept():
    result = {"unexpected_percent": 0.025201612903225876, "unexpected_percent_nonmissing": 0.025201612903225876,
              "tiny": 1.234567890123456789e-05, "count": 123456789012345678901, "negative": -0.123456789012345678,
              "partial_unexpected_list": [NIP, f"NIP {OTHER} twice"], "index": [{"nip": NIP, "opd_kode": "1.01"}],
              "escaped": f"a \"quoted\" {NIP}", "nip_as_number": int(OTHER)}
    data = json.dumps(result, indent=2).encode()
    masked = json.loads(mask_nips_in_json(data))
    assert masked["unexpected_percent"] == masked["unexpected_percent_nonmissing"] == 0.025201612903225876
    assert masked["tiny"] == 1.234567890123456789e-05 and masked["negative"] == -0.123456789012345678
    assert masked["count"] == 123456789012345678901          # 21 digits: not a NIP
    assert masked["partial_unexpected_list"] == [mask_nip(NIP), f"NIP {mask_nip(OTHER)} twice"]
    assert masked["index"] == [{"nip": mask_nip(NIP), "opd_kode": "1.01"}]
    assert masked["escaped"] == f"a \"quoted\" {mask_nip(NIP)}"
    assert masked["nip_as_number"] == mask_nip(OTHER)
    assert NIP.encode() not in mask_nips_in_json(data) and OTHER.encode() not in mask_nips_in_json(data)


def test_a_document_without_nips_is_unchanged_byte_for_byte():
    data = json.dumps({"success": True, "ratio": 0.025201612903225876, "rows": 5_600_000}, indent=2).encode()
    assert mask_nips_in_json(data) == data
