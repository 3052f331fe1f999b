"""Wire protocols: pure codecs (bytes <-> dataclasses) kept apart from the transports
(bleak, pyserial), so that each codec is tested with byte vectors alone.

Filled by the device issues; may import the standard library, bleak, pyserial and
`vocabulary` only.
"""
