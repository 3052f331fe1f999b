"""The one error every Bluetooth LE codec raises."""


class BleCodecError(ValueError):
    """Bytes that are not a valid value of a characteristic, or a value that cannot be
    written as one. The message says which field and why, in plain words."""
