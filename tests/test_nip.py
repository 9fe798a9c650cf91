from orchestration.lib.nip import mask_nip, nip_error


def test_valid_pns_nip():
    assert nip_error("198609262015051001") is None


def test_pppk_nip_may_carry_21_as_tmt_month():
    assert nip_error("199001012022211001", "PPPK") is None
    assert nip_error("199001012022211001", "PNS") is not None


def test_malformed_and_impossible_nips():
    assert "18 digits" in nip_error("19860926ABC5051001")
    assert "18 digits" in nip_error("1986092620150510")
    assert "birth date" in nip_error("198613262015051001")     # month 13
    assert "birth date" in nip_error("198602302015051001")     # 30 February
    assert "TMT month" in nip_error("198609262015131001")
    assert "gender" in nip_error("198609262015053001")
    assert "before the holder could work" in nip_error("198609261990051001")


def test_mask_keeps_first_four_and_last_three():
    assert mask_nip("198609262015051001") == "1986***********001"
    assert "0926" not in mask_nip("198609262015051001")
