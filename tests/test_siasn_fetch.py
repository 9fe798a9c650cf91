"""The SIASN client against the fake server: auth, refresh, retries, malformed JSON, resume, no secrets."""
import datetime as dt
import json
import logging

import pytest

from orchestration.demo.fake_siasn import OAUTH_PATH, SSO_PATH, TEST_CREDENTIALS, FakeSiasn, Faults
from orchestration.demo.generator import generate_city
from orchestration.lib.ingest import ingest_siasn_file
from orchestration.lib.months import parse_month
from orchestration.lib.siasn_client import SiasnClient, SiasnSettings
from orchestration.lib.siasn_fetch import fetch_endpoint, roster_nips

WITA = dt.timezone(dt.timedelta(hours=8))
APRIL_FETCH = dt.datetime(2025, 5, 3, 8, 0, tzinfo=WITA)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    landing = tmp_path_factory.mktemp("city")
    generate_city(landing, 60, parse_month("2025-03"), parse_month("2025-05"), seed=21)
    return landing


def settings(url: str, **over) -> SiasnSettings:
    values = dict(base_url=f"{url}/apisiasn/1.0", oauth_url=url + OAUTH_PATH, sso_url=url + SSO_PATH,
                  rate_per_second=1000, concurrency=4, backoff_base=0.01, **TEST_CREDENTIALS)
    return SiasnSettings(**{**values, **over})


@pytest.fixture
def server(city):
    fake = FakeSiasn(city, clock=APRIL_FETCH)
    url = fake.start()
    yield fake, url
    fake.stop()


def fetch(fake, url, city, out, endpoint="rw-kinerjaperiodik", **kw):
    client = SiasnClient(settings(url, **kw.pop("settings", {})), now=lambda: APRIL_FETCH,
                         sleep=kw.pop("sleep", lambda s: None))
    try:
        nips = roster_nips(city, dt.date(2025, 4, 1))
        return client, nips, fetch_endpoint(client, out, endpoint, "month-2025-04", nips, show_progress=False, **kw)
    finally:
        client.close()


def test_both_auth_headers_on_every_call(server, city, tmp_path):
    fake, url = server
    client, nips, result = fetch(fake, url, city, tmp_path)
    assert result.fetched == len(nips) and fake.api_calls == len(nips)
    assert all(h["Authorization"].startswith("Bearer oauth-token-") and h["Auth"].startswith("Bearer sso-token-")
               for h in fake.seen_headers)
    assert fake.token_requests == {"oauth": 1, "sso": 1}          # cached, not fetched per call


def test_refresh_on_401_and_retry_on_429_and_500_with_retry_after(server, city, tmp_path):
    fake, url = server
    fake.faults = Faults(expire_tokens_every=13, rate_limit_every=5, retry_after_seconds=2, server_error_every=11)
    slept = []
    # One worker: the fake's every-Nth-call faults then land on the same calls every run (with four, an unlucky
    # interleaving can give one NIP more failures in a row than the client retries, which is correct behaviour).
    client, nips, result = fetch(fake, url, city, tmp_path, sleep=slept.append, settings={"concurrency": 1})
    lines = [json.loads(l) for l in result.path.read_text().splitlines()]
    assert len(lines) == len(nips) and all(l["http_status"] == 200 for l in lines)
    assert client.stats.refreshes_on_401 > 0 and fake.token_requests["oauth"] > 1
    assert 2.0 in slept                                            # Retry-After honoured
    assert client.stats.calls == fake.api_calls > len(nips)


def test_data_utama_has_the_real_shape(server, city, tmp_path):
    fake, url = server
    client = SiasnClient(settings(url))
    try:
        nip = roster_nips(city, dt.date(2025, 4, 1))[0]
        status, raw, _ = client.get("data-utama", nip)
    finally:
        client.close()
    data = json.loads(raw)["data"]
    assert status == 200 and data["nipBaru"] == nip
    assert data["tglLahir"] == f"{nip[6:8]}-{nip[4:6]}-{nip[0:4]}"          # DD-MM-YYYY as SIASN sends it


def test_malformed_json_is_kept_and_quarantined_downstream_with_its_line(server, city, tmp_path):
    fake, url = server
    nips = roster_nips(city, dt.date(2025, 4, 1))
    fake.faults = Faults(malformed_nips={nips[3]})
    _, _, result = fetch(fake, url, city, tmp_path)
    lines = result.path.read_text().splitlines()
    bad_line = next(i for i, l in enumerate(lines, start=1) if json.loads(l)["nip"] == nips[3])
    assert isinstance(json.loads(lines[bad_line - 1])["body"], str)       # raw body kept as received
    ingested = ingest_siasn_file(tmp_path, tmp_path / "home", "rw-kinerjaperiodik", result.path.relative_to(tmp_path).as_posix())
    assert [(r.source_line, r.field) for r in ingested.rejections] == [(bad_line, "body")]


def test_resume_after_interruption_fetches_only_the_missing_nips(server, city, tmp_path):
    fake, url = server
    with pytest.raises(KeyboardInterrupt):
        fetch(fake, url, city, tmp_path, stop_after=10)
    part = tmp_path / "siasn" / "rw-kinerjaperiodik" / "month-2025-04.jsonl.part"
    first = {json.loads(l)["nip"] for l in part.read_text().splitlines()}
    assert len(first) == 10
    fake.calls_by_nip.clear()
    _, nips, result = fetch(fake, url, city, tmp_path)
    assert {nip for (_, nip) in fake.calls_by_nip} == set(nips) - first
    assert all(n == 1 for n in fake.calls_by_nip.values())
    lines = [json.loads(l)["nip"] for l in result.path.read_text().splitlines()]
    assert sorted(lines) == sorted(nips) and not part.exists()


def test_no_secret_in_logs_errors_or_files(server, city, tmp_path, caplog):
    fake, url = server
    fake.faults = Faults(expire_tokens_every=3, server_error_every=4)
    with caplog.at_level(logging.DEBUG):
        client, _, result = fetch(fake, url, city, tmp_path)
    text = caplog.text + result.path.read_text() + repr(client.s)
    for secret in TEST_CREDENTIALS.values():
        assert secret not in text
    assert "Bearer" not in text
    bad = SiasnClient(settings(url, client_secret="wrong-secret"))
    with pytest.raises(Exception) as err:
        bad.get("rw-skp22", "198609262015051001")
    assert "wrong-secret" not in str(err.value) and "HTTP 401" in str(err.value)


def test_fetching_the_city_from_the_fake_server_gives_the_same_marts(tmp_path):
    """Replay every fetch run of a generated city through the fake API (periodic and annual evaluations, sanctions);
    the marts come out the same."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from conftest import query
    generated, fetched = tmp_path / "generated", tmp_path / "fetched"
    generate_city(generated, 80, parse_month("2025-02"), parse_month("2025-05"), seed=33)
    shutil.copytree(generated / "payroll", fetched / "payroll")
    fake = FakeSiasn(generated, clock=APRIL_FETCH)
    url = fake.start()
    try:
        for endpoint in ("rw-kinerjaperiodik", "rw-skp22", "rw-hukdis"):
            for path in sorted((generated / "siasn" / endpoint).glob("*.jsonl")):
                at = min(dt.datetime.fromisoformat(json.loads(l)["fetched_at"]) for l in path.read_text().splitlines())
                fake.clock = at
                roster_month = dt.date(at.year, at.month, 1) if at.day > 5 else \
                    (dt.date(at.year, at.month, 1) - dt.timedelta(days=1)).replace(day=1)
                client = SiasnClient(settings(url), now=lambda at=at: at)
                try:
                    fetch_endpoint(client, fetched, endpoint, path.stem, roster_nips(fetched, roster_month),
                                   show_progress=False)
                finally:
                    client.close()
    finally:
        fake.stop()
    kinerja = str(Path(sys.executable).parent / "kinerja")
    homes = {}
    for name, landing in (("generated", generated), ("fetched", fetched)):
        homes[name] = tmp_path / f"home-{name}"
        r = subprocess.run([kinerja, "run", "--landing", str(landing), "--home", str(homes[name]), "--from", "2025-02",
                            "--to", "2025-05", "--no-docs"], capture_output=True, text=True,
                           env={**os.environ, "DAGSTER_HOME": ""})
        assert r.returncode == 0, r.stdout + r.stderr
    sql = """select nip, period, predikat_code, productivity_amount, discipline_amount, acting_amount,
                    sanction_cut_amount, sanction_sk_nomor, deferred_amount, released_amount, payable_amount, reasons
             from marts.fct_tpp_entitlement order by nip, period"""
    assert query(homes["fetched"], sql) == query(homes["generated"], sql)
    # the sanctions SIASN holds (rw-hukdis) came through the API too
    assert query(homes["fetched"], "select count(*) from marts.fct_tpp_entitlement where sanction_cut_amount > 0 "
                                   "and sanction_sources[1] like 'siasn/rw-hukdis/%'")[0][0] > 0
    ledger = "select nip, deferred_period, release_period, deferred_amount from marts.fct_tpp_deferral_ledger order by all"
    assert query(homes["fetched"], ledger) == query(homes["generated"], ledger)
    assert query(homes["generated"], "select sum(deferred_amount) from marts.fct_tpp_entitlement")[0][0] > 0


def _cli_env(url: str, **over) -> dict:
    import os
    creds = {**TEST_CREDENTIALS, **over}
    return {**os.environ, "SIASN_BASE_URL": f"{url}/apisiasn/1.0", "SIASN_OAUTH_URL": url + OAUTH_PATH,
            "SIASN_SSO_URL": url + SSO_PATH, "SIASN_CLIENT_ID": creds["client_id"],
            "SIASN_CLIENT_SECRET": creds["client_secret"], "SIASN_USERNAME": creds["username"],
            "SIASN_PASSWORD": creds["password"]}


def test_cli_wrong_credential_is_one_line_and_a_refetch_takes_only_the_named_nips(server, city, tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    kinerja = str(Path(sys.executable).parent / "kinerja")
    fake, url = server
    (tmp_path / "payroll" / "roster").mkdir(parents=True)
    (tmp_path / "payroll" / "roster" / "2025-04.csv").write_bytes((city / "payroll/roster/2025-04.csv").read_bytes())
    args = [kinerja, "fetch", "--landing", str(tmp_path), "--month", "2025-04", "--endpoints", "rw-kinerjaperiodik"]
    r = subprocess.run(args, capture_output=True, text=True, env=_cli_env(url, password="wrong"), timeout=120)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "kinerja fetch: sso token request refused with HTTP 401: check the credentials"]
    assert "wrong" not in r.stdout + r.stderr and "Traceback" not in r.stderr
    nips = roster_nips(city, dt.date(2025, 4, 1))[:2]
    r = subprocess.run(args + ["--nip", ",".join(nips)], capture_output=True, text=True, env=_cli_env(url), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    (written,) = (tmp_path / "siasn" / "rw-kinerjaperiodik").glob("month-2025-04-refetch-*.jsonl")
    assert sorted(json.loads(l)["nip"] for l in written.read_text().splitlines()) == sorted(nips)
