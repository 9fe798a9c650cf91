"""A fake SIASN on loopback: replays a generated city through the real URL shapes, token endpoints and
quirks, with injectable faults (expired token, 429 with Retry-After, 500, slow responses, malformed JSON).

The replay answers a request with the body the generator wrote for that NIP in the latest fetch run at or
before the server's simulated clock, so a client fetching "as of" a date sees what SIASN showed then.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

API_PREFIX = "/apisiasn/1.0/pns/"
OAUTH_PATH = "/oauth2/token"
SSO_PATH = "/auth/realms/public-siasn/protocol/openid-connect/token"
ENDPOINTS = ("rw-skp22", "rw-kinerjaperiodik", "rw-hukdis", "data-utama")
TEST_CREDENTIALS = {"client_id": "demo-client", "client_secret": "demo-secret", "username": "demo-user",
                    "password": "demo-password"}


@dataclass
class Faults:
    expire_tokens_every: int = 0      # every Nth API call, tokens expire (401) and must be refreshed
    rate_limit_every: int = 0         # every Nth API call answers 429 with Retry-After
    retry_after_seconds: int = 1
    server_error_every: int = 0       # every Nth API call answers 500
    slow_every: int = 0               # every Nth API call waits slow_seconds first
    slow_seconds: float = 0.0
    malformed_nips: set = field(default_factory=set)   # these NIPs get a body cut in half


class Replay:
    def __init__(self, landing: Path):
        self.runs: dict[str, list[tuple[dt.datetime, dict[str, str]]]] = {e: [] for e in ENDPOINTS}
        for endpoint in ENDPOINTS:
            for path in sorted((Path(landing) / "siasn" / endpoint).glob("*.jsonl")):
                bodies, start = {}, None
                for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    at = dt.datetime.fromisoformat(obj["fetched_at"])
                    start = at if start is None or at < start else start
                    if obj.get("http_status") == 200:
                        bodies[obj["nip"]] = json.dumps(obj["body"], separators=(",", ":"))
                if start is not None:
                    self.runs[endpoint].append((start, bodies))
            self.runs[endpoint].sort(key=lambda r: r[0])

        self.people = {}
        for path in sorted((Path(landing) / "payroll" / "roster").glob("*.csv")):
            for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8", errors="replace"))):
                self.people[row["nip"]] = row

    def data_utama(self, nip: str) -> str:
        """/pns/data-utama from the roster, in SIASN's shape: DD-MM-YYYY dates, wrapped in `data`."""
        row = self.people.get(nip)
        if row is None:
            return json.dumps({"code": 1, "data": None})
        birth, tmt = dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8])), dt.date.fromisoformat(row["tmt"])
        return json.dumps({"code": 1, "data": {
            "nipBaru": nip, "nama": row["nama"], "tglLahir": f"{birth:%d-%m-%Y}", "tmtCpns": f"{tmt:%d-%m-%Y}",
            "jenisPegawaiNama": row["jenis_pegawai"], "golRuangAkhir": row["golongan"],
            "jabatanNama": row["jabatan"], "unorNama": row["opd_nama"], "kedudukanPnsNama": row["kedudukan"]}})

    def body(self, endpoint: str, nip: str, clock: dt.datetime) -> str:
        if endpoint == "data-utama":
            return self.data_utama(nip)
        for start, bodies in reversed(self.runs.get(endpoint, [])):
            if start <= clock and nip in bodies:
                return bodies[nip]
        return json.dumps({"code": 1, "data": None})


class FakeSiasn:
    def __init__(self, landing: Path, clock: dt.datetime, faults: Faults | None = None, token_ttl: int = 3600):
        self.replay = Replay(landing)
        self.clock, self.faults, self.token_ttl = clock, faults or Faults(), token_ttl
        self.lock = threading.Lock()
        self.api_calls = 0
        self.calls_by_nip: dict[tuple[str, str], int] = {}
        self.token_requests = {"oauth": 0, "sso": 0}
        self.seen_headers: list[dict] = []
        self._generation = itertools.count(1)
        self._tokens = {"oauth": None, "sso": None}
        self.server: ThreadingHTTPServer | None = None

    # -- tokens ----------------------------------------------------------------------------------
    def issue(self, kind: str) -> str:
        with self.lock:
            self.token_requests[kind] += 1
            token = f"{kind}-token-{next(self._generation)}"
            self._tokens[kind] = token
            return token

    def authorised(self, headers) -> bool:
        return (headers.get("Authorization") == f"Bearer {self._tokens['oauth']}"
                and headers.get("Auth") == f"Bearer {self._tokens['sso']}" and self._tokens["oauth"] is not None)

    # -- serving ---------------------------------------------------------------------------------
    def start(self, port: int = 0) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):   # quiet: the client's progress bar is the output
                pass

            def _send(self, status: int, body: str, headers: dict | None = None):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path == OAUTH_PATH and form.get("grant_type") == "client_credentials" \
                        and form.get("client_id") == TEST_CREDENTIALS["client_id"] \
                        and form.get("client_secret") == TEST_CREDENTIALS["client_secret"]:
                    return self._send(200, json.dumps({"access_token": fake.issue("oauth"), "token_type": "Bearer",
                                                       "expires_in": fake.token_ttl}))
                if self.path == SSO_PATH and form.get("grant_type") == "password" \
                        and form.get("username") == TEST_CREDENTIALS["username"] \
                        and form.get("password") == TEST_CREDENTIALS["password"]:
                    return self._send(200, json.dumps({"access_token": fake.issue("sso"), "token_type": "bearer",
                                                       "expires_in": fake.token_ttl}))
                return self._send(401, json.dumps({"error": "invalid_client"}))

            def do_GET(self):
                if not self.path.startswith(API_PREFIX):
                    return self._send(404, json.dumps({"code": 0, "message": "not found"}))
                endpoint, _, nip = self.path[len(API_PREFIX):].partition("/")
                f = fake.faults
                with fake.lock:
                    fake.api_calls += 1
                    n = fake.api_calls
                    fake.seen_headers.append({k: self.headers.get(k) for k in ("Authorization", "Auth")})
                    if f.expire_tokens_every and n % f.expire_tokens_every == 0:
                        fake._tokens = {"oauth": None, "sso": None}
                if not fake.authorised(self.headers):
                    return self._send(401, json.dumps({"code": 0, "message": "token expired"}))
                if f.slow_every and n % f.slow_every == 0:
                    time.sleep(f.slow_seconds)
                if f.rate_limit_every and n % f.rate_limit_every == 0:
                    return self._send(429, json.dumps({"message": "Too Many Requests"}),
                                      {"Retry-After": str(f.retry_after_seconds)})
                if f.server_error_every and n % f.server_error_every == 0:
                    return self._send(500, json.dumps({"message": "Internal Server Error"}))
                if endpoint not in ENDPOINTS:
                    return self._send(404, json.dumps({"code": 0, "message": "unknown endpoint"}))
                with fake.lock:
                    key = (endpoint, nip)
                    fake.calls_by_nip[key] = fake.calls_by_nip.get(key, 0) + 1
                body = fake.replay.body(endpoint, nip, fake.clock)
                if nip in f.malformed_nips:
                    body = body[: len(body) // 2]
                return self._send(200, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)   # loopback only
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
