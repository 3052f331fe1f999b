"""The things in a home: device kinds, the registry of paired devices, connection
supervision and simulated devices that speak the real wire protocols.

Filled by the device issues; may import `drivers` and `vocabulary` only.
"""
