"""Serial wire protocols: the hub's open line framing (dispenser, sensor receiver),
the GSM modem's AT commands, and the pyserial transport they run over."""
