"""The reference home-care service (FHIR endpoint, nurse console, call rooms).

Filled by the sync issue; may share FHIR mapping with `sync`, never imports the hub.
"""
