"""The care service's language: FHIR mapping, the durable outbox, the HTTP client,
care-plan pull and heartbeat.

Filled by the sync issue; may import the standard library, requests and
`vocabulary` only.
"""
