"""Which web origins a video call may come from.

The hub's call view gives the camera and microphone to these origins only, and
refuses to navigate anywhere else: the care service's own origin, and the meeting
services a technician lists in `[calls] origins` (for example a municipality's own
Jitsi Meet). An origin is scheme, host and port, exactly as a browser compares them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

LOCAL_HOSTS = ("127.0.0.1", "localhost")


def origin_of(url: str) -> str | None:
    """`https://host[:port]` of a URL (default ports dropped), or None for anything that is not http(s)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def origin_problem(value: str) -> str | None:
    """Why `value` cannot be an allowed call origin (None: it can)."""
    origin = origin_of(value)
    if origin is None or origin != value.rstrip("/").lower():
        return f"an origin such as 'https://meet.example.no' (scheme, host and port only), not {value!r}"
    if origin.startswith("http://") and urlsplit(origin).hostname not in LOCAL_HOSTS:
        return f"an https:// origin (plain http only for 127.0.0.1), not {value!r}"
    return None


def allowed_origins(care_service_url: str, configured: str) -> frozenset[str]:
    found = {origin_of(o) for o in configured.split()}
    if care_service_url:
        found.add(origin_of(care_service_url))
    return frozenset(o for o in found if o)


def is_allowed(url: str, origins: frozenset[str]) -> bool:
    return origin_of(url) in origins
