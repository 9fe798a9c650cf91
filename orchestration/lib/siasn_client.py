"""SIASN API client: two tokens, refresh before expiry and on 401, retries with backoff and jitter on
429 / 5xx / timeouts, a rate limit and a concurrency bound. Secrets never reach logs, errors or files."""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import httpx

WITA = dt.timezone(dt.timedelta(hours=8))
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_AUTH_RETRIES = 3      # refreshes after a 401 per request; beyond that the 401 is written as received
NO_RESPONSE_STATUS = 599   # written to landing when every attempt timed out or failed to connect


@dataclass
class SiasnSettings:
    base_url: str                                  # e.g. https://apimws.bkn.go.id:8243/apisiasn/1.0
    oauth_url: str                                 # OAuth2 client-credentials token endpoint
    sso_url: str                                   # Keycloak password-grant token endpoint
    client_id: str = field(repr=False)
    client_secret: str = field(repr=False)
    username: str = field(repr=False)
    password: str = field(repr=False)
    sso_client_id: str = "siasn-client"
    rate_per_second: float = 10.0
    concurrency: int = 4
    timeout_seconds: float = 30.0
    max_attempts: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    refresh_margin_seconds: int = 60

    @classmethod
    def from_env(cls, env=os.environ) -> "SiasnSettings":
        missing = [k for k in ("SIASN_BASE_URL", "SIASN_OAUTH_URL", "SIASN_SSO_URL", "SIASN_CLIENT_ID",
                               "SIASN_CLIENT_SECRET", "SIASN_USERNAME", "SIASN_PASSWORD") if not env.get(k)]
        if missing:
            raise ValueError(f"set the environment variables {', '.join(missing)} to fetch from SIASN")
        return cls(base_url=env["SIASN_BASE_URL"].rstrip("/"), oauth_url=env["SIASN_OAUTH_URL"],
                   sso_url=env["SIASN_SSO_URL"], client_id=env["SIASN_CLIENT_ID"],
                   client_secret=env["SIASN_CLIENT_SECRET"], username=env["SIASN_USERNAME"],
                   password=env["SIASN_PASSWORD"], sso_client_id=env.get("SIASN_SSO_CLIENT_ID", "siasn-client"),
                   rate_per_second=float(env.get("SIASN_RATE_PER_SECOND", 10)),
                   concurrency=int(env.get("SIASN_CONCURRENCY", 4)))


class SiasnError(Exception):
    """Raised with a message that never contains a secret."""


class RateLimiter:
    def __init__(self, per_second: float):
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.lock = threading.Lock()
        self.next_at = 0.0

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_at)
            self.next_at = start + self.interval
        if start > now:
            time.sleep(start - now)


class Tokens:
    """Both tokens, cached; refreshed shortly before they expire, and on demand after a 401."""

    def __init__(self, http: httpx.Client, settings: SiasnSettings):
        self.http, self.s = http, settings
        self.lock = threading.Lock()
        self.values: dict[str, tuple[str, float]] = {}
        self.refreshes = 0

    def _fetch(self, kind: str) -> tuple[str, float]:
        if kind == "oauth":
            url, form = self.s.oauth_url, {"grant_type": "client_credentials", "client_id": self.s.client_id,
                                           "client_secret": self.s.client_secret}
        else:
            url, form = self.s.sso_url, {"grant_type": "password", "client_id": self.s.sso_client_id,
                                         "username": self.s.username, "password": self.s.password}
        try:
            resp = self.http.post(url, data=form, timeout=self.s.timeout_seconds)
        except httpx.HTTPError as err:
            raise SiasnError(f"{kind} token request failed: {type(err).__name__}") from None
        if resp.status_code != 200:
            raise SiasnError(f"{kind} token request refused with HTTP {resp.status_code}: check the credentials")
        payload = resp.json()
        self.refreshes += 1
        return payload["access_token"], time.monotonic() + float(payload.get("expires_in", 300))

    def headers(self) -> dict[str, str]:
        with self.lock:
            for kind in ("oauth", "sso"):
                token = self.values.get(kind)
                if token is None or token[1] - self.s.refresh_margin_seconds <= time.monotonic():
                    self.values[kind] = self._fetch(kind)
            return {"Authorization": f"Bearer {self.values['oauth'][0]}", "Auth": f"Bearer {self.values['sso'][0]}"}

    def invalidate(self, used: dict[str, str]) -> None:
        with self.lock:   # only if nobody refreshed since this request was sent
            if used.get("Authorization") == f"Bearer {self.values.get('oauth', ('',))[0]}":
                self.values.clear()


@dataclass
class Stats:
    calls: int = 0
    retries: int = 0
    refreshes_on_401: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts) -> None:
        with self.lock:
            for k, v in counts.items():
                setattr(self, k, getattr(self, k) + v)


class SiasnClient:
    def __init__(self, settings: SiasnSettings, now: Callable[[], dt.datetime] | None = None,
                 sleep: Callable[[float], None] = time.sleep):
        self.s = settings
        self.http = httpx.Client(timeout=settings.timeout_seconds,
                                 limits=httpx.Limits(max_connections=settings.concurrency))
        self.tokens = Tokens(self.http, settings)
        self.limiter = RateLimiter(settings.rate_per_second)
        self.now = now or (lambda: dt.datetime.now(WITA))
        self.sleep = sleep
        self.stats = Stats()

    def close(self) -> None:
        self.http.close()

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        if retry_after and retry_after.isdigit():
            return float(retry_after)
        delay = min(self.s.backoff_cap, self.s.backoff_base * (2 ** attempt))
        return delay / 2 + random.uniform(0, delay / 2)     # jitter: retries of many workers spread out

    def get(self, endpoint: str, nip: str) -> tuple[int, str, dt.datetime]:
        """(HTTP status, raw body, fetch time) of the final answer after retries."""
        url = f"{self.s.base_url}/pns/{endpoint}/{nip}"
        status, body = NO_RESPONSE_STATUS, json.dumps({"error": "no response"})
        attempt, auth_retries = 0, 0
        while attempt < self.s.max_attempts:
            headers = self.tokens.headers()
            self.limiter.wait()
            self.stats.add(calls=1)
            try:
                resp = self.http.get(url, headers=headers)
            except (httpx.TimeoutException, httpx.TransportError) as err:
                status, body = NO_RESPONSE_STATUS, json.dumps({"error": type(err).__name__})
                self.stats.add(retries=1)
                self.sleep(self._backoff(attempt, None))
                attempt += 1
                continue
            status, body = resp.status_code, resp.text
            if status == 401 and auth_retries < MAX_AUTH_RETRIES:
                # a token expired early (or another worker refreshed it): refresh and try again
                self.tokens.invalidate(headers)
                self.stats.add(refreshes_on_401=1, retries=1)
                auth_retries += 1
                continue
            if status in RETRY_STATUSES:
                self.stats.add(retries=1)
                self.sleep(self._backoff(attempt, resp.headers.get("Retry-After")))
                attempt += 1
                continue
            break
        return status, body, self.now()
