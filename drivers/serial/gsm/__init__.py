"""GSM modem codecs, no I/O: the GSM 7-bit default alphabet and UCS-2 as a modem takes
them in AT text mode (`alphabet.py`), splitting long text into SMS (`sms_parts.py`),
phone numbers (`phone_numbers.py`), the answers to AT+CSQ, AT+CREG? and AT+CMGS
(`at_answers.py`) and the error result codes (`error_results.py`), and received SMS:
+CMTI, the answers to AT+CMGR, AT+CMGL and AT+CPMS? (`received_sms.py`), time stamps
(`time_stamps.py`), 7-bit packing and the concatenation header (`user_data.py`).
Every name is importable from `drivers.serial.gsm` itself.

See docs/protocols/gsm-modem.md for the rules and worked examples.
"""

from __future__ import annotations

from drivers.serial.gsm.alphabet import (
    CTRL_Z,
    ESCAPE,
    Encoding,
    can_encode_gsm7,
    choose_encoding,
    decode_text,
    encode_text,
    gsm7_decode,
    gsm7_encode,
    gsm7_septets,
    is_gsm7_safe,
    ucs2_decode,
    ucs2_encode,
    ucs2_units,
)
from drivers.serial.gsm.at_answers import CREG_STATES, Creg, Csq, csq_to_bars, csq_to_dbm, parse_cmgs, parse_creg, parse_csq
from drivers.serial.gsm.error_results import CME_MEANINGS, CMS_MEANINGS, ErrorResult, is_error_line, parse_error
from drivers.serial.gsm.errors import GsmCodecError
from drivers.serial.gsm.phone_numbers import normalise_phone_number, number_type
from drivers.serial.gsm.received_sms import (
    RECEIVED_STATUSES,
    STORED_STATUSES,
    ListedSms,
    NewMessage,
    ReceivedSms,
    parse_cmgl,
    parse_cmgr,
    parse_cmti,
    parse_cpms,
)
from drivers.serial.gsm.sms_parts import MAX_PARTS, PREFIX_LENGTH, SMS_SEPTETS, SMS_UCS2_UNITS, SmsPart, split_sms
from drivers.serial.gsm.time_stamps import format_scts, parse_scts
from drivers.serial.gsm.user_data import (
    Concatenation,
    dcs_alphabet,
    gsm7_pack,
    gsm7_unpack,
    user_data_decode,
    user_data_encode,
)

__all__ = [
    "CME_MEANINGS", "CMS_MEANINGS", "CREG_STATES", "CTRL_Z", "ESCAPE", "MAX_PARTS", "PREFIX_LENGTH",
    "RECEIVED_STATUSES", "SMS_SEPTETS", "SMS_UCS2_UNITS", "STORED_STATUSES",
    "Concatenation", "Creg", "Csq", "Encoding", "ErrorResult", "GsmCodecError", "ListedSms", "NewMessage",
    "ReceivedSms", "SmsPart",
    "can_encode_gsm7", "choose_encoding", "csq_to_bars", "csq_to_dbm", "dcs_alphabet", "decode_text", "encode_text",
    "format_scts", "gsm7_decode", "gsm7_encode", "gsm7_pack", "gsm7_septets", "gsm7_unpack",
    "is_error_line", "is_gsm7_safe", "normalise_phone_number", "number_type", "parse_cmgl", "parse_cmgr",
    "parse_cmgs", "parse_cmti", "parse_cpms", "parse_creg", "parse_csq", "parse_error", "parse_scts",
    "split_sms", "ucs2_decode", "ucs2_encode", "ucs2_units", "user_data_decode", "user_data_encode",
]
