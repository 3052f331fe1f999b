"""Record Access Control Point (0x2A52) of the Glucose service: how the hub asks a
meter for its stored records.

A request is op code u8, operator u8, operand. The hub writes it; the records arrive
on the measurement characteristic, and then the meter indicates a response on the
control point: op code 6 (response code) with operator 0, the request's op code and
the response value, or op code 5 (number of stored records) with operator 0 and the
count u16. Filters here are by sequence number (filter type 1, u16 values).

Both directions are here: the hub encodes requests and decodes responses; a simulated
meter decodes requests (RacpRequestError carries the response code to answer with)
and encodes responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar

from drivers.ble.errors import BleCodecError
from drivers.ble.wire import Reader, Writer, as_bytes


class RacpOpcode(IntEnum):
    REPORT_STORED_RECORDS = 1
    DELETE_STORED_RECORDS = 2
    ABORT_OPERATION = 3
    REPORT_NUMBER_OF_STORED_RECORDS = 4
    NUMBER_OF_STORED_RECORDS_RESPONSE = 5
    RESPONSE_CODE = 6


class RacpOperator(IntEnum):
    NULL = 0
    ALL_RECORDS = 1
    LESS_THAN_OR_EQUAL_TO = 2
    GREATER_THAN_OR_EQUAL_TO = 3
    WITHIN_RANGE_OF = 4
    FIRST_RECORD = 5
    LAST_RECORD = 6


class RacpResponseCode(IntEnum):
    SUCCESS = 1
    OP_CODE_NOT_SUPPORTED = 2
    INVALID_OPERATOR = 3
    OPERATOR_NOT_SUPPORTED = 4
    INVALID_OPERAND = 5
    NO_RECORDS_FOUND = 6
    ABORT_UNSUCCESSFUL = 7
    PROCEDURE_NOT_COMPLETED = 8
    OPERAND_NOT_SUPPORTED = 9


FILTER_SEQUENCE_NUMBER = 0x01
REQUEST_OPCODES = (RacpOpcode.REPORT_STORED_RECORDS, RacpOpcode.DELETE_STORED_RECORDS,
                   RacpOpcode.ABORT_OPERATION, RacpOpcode.REPORT_NUMBER_OF_STORED_RECORDS)
NO_OPERAND = (RacpOperator.ALL_RECORDS, RacpOperator.FIRST_RECORD, RacpOperator.LAST_RECORD)


class RacpRequestError(BleCodecError):
    """A request a meter cannot carry out, with the response code it answers with."""

    def __init__(self, request_opcode: int, response_code: RacpResponseCode, detail: str) -> None:
        super().__init__(detail)
        self.request_opcode = request_opcode
        self.response_code = response_code


@dataclass(frozen=True)
class RacpRequest:
    """`minimum` goes with >= and within-range, `maximum` with <= and within-range
    (sequence numbers, inclusive)."""

    opcode: RacpOpcode
    operator: RacpOperator
    minimum: int | None = None
    maximum: int | None = None

    KIND: ClassVar[str] = "racp_request"

    def units(self) -> dict[str, str]:
        return {}


@dataclass(frozen=True)
class RacpResponse:
    """Op code 6: how the request with `request_opcode` ended."""

    request_opcode: int  # a RacpOpcode when it is one
    response_code: RacpResponseCode

    KIND: ClassVar[str] = "racp_response"

    @property
    def success(self) -> bool:
        return self.response_code == RacpResponseCode.SUCCESS

    def units(self) -> dict[str, str]:
        return {}


@dataclass(frozen=True)
class RacpNumberOfRecords:
    """Op code 5: the answer to "report number of stored records"."""

    count: int

    KIND: ClassVar[str] = "racp_number_of_records"

    def units(self) -> dict[str, str]:
        return {}


def _operand_error(opcode: int, code: RacpResponseCode, detail: str) -> RacpRequestError:
    return RacpRequestError(opcode, code, f"record access control point request: {detail}")


def decode_racp_request(data: bytes) -> RacpRequest:
    reader = Reader(data, "record access control point request")
    if not reader.left():
        raise _operand_error(0, RacpResponseCode.OP_CODE_NOT_SUPPORTED, "empty")
    raw_opcode = reader.u8("op code")
    if raw_opcode not in REQUEST_OPCODES:
        raise _operand_error(raw_opcode, RacpResponseCode.OP_CODE_NOT_SUPPORTED,
                             f"op code {raw_opcode} is not a request")
    opcode = RacpOpcode(raw_opcode)
    if not reader.left():
        raise _operand_error(opcode, RacpResponseCode.INVALID_OPERATOR, "no operator")
    raw_operator = reader.u8("operator")
    if raw_operator not in RacpOperator._value2member_map_:
        raise _operand_error(opcode, RacpResponseCode.OPERATOR_NOT_SUPPORTED, f"operator {raw_operator} is reserved")
    operator = RacpOperator(raw_operator)
    if (operator == RacpOperator.NULL) != (opcode == RacpOpcode.ABORT_OPERATION):
        raise _operand_error(opcode, RacpResponseCode.INVALID_OPERATOR,
                             f"operator {operator.name.lower()} does not go with {opcode.name.lower()}")
    minimum = maximum = None
    if operator in (RacpOperator.LESS_THAN_OR_EQUAL_TO, RacpOperator.GREATER_THAN_OR_EQUAL_TO,
                    RacpOperator.WITHIN_RANGE_OF):
        if not reader.left():
            raise _operand_error(opcode, RacpResponseCode.INVALID_OPERAND, "no filter type")
        filter_type = reader.u8("filter type")
        if filter_type != FILTER_SEQUENCE_NUMBER:
            raise _operand_error(opcode, RacpResponseCode.OPERAND_NOT_SUPPORTED,
                                 f"filter type {filter_type} (only 1, sequence number, is supported)")
        size = 4 if operator == RacpOperator.WITHIN_RANGE_OF else 2
        if reader.left() != size:
            raise _operand_error(opcode, RacpResponseCode.INVALID_OPERAND,
                                 f"a sequence-number operand is {size} bytes here, not {reader.left()}")
        if operator == RacpOperator.LESS_THAN_OR_EQUAL_TO:
            maximum = reader.u16("maximum")
        else:
            minimum = reader.u16("minimum")
            if operator == RacpOperator.WITHIN_RANGE_OF:
                maximum = reader.u16("maximum")
                if minimum > maximum:
                    raise _operand_error(opcode, RacpResponseCode.INVALID_OPERAND,
                                         f"range {minimum}-{maximum} is empty")
    if reader.left():
        raise _operand_error(opcode, RacpResponseCode.INVALID_OPERAND,
                             f"operator {operator.name.lower()} takes no operand, got {reader.left()} bytes")
    return RacpRequest(opcode, operator, minimum, maximum)


def encode_racp_request(request: RacpRequest) -> bytes:
    what = "record access control point request"
    try:
        opcode, operator = RacpOpcode(request.opcode), RacpOperator(request.operator)
    except ValueError as exc:
        raise BleCodecError(f"{what}: {exc}") from None
    if opcode not in REQUEST_OPCODES:
        raise BleCodecError(f"{what}: {opcode.name.lower()} is a response, not a request")
    if (operator == RacpOperator.NULL) != (opcode == RacpOpcode.ABORT_OPERATION):
        raise BleCodecError(f"{what}: operator {operator.name.lower()} does not go with {opcode.name.lower()}")
    wants_min = operator in (RacpOperator.GREATER_THAN_OR_EQUAL_TO, RacpOperator.WITHIN_RANGE_OF)
    wants_max = operator in (RacpOperator.LESS_THAN_OR_EQUAL_TO, RacpOperator.WITHIN_RANGE_OF)
    if (request.minimum is not None) != wants_min or (request.maximum is not None) != wants_max:
        raise BleCodecError(f"{what}: operator {operator.name.lower()} takes "
                            f"{'a minimum' if wants_min else 'no minimum'} and "
                            f"{'a maximum' if wants_max else 'no maximum'}")
    out = Writer(what)
    out.u8(opcode, "op code")
    out.u8(operator, "operator")
    if wants_min or wants_max:
        out.u8(FILTER_SEQUENCE_NUMBER, "filter type")
    if wants_min:
        out.u16(request.minimum, "minimum")
    if wants_max:
        out.u16(request.maximum, "maximum")
    if operator == RacpOperator.WITHIN_RANGE_OF and request.minimum > request.maximum:
        raise BleCodecError(f"{what}: range {request.minimum}-{request.maximum} is empty")
    return out.bytes()


def report_all_records() -> bytes:
    """01 01: send every stored record."""
    return encode_racp_request(RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.ALL_RECORDS))


def report_records_from(sequence_number: int) -> bytes:
    """01 03 01 lo hi: send the records with sequence number >= `sequence_number`."""
    return encode_racp_request(RacpRequest(RacpOpcode.REPORT_STORED_RECORDS, RacpOperator.GREATER_THAN_OR_EQUAL_TO,
                                           minimum=sequence_number))


def report_number_of_records(from_sequence_number: int | None = None) -> bytes:
    """04 01 (all), or 04 03 01 lo hi (>= a sequence number): answered by 05 00 lo hi."""
    if from_sequence_number is None:
        return encode_racp_request(RacpRequest(RacpOpcode.REPORT_NUMBER_OF_STORED_RECORDS, RacpOperator.ALL_RECORDS))
    return encode_racp_request(RacpRequest(RacpOpcode.REPORT_NUMBER_OF_STORED_RECORDS,
                                           RacpOperator.GREATER_THAN_OR_EQUAL_TO, minimum=from_sequence_number))


def delete_all_records() -> bytes:
    """02 01. Only after the hub has stored every record (some meters hand them out once)."""
    return encode_racp_request(RacpRequest(RacpOpcode.DELETE_STORED_RECORDS, RacpOperator.ALL_RECORDS))


def abort_operation() -> bytes:
    """03 00: stop a report under way."""
    return encode_racp_request(RacpRequest(RacpOpcode.ABORT_OPERATION, RacpOperator.NULL))


def decode_racp_response(data: bytes) -> RacpResponse | RacpNumberOfRecords:
    what = "record access control point response"
    reader = Reader(data, what)
    opcode = reader.u8("op code")
    if opcode not in (RacpOpcode.RESPONSE_CODE, RacpOpcode.NUMBER_OF_STORED_RECORDS_RESPONSE):
        raise BleCodecError(f"{what}: op code {opcode} is not a response (5 or 6)")
    operator = reader.u8("operator")
    if operator != RacpOperator.NULL:
        raise BleCodecError(f"{what}: the operator of a response is 0 (null), not {operator}")
    if opcode == RacpOpcode.NUMBER_OF_STORED_RECORDS_RESPONSE:
        count = reader.u16("number of records")
        reader.end()
        return RacpNumberOfRecords(count)
    request_opcode = reader.u8("request op code")
    code = reader.u8("response code")
    reader.end()
    if code not in RacpResponseCode._value2member_map_:
        raise BleCodecError(f"{what}: response code {code} is reserved")
    if request_opcode in RacpOpcode._value2member_map_:
        request_opcode = RacpOpcode(request_opcode)
    return RacpResponse(request_opcode, RacpResponseCode(code))


def encode_racp_response(response: RacpResponse | RacpNumberOfRecords) -> bytes:
    out = Writer("record access control point response")
    if isinstance(response, RacpNumberOfRecords):
        out.u8(RacpOpcode.NUMBER_OF_STORED_RECORDS_RESPONSE, "op code")
        out.u8(RacpOperator.NULL, "operator")
        out.u16(response.count, "number of records")
        return out.bytes()
    if not isinstance(response, RacpResponse):
        raise BleCodecError(f"not a record access control point response: {type(response).__name__}")
    try:
        code = RacpResponseCode(response.response_code)
    except ValueError as exc:
        raise BleCodecError(f"record access control point response: {exc}") from None
    out.u8(RacpOpcode.RESPONSE_CODE, "op code")
    out.u8(RacpOperator.NULL, "operator")
    out.u8(response.request_opcode, "request op code")
    out.u8(code, "response code")
    return out.bytes()


def decode_racp(data: bytes) -> RacpRequest | RacpResponse | RacpNumberOfRecords:
    """Either direction, told apart by the op code (5 and 6 are responses)."""
    data = as_bytes(data, "record access control point")
    if len(data) and data[0] in (RacpOpcode.RESPONSE_CODE, RacpOpcode.NUMBER_OF_STORED_RECORDS_RESPONSE):
        return decode_racp_response(data)
    return decode_racp_request(data)
