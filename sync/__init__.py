"""The care service's language: FHIR mapping, the durable outbox, the HTTP client,
the event channel back, the care-plan pull and the heartbeat.

May import the standard library, requests and `vocabulary` only.
"""
