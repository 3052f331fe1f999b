"""The reference home-care service (FHIR endpoint, nurse console, call rooms).

May share the FHIR mapping with `sync`; never imports the hub.
"""
