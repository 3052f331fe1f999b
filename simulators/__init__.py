"""Simulated devices that speak the real wire protocols on real pseudo-terminals, for
the demo, the tests and a technician trying the hub without hardware."""
