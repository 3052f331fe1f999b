"""The simulated home: the hub, the reference care service and simulated devices
together, in a temporary folder, for trying the product and for showing it. Not part of
what runs in a home; it may import everything (hub_app, care_service, simulators)."""
