"""The hub's HTTP client for the care service's FHIR API (requests).

TLS is always verified: with the system's certificate authorities, or with a CA bundle
for a municipality's private CA. Plain http:// is accepted for the loopback address
only (the tests and the demo run both programs on one machine). The hub proves who it
is with its bearer credential (or a client certificate). Every call has a timeout.

`send_batch` answers, per resource, whether it is stored (created now or before) or
refused for good (a 4xx for that entry: a dead letter, never retried); anything else
(no network, a timeout, a 5xx, a 429) raises `Retry`, with the server's Retry-After
when it gave one, and a refused credential raises `CredentialRefused`.
"""

from __future__ import annotations

import email.utils
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlparse

import requests

LOOPBACK = ("127.0.0.1", "localhost", "::1")
FHIR_JSON = "application/fhir+json"


class ClientConfigError(ValueError):
    """The service address or credential cannot be used, in plain words."""


class Retry(Exception):
    """Not delivered now; try again later (after `retry_after` seconds if the service said)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class CredentialRefused(Exception):
    """The service does not accept this hub's credential (revoked, or wrong)."""


@dataclass(frozen=True)
class EntryResult:
    stored: bool  # created now, or found stored already (a retry)
    status: int
    detail: str = ""  # the service's words when refused


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _entry_results(document: Any, sent: int) -> list[EntryResult]:
    entries = document.get("entry", [])
    if len(entries) != sent:
        raise Retry("the service answered for a different number of entries")
    results = []
    for entry in entries:
        response = entry.get("response", {})
        status = int(str(response.get("status", "0")).split()[0] or 0)
        if 200 <= status < 300:
            results.append(EntryResult(True, status))
        elif 400 <= status < 500:
            issues = (response.get("outcome") or {}).get("issue") or [{}]
            results.append(EntryResult(False, status, issues[0].get("diagnostics", "")))
        else:  # a 5xx for one entry: the batch as a whole is tried again (created-once makes that safe)
            raise Retry(f"the service answered {status} for an entry")
    return results


class CareServiceClient:
    def __init__(self, base_url: str, token: str, *, ca_bundle: str | None = None,
                 client_cert: tuple[str, str] | None = None, timeout: tuple[float, float] = (5.0, 20.0),
                 session: requests.Session | None = None) -> None:
        parsed = urlparse(base_url)
        if parsed.scheme not in ("https", "http") or not parsed.hostname:
            raise ClientConfigError(f"{base_url!r} is not a service address like https://care.example.no")
        if parsed.scheme == "http" and parsed.hostname not in LOOPBACK:
            raise ClientConfigError(f"{base_url!r}: the care service must be reached over https (TLS is always "
                                    "verified); plain http is for 127.0.0.1 only")
        if not token and client_cert is None:
            raise ClientConfigError("no hub credential: set the credential file (or a client certificate)")
        self.base_url = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._session.verify = ca_bundle or True  # never False
        if client_cert is not None:
            self._session.cert = client_cert
        self._headers = {"Accept": FHIR_JSON, "Content-Type": FHIR_JSON}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._timeout = timeout

    def _request(self, method: str, path: str, *, body: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None, ok: tuple[int, ...] = ()) -> requests.Response:
        """One call to the service, its failures said the same way everywhere: no network,
        a timeout, an untrusted certificate, a 5xx or 429 (with Retry-After) -> Retry; a
        refused credential -> CredentialRefused; any other status not in `ok` -> Retry."""
        try:
            answer = self._session.request(method, f"{self.base_url}{path}", json=body,
                                           headers={**self._headers, **(headers or {})}, timeout=self._timeout)
        except requests.exceptions.SSLError as exc:
            raise Retry(f"the service's certificate is not trusted: {exc}") from exc
        except requests.exceptions.Timeout as exc:
            raise Retry("the service did not answer in time") from exc
        except requests.exceptions.RequestException as exc:
            raise Retry(f"the service cannot be reached: {type(exc).__name__}") from exc
        if answer.status_code in (401, 403):
            raise CredentialRefused(f"the service refused this hub's credential ({answer.status_code})")
        if answer.status_code == 429 or answer.status_code >= 500:
            raise Retry(f"the service answered {answer.status_code}", retry_after_seconds(answer.headers.get("Retry-After")))
        if ok and answer.status_code not in ok:
            raise Retry(f"the service answered {answer.status_code}")
        return answer

    def send_batch(self, bundle: dict[str, Any]) -> list[EntryResult]:
        """POST a batch Bundle; one result per entry, in order."""
        answer = self._request("POST", "/fhir", body=bundle)
        if answer.status_code >= 400:
            raise Retry(f"the service refused the whole batch ({answer.status_code})")
        try:
            document = answer.json()
        except ValueError as exc:
            raise Retry("the service's answer was not JSON") from exc
        try:
            return _entry_results(document, len(bundle.get("entry", [])))
        except (AttributeError, IndexError, TypeError, ValueError) as exc:
            # Whatever answered 200 (the service, or a proxy in the way) said something that
            # is not a batch-response: not a delivery, tried again. Let through, such an error
            # ended the sender's task for good (found by tests/test_sync_faults.py).
            raise Retry("the service's answer was not a batch-response") from exc

    def fetch_plan(self, etag: str | None) -> tuple[str, str] | None:
        """The care plan document and its ETag, or None when unchanged (304) or not set (404)."""
        answer = self._request("GET", "/hub/care-plan", headers={"If-None-Match": etag} if etag else None,
                               ok=(200, 304, 404))
        if answer.status_code != 200:
            return None
        return answer.text, answer.headers.get("ETag", "")

    def heartbeat(self, devices: list[dict[str, Any]] | None = None, store: dict[str, Any] | None = None) -> None:
        """Tell the service this hub is alive, how its devices are (battery, last contact,
        problem: never a reading) and whether its store can write (state, why, since)."""
        body = {key: value for key, value in (("devices", devices), ("store", store)) if value is not None}
        self._request("POST", "/hub/heartbeat", body=body or None, ok=(200,))

    def call_outcome(self, room: str, outcome: str) -> None:
        """Tell the service what became of a call it rang this hub with (its caller sees
        "Not answered" or "Declined" at once)."""
        self._request("POST", f"/hub/calls/{quote(room, safe='')}/outcome", body={"outcome": outcome}, ok=(200, 204))

    def start_call(self, to: str, name: str = "") -> dict[str, str]:
        """Ask the service for a room to call out from: to the home-care service (`to="service"`)
        or a contact (`to="contact"`, `name`). The answer has `room`, `url` (this hub's
        side) and `guest_url` (the other side's invitation)."""
        body = {"to": to, **({"name": name} if name else {})}
        answer = self._request("POST", "/hub/calls", body=body, ok=(200, 201))
        try:
            found = answer.json()
            return {"room": str(found["room"]), "url": str(found["url"]), "guest_url": str(found.get("guest_url") or "")}
        except (ValueError, KeyError, TypeError) as exc:
            raise Retry("the service's answer to a call was not understood") from exc

    def session_and_headers(self) -> tuple[requests.Session, dict[str, str]]:
        """For the event channel: the same TLS settings and credential."""
        return self._session, dict(self._headers)

    def check_credential(self) -> str:
        """The metadata (TLS and the service) and then the credential itself (a search
        that needs it); the service's software name when both are fine."""
        software = (self.check().get("software") or {}).get("name", "FHIR server")
        self._request("GET", "/fhir/Device", ok=(200,))
        return software

    def check(self) -> dict[str, Any]:
        """The service's CapabilityStatement (TLS and the service, before the credential)."""
        return self._request("GET", "/fhir/metadata", ok=(200,)).json()
