"""The FHIR R4 subset the hubs use, under /fhir.

- `GET /fhir/metadata`: the CapabilityStatement (no credential needed).
- `POST /fhir/{type}`: create; with `If-None-Exist: identifier=system|value`, a
  conditional create (an existing match is answered 200, nothing is stored again).
- `GET /fhir/{type}/{id}`: read.
- `GET /fhir/{type}?patient=|subject=Patient/ID[&_lastUpdated=geINSTANT]`: search.
- `POST /fhir` with a Bundle of type batch (each entry on its own) or transaction
  (all or nothing).
Errors are OperationOutcomes with the right status: 400 not JSON / not a resource,
422 not valid FHIR R4 (checked with fhir.resources, nothing stored), 401 no or an
unknown/revoked credential, 403 another resident's data, 404 not found, 413 a body
larger than its endpoint takes (`BODY_LIMITS`), 415 a body that says it is not JSON.

Every request needs a hub's bearer credential (`welfare-care-service add-hub`), and a
hub reads and writes only its own resident.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import math
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from care_service import changes
from care_service.storage import Hub, ServiceStore, now_iso

log = logging.getLogger(__name__)

RESOURCE_TYPES = ("Observation", "DetectedIssue", "MedicationDispense", "Appointment", "Device")
# Where each resource names its resident.
PATIENT_FIELDS = {"Observation": "subject", "DetectedIssue": "patient", "MedicationDispense": "subject",
                  "Device": "patient"}
STORE_KEY = web.AppKey("store", ServiceStore)
FHIR_JSON = "application/fhir+json"
JSON_TYPES = (FHIR_JSON, "application/json")
KB, MB = 1024, 1024 * 1024
# The largest body each endpoint a hub sends to takes; larger is answered 413 before it
# is read whole. A hub's batch carries at most 100 outbox items, a few hundred kB: 4 MB
# leaves room for long ones. A heartbeat tells a few devices, a call one word.
BODY_LIMITS = {
    ("POST", "/fhir"): 4 * MB,
    ("POST", "/fhir/{type}"): 1 * MB,
    ("POST", "/hub/heartbeat"): 64 * KB,
    ("POST", "/hub/calls"): 16 * KB,
    ("POST", "/hub/calls/{room}/outcome"): 16 * KB,
}
# The resources the service takes nest about a dozen levels (a Bundle's entry, its
# resource, an extension's coding); far deeper is no FHIR, and would only make the
# validation and the JSON writer recurse.
MAX_DEPTH = 64
_BODY = web.RequestKey("hub_body", object)  # where hub_bodies keeps the parsed body
_EMPTY = object()


class FhirProblem(Exception):
    def __init__(self, status: int, code: str, text: str) -> None:
        super().__init__(text)
        self.status, self.code, self.text = status, code, text

    def outcome(self) -> dict[str, Any]:
        return {"resourceType": "OperationOutcome",
                "issue": [{"severity": "error", "code": self.code, "diagnostics": self.text}]}


def respond(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=json.dumps(body), status=status, content_type=FHIR_JSON, headers=headers)


@functools.cache
def _model(resource_type: str):
    module = importlib.import_module(f"fhir.resources.R4B.{resource_type.lower()}")
    return getattr(module, resource_type)


def parse_json(raw: bytes) -> Any:
    """The one JSON parser for what hubs send: strict JSON (no NaN or Infinity, every
    string Unicode text), nested at most MAX_DEPTH deep; anything else is FhirProblem 400."""
    try:
        value = json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:  # deeper than the interpreter's stack: far beyond MAX_DEPTH
        raise FhirProblem(400, "structure", f"the body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # not JSON, not UTF-8, a number too long to read
        raise FhirProblem(400, "structure", f"the body is not JSON: {exc}") from None
    level = [value] if isinstance(value, (dict, list)) else []
    for _ in range(MAX_DEPTH):  # one level of containers at a time: no recursion here either
        level = [child for node in level for child in (node.values() if isinstance(node, dict) else node)
                 if isinstance(child, (dict, list))]
    if level:
        raise FhirProblem(400, "structure", f"the body nests deeper than {MAX_DEPTH} levels")
    try:  # a lone surrogate (an unpaired \ud800 escape) is JSON but no text: SQLite cannot store it
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        raise FhirProblem(400, "structure", "the body is not JSON: a string holds a lone surrogate") from None
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text[:20]} is too large a number")
    return number


@web.middleware
async def hub_bodies(request: web.Request, handler):
    """Every body a hub sends (the endpoints in BODY_LIMITS), before its handler: the
    hub's credential first (nobody else makes the service read a body), then a JSON
    content type if one is given (415), at most the endpoint's size (413, also for a
    chunked body, which has no length to check first), then parsed once (`parse_json`);
    the handler takes it with `json_body`."""
    resource = request.match_info.route.resource
    limit = BODY_LIMITS.get((request.method, resource.canonical)) if resource else None
    if limit is None:
        return await handler(request)
    hub_of(request)
    if "Content-Type" in request.headers and (request.content_type not in JSON_TYPES
                                              or (request.charset or "utf-8").lower() != "utf-8"):
        raise FhirProblem(415, "not-supported", f"the body must be JSON in UTF-8 ({', '.join(JSON_TYPES)})")
    too_large = FhirProblem(413, "too-costly", f"{resource.canonical} takes a body of at most {limit // KB} kB")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    bounded = request.clone(client_max_size=limit)
    try:
        raw = await bounded.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large from None
    bounded[_BODY] = parse_json(raw) if raw.strip() else _EMPTY
    return await handler(bounded)


def json_body(request: web.Request, *, optional: bool = False) -> Any:
    """The hub's body as `hub_bodies` parsed it; an empty one is None where `optional`."""
    body = request[_BODY]
    if body is _EMPTY:
        if optional:
            return None
        raise FhirProblem(400, "structure", "the body is empty: JSON expected")
    return body


def validate(resource: Any) -> None:
    if not isinstance(resource, dict) or resource.get("resourceType") not in RESOURCE_TYPES:
        kind = resource.get("resourceType") if isinstance(resource, dict) else type(resource).__name__
        kind = kind if isinstance(kind, str) else type(kind).__name__  # not a whole body in the answer
        raise FhirProblem(400, "not-supported", f"{kind!r} is not a resource this service takes "
                                                f"({', '.join(RESOURCE_TYPES)})")
    try:
        _model(resource["resourceType"]).model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise FhirProblem(422, "invalid", f"not valid FHIR R4 {resource['resourceType']}: {where}: {first['msg']}") from None


# A valid resource may still say `null` where an element is absent (fhir.resources takes
# it): hence the `or` below.
def patient_of(resource: dict[str, Any]) -> str | None:
    if resource["resourceType"] == "Appointment":
        refs = [(p.get("actor") or {}).get("reference") for p in resource.get("participant") or []]
    else:
        refs = [(resource.get(PATIENT_FIELDS[resource["resourceType"]]) or {}).get("reference")]
    for ref in refs:
        if ref and ref.startswith("Patient/"):
            return ref.removeprefix("Patient/")
    return None


def identifier_of(resource: dict[str, Any]) -> str | None:
    for ident in resource.get("identifier") or []:
        if ident.get("system") and ident.get("value"):
            return f"{ident['system']}|{ident['value']}"
    return None


def hub_of(request: web.Request) -> Hub:
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    # A credential is URL-safe ASCII; other bytes in the header are no credential.
    hub = request.app[STORE_KEY].hub_for(token) if token and token.isascii() else None
    if hub is None:
        raise FhirProblem(401, "security", "a valid hub credential is needed (Authorization: Bearer ...)")
    return hub


def _own(hub: Hub, patient_id: str | None) -> None:
    if patient_id != hub.patient_id:
        raise FhirProblem(403, "forbidden", "a hub reads and writes only its own resident's data")


def _create(store: ServiceStore, hub: Hub, resource: Any, if_none_exist: str | None, conn=None) -> tuple[dict, bool]:
    validate(resource)
    _own(hub, patient_of(resource))
    identifier = identifier_of(resource)
    if if_none_exist:
        # Looked up among this resident's resources only: another home's resource with
        # the identifier is neither answered (it would tell this hub it exists) nor a
        # reason not to store this one (a hub could make another home's alarm vanish).
        wanted = if_none_exist.removeprefix("identifier=")
        existing = store.find_by_identifier(resource["resourceType"], wanted, hub.patient_id)
        if existing is not None:
            return existing, False
    return store.create(resource, hub.patient_id, identifier, conn)


@web.middleware
async def outcomes(request: web.Request, handler):
    try:
        return await handler(request)
    except FhirProblem as problem:
        return respond(problem.outcome(), problem.status)


async def metadata(request: web.Request) -> web.Response:
    return respond({
        "resourceType": "CapabilityStatement", "status": "active", "date": now_iso()[:10], "kind": "instance",
        "fhirVersion": "4.0.1", "format": ["json"],
        "software": {"name": "welfare-care-service (reference)"},
        "rest": [{"mode": "server", "security": {"description": "Bearer credential per hub"},
                  "interaction": [{"code": "batch"}, {"code": "transaction"}],
                  "resource": [{"type": t, "interaction": [{"code": "create"}, {"code": "read"},
                                                           {"code": "search-type"}],
                                "conditionalCreate": True,
                                "searchParam": [{"name": "patient", "type": "reference"},
                                                {"name": "_lastUpdated", "type": "date"}]}
                               for t in RESOURCE_TYPES]}],
    })


async def create(request: web.Request) -> web.Response:
    hub = hub_of(request)
    resource_type = request.match_info["type"]
    body = json_body(request)
    if isinstance(body, dict) and body.get("resourceType") != resource_type:
        raise FhirProblem(400, "invalid", f"a {body.get('resourceType')} posted to /fhir/{resource_type}")
    condition = request.headers.get("If-None-Exist")
    if condition is not None and not condition.isascii():  # an identifier's system|value is a URI
        raise FhirProblem(400, "structure", "If-None-Exist must be identifier=system|value in ASCII")
    store = request.app[STORE_KEY]
    with store.db.conn:
        stored, created = _create(store, hub, body, condition)
    if created:
        await changes.announce(request.app)  # after the commit: whoever looks finds it
    return respond(stored, 201 if created else 200, {"Location": f"/fhir/{resource_type}/{stored['id']}"})


async def read(request: web.Request) -> web.Response:
    hub = hub_of(request)
    found = request.app[STORE_KEY].read(request.match_info["type"], request.match_info["id"])
    if found is None:
        raise FhirProblem(404, "not-found", f"no {request.match_info['type']}/{request.match_info['id']}")
    resource, patient_id = found
    _own(hub, patient_id)
    return respond(resource)


async def search(request: web.Request) -> web.Response:
    hub = hub_of(request)
    if request.match_info["type"] not in RESOURCE_TYPES:
        raise FhirProblem(400, "not-supported", f"no search for {request.match_info['type']!r} here")
    reference = request.query.get("patient") or request.query.get("subject") or f"Patient/{hub.patient_id}"
    _own(hub, reference.removeprefix("Patient/"))
    since = request.query.get("_lastUpdated", "")
    if since and not since.startswith("ge"):
        raise FhirProblem(400, "not-supported", "_lastUpdated takes ge<instant> only")
    found = request.app[STORE_KEY].search(request.match_info["type"], hub.patient_id, since[2:] or None)
    return respond({"resourceType": "Bundle", "type": "searchset", "total": len(found),
                    "entry": [{"resource": r, "fullUrl": f"{r['resourceType']}/{r['id']}"} for r in found]})


async def bundle(request: web.Request) -> web.Response:
    hub = hub_of(request)
    body = json_body(request)
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle" or body.get("type") not in ("batch", "transaction"):
        raise FhirProblem(400, "invalid", "POST /fhir takes a Bundle of type batch or transaction")
    store = request.app[STORE_KEY]
    entries = _entries(body)
    if body["type"] == "transaction":
        with store.db.conn:  # all or nothing: a problem in any entry rolls them all back
            results = [_entry_result(*_create(store, hub, resource, condition)) for resource, condition in entries]
        await changes.announce(request.app)
        return respond({"resourceType": "Bundle", "type": "transaction-response", "entry": results})
    # Each entry on its own (a refused one is rolled back to its savepoint, the others
    # stay), all committed together: one fsync for the batch, not one per entry (a
    # backlog of 10 000 readings is 20 000 entries). The answer goes after the commit,
    # so the hub marks nothing sent that is not on disk.
    results = []
    conn = store.db.conn
    with conn:
        if not conn.in_transaction:
            conn.execute("BEGIN")
        for resource, condition in entries:
            conn.execute("SAVEPOINT batch_entry")
            try:
                results.append(_entry_result(*_create(store, hub, resource, condition)))
            except FhirProblem as problem:
                conn.execute("ROLLBACK TO batch_entry")
                results.append({"response": {"status": str(problem.status), "outcome": problem.outcome()}})
            conn.execute("RELEASE batch_entry")
    await changes.announce(request.app)
    return respond({"resourceType": "Bundle", "type": "batch-response", "entry": results})


def _entries(bundle: dict[str, Any]) -> list[tuple[Any, str | None]]:
    """A Bundle's entries as (resource, ifNoneExist); 400 for a Bundle not shaped as FHIR
    says (entry a list of objects, each request an object, its ifNoneExist a string).
    A missing or wrong resource is that entry's own problem, answered in its place."""
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise FhirProblem(400, "structure", "Bundle.entry must be a list")
    out = []
    for i, entry in enumerate(entries):
        request = (entry.get("request") or {}) if isinstance(entry, dict) else None
        condition = request.get("ifNoneExist") if isinstance(request, dict) else None
        if not isinstance(request, dict) or not isinstance(condition, (str, type(None))):
            raise FhirProblem(400, "structure", f"Bundle.entry[{i}] must be an object, its request an object "
                                                "and request.ifNoneExist a string")
        out.append((entry.get("resource"), condition))
    return out


def _entry_result(stored: dict[str, Any], created: bool) -> dict[str, Any]:
    return {"response": {"status": "201 Created" if created else "200 OK",
                         "location": f"{stored['resourceType']}/{stored['id']}"}}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/fhir/metadata", metadata)
    app.router.add_post("/fhir", bundle)
    app.router.add_post("/fhir/{type}", create)
    app.router.add_get("/fhir/{type}/{id}", read)
    app.router.add_get("/fhir/{type}", search)
