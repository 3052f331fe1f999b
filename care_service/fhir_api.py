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
unknown/revoked credential, 403 another resident's data, 404 not found.

Every request needs a hub's bearer credential (`welfare-care-service add-hub`), and a
hub reads and writes only its own resident.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
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


def validate(resource: Any) -> None:
    if not isinstance(resource, dict) or resource.get("resourceType") not in RESOURCE_TYPES:
        kind = resource.get("resourceType") if isinstance(resource, dict) else type(resource).__name__
        raise FhirProblem(400, "not-supported", f"{kind!r} is not a resource this service takes "
                                                f"({', '.join(RESOURCE_TYPES)})")
    try:
        _model(resource["resourceType"]).model_validate(resource)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise FhirProblem(422, "invalid", f"not valid FHIR R4 {resource['resourceType']}: {where}: {first['msg']}") from None


def patient_of(resource: dict[str, Any]) -> str | None:
    if resource["resourceType"] == "Appointment":
        refs = [p.get("actor", {}).get("reference", "") for p in resource.get("participant", [])]
    else:
        refs = [resource.get(PATIENT_FIELDS[resource["resourceType"]], {}).get("reference", "")]
    for ref in refs:
        if ref.startswith("Patient/"):
            return ref.removeprefix("Patient/")
    return None


def identifier_of(resource: dict[str, Any]) -> str | None:
    for ident in resource.get("identifier", []):
        if ident.get("system") and ident.get("value"):
            return f"{ident['system']}|{ident['value']}"
    return None


def hub_of(request: web.Request) -> Hub:
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    hub = request.app[STORE_KEY].hub_for(token) if token else None
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


async def _json(request: web.Request) -> Any:
    try:
        return json.loads(await request.text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FhirProblem(400, "structure", f"the body is not JSON: {exc}") from None


async def create(request: web.Request) -> web.Response:
    hub = hub_of(request)
    resource_type = request.match_info["type"]
    body = await _json(request)
    if isinstance(body, dict) and body.get("resourceType") != resource_type:
        raise FhirProblem(400, "invalid", f"a {body.get('resourceType')} posted to /fhir/{resource_type}")
    store = request.app[STORE_KEY]
    with store.db.conn:
        stored, created = _create(store, hub, body, request.headers.get("If-None-Exist"))
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
    body = await _json(request)
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle" or body.get("type") not in ("batch", "transaction"):
        raise FhirProblem(400, "invalid", "POST /fhir takes a Bundle of type batch or transaction")
    store = request.app[STORE_KEY]
    entries = body.get("entry") or []
    if body["type"] == "transaction":
        with store.db.conn:  # all or nothing: a problem in any entry rolls them all back
            results = [_entry_result(*_create(store, hub, e.get("resource"), (e.get("request") or {}).get("ifNoneExist")))
                       for e in entries]
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
        for entry in entries:
            conn.execute("SAVEPOINT batch_entry")
            try:
                results.append(_entry_result(*_create(store, hub, entry.get("resource"),
                                                      (entry.get("request") or {}).get("ifNoneExist"))))
            except FhirProblem as problem:
                conn.execute("ROLLBACK TO batch_entry")
                results.append({"response": {"status": str(problem.status), "outcome": problem.outcome()}})
            conn.execute("RELEASE batch_entry")
    await changes.announce(request.app)
    return respond({"resourceType": "Bundle", "type": "batch-response", "entry": results})


def _entry_result(stored: dict[str, Any], created: bool) -> dict[str, Any]:
    return {"response": {"status": "201 Created" if created else "200 OK",
                         "location": f"{stored['resourceType']}/{stored['id']}"}}


def add_routes(app: web.Application) -> None:
    app.router.add_get("/fhir/metadata", metadata)
    app.router.add_post("/fhir", bundle)
    app.router.add_post("/fhir/{type}", create)
    app.router.add_get("/fhir/{type}/{id}", read)
    app.router.add_get("/fhir/{type}", search)
