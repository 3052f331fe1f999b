"""The one error the GSM codecs raise."""

from __future__ import annotations


class GsmCodecError(ValueError):
    """Text, bytes or an answer line that the codecs cannot take; the message is plain."""
