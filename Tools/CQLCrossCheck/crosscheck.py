"""Compares DNA's CQL encoding with the Python driver's (cassandra-driver), byte for byte.

Reads the JSON document that the Swift tool `crosscheck` prints (see main.swift): request frames, which the
driver must produce identically; response frames with our decoding, which the driver must decode to the same
values; Murmur3 tokens, which the driver's murmur3 must reproduce. Exits non-zero on any difference.
"""

import binascii
import io
import json
import sys
import uuid

from cassandra import ConsistencyLevel as CL
from cassandra.cqltypes import (BooleanType, BytesType, DoubleType, Int32Type, LongType, UTF8Type,
                                UUIDType)
from cassandra.murmur3 import murmur3
from cassandra.policies import WriteType
from cassandra.protocol import (AuthResponseMessage, BatchMessage, ExecuteMessage, OptionsMessage,
                                PrepareMessage, ProtocolHandler, QueryMessage, RegisterMessage,
                                StartupMessage)
from cassandra.query import BatchType, UNSET_VALUE

V4 = 4
SELECT = "SELECT * FROM t WHERE k = ?"


def encode(message, stream):
    return binascii.hexlify(ProtocolHandler.encode_message(message, stream, V4, None, False)).decode()


def query(text, consistency, values, **options):
    message = QueryMessage(text, consistency, **options)
    message.query_params = values
    return message


def item_values():
    return [UTF8Type.serialize(v, V4) for v in ("default", "chat.room", "lobby", "log", "msg/1")] + [b"\x01\x02\x03"]


def requests():
    typed = [
        UTF8Type.serialize("kremówki", V4), LongType.serialize(-2, V4), Int32Type.serialize(7, V4),
        BooleanType.serialize(True, V4), DoubleType.serialize(1.5, V4), BytesType.serialize(b"\x00\x01\xff", V4),
        UUIDType.serialize(uuid.UUID("01234567-89ab-cdef-0123-456789abcdef"), V4), None, UNSET_VALUE,
    ]
    forty_two = [Int32Type.serialize(42, V4)]
    return {
        "options": encode(OptionsMessage(), 0),
        "startup": encode(StartupMessage(cqlversion="3.0.0", options={}), 0),
        "auth_response": encode(AuthResponseMessage(b"\x00cassandra\x00cassandra"), 7),
        "query_int": encode(query(SELECT, CL.QUORUM, forty_two), 1),
        "query_full": encode(query(SELECT, CL.QUORUM, forty_two, fetch_size=5000, paging_state=b"\xca\xfe",
                                   serial_consistency_level=CL.LOCAL_SERIAL, timestamp=1700000000000000), 1),
        "query_typed": encode(query("INSERT INTO ks.t (a, b, c, d, e, f, g, h, i) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                    CL.LOCAL_QUORUM, typed), 2),
        # The driver sets the Values flag for any list, even an empty one; both forms are valid, ours omits it.
        "query_no_values": encode(query("SELECT release_version FROM system.local", CL.ONE, None), 9),
        "prepare": encode(PrepareMessage(SELECT), 3),
        "execute": encode(ExecuteMessage(query_id=b"\x01\x02\x03\x04", query_params=forty_two,
                                         consistency_level=CL.ONE), 4),
        "execute_paged": encode(ExecuteMessage(query_id=b"\x01\x02\x03\x04",
                                               query_params=[UTF8Type.serialize("a", V4), LongType.serialize(3, V4)],
                                               consistency_level=CL.LOCAL_QUORUM, fetch_size=100,
                                               paging_state=b"\x01\x02\x03", serial_consistency_level=CL.SERIAL), 300),
        "batch_logged": encode(BatchMessage(BatchType.LOGGED, [(True, b"\x01\x02\x03\x04", forty_two),
                                                               (False, "INSERT INTO t (k) VALUES (1)", [])],
                                            CL.QUORUM, serial_consistency_level=CL.SERIAL), 5),
        "batch_unlogged": encode(BatchMessage(BatchType.UNLOGGED, [(True, b"\xde\xad", item_values()),
                                                                   (True, b"\xde\xad", item_values())],
                                              CL.LOCAL_QUORUM, timestamp=1700000000123456), 6),
        "register": encode(RegisterMessage(["TOPOLOGY_CHANGE", "STATUS_CHANGE", "SCHEMA_CHANGE"]), 6),
    }


def value(cell):
    if cell is None:
        return None
    if isinstance(cell, bytes):
        return binascii.hexlify(cell).decode()
    if isinstance(cell, uuid.UUID):
        return str(cell)
    return cell


def summary(message):
    name = type(message).__name__
    warnings = getattr(message, "warnings", None)
    if name == "ReadyMessage":
        result = {"type": "ready"}
    elif name == "AuthenticateMessage":
        result = {"type": "authenticate", "authenticator": message.authenticator}
    elif name == "AuthSuccessMessage":
        # The driver reads the [bytes] token as a string and gives '' for a null one.
        token = message.token
        result = {"type": "auth_success", "token": None if not token else binascii.hexlify(token.encode()).decode()}
    elif name == "SupportedMessage":
        # The driver moves CQL_VERSION out of the options into cql_versions.
        options = dict(message.options)
        options["CQL_VERSION"] = list(message.cql_versions)
        result = {"type": "supported", "options": options}
    elif name == "EventMessage":
        arguments = message.event_args
        result = {"type": "event", "event": message.event_type, "change": arguments["change_type"]}
        if "address" in arguments:
            result["address"], result["port"] = arguments["address"]
    elif hasattr(message, "code"):
        result = {"type": "error", "code": message.code, "message": message.message}
        info = message.info
        if message.code == 0x1100:
            result.update(consistency=info["consistency"], received=info["received_responses"],
                          required=info["required_responses"],
                          write_type=WriteType.value_to_name[info["write_type"]])
        elif message.code == 0x1000:
            result.update(consistency=info["consistency"], required=info["required_replicas"],
                          alive=info["alive_replicas"])
        elif message.code == 0x2500:
            result["id"] = info.hex()
    else:
        kind = message.kind
        if kind == 1:
            result = {"type": "void"}
        elif kind == 2:
            result = {"type": "rows", "columns": list(message.column_names),
                      "rows": [[value(cell) for cell in row] for row in message.parsed_rows],
                      "paging_state": None if message.paging_state is None else message.paging_state.hex()}
        elif kind == 3:
            result = {"type": "set_keyspace", "keyspace": message.new_keyspace}
        elif kind == 4:
            result = {"type": "prepared", "id": message.query_id.hex(), "pk_indexes": list(message.pk_indexes),
                      "bind_names": [column[2] for column in message.bind_metadata]}
        elif kind == 5:
            event = message.schema_change_event
            result = {"type": "schema_change", "change": event["change_type"], "target": event["target_type"],
                      "keyspace": event["keyspace"], "name": event.get("table", event.get("name", ""))}
        else:
            result = {"type": "result kind %d" % kind}
    if warnings:
        result["warnings"] = list(warnings)
    return result


def decode(frame):
    stream = int.from_bytes(frame[2:4], "big", signed=True)
    return ProtocolHandler.decode_message(V4, {}, stream, frame[1], frame[4], frame[9:], None, None)


def main():
    ours = json.load(sys.stdin)
    failures = []
    checked = 0

    theirs = requests()
    for name, frame in sorted(theirs.items()):
        checked += 1
        mine = ours["requests"].get(name, {}).get("hex")
        if mine != frame:
            failures.append("request %s differs:\n  ours   %s\n  driver %s" % (name, mine, frame))

    for entry in ours["responses"]:
        checked += 1
        decoded = summary(decode(binascii.unhexlify(entry["hex"])))
        if decoded != entry["decoded"]:
            failures.append("response %s decodes differently:\n  ours   %s\n  driver %s"
                            % (entry["name"], json.dumps(entry["decoded"], sort_keys=True),
                               json.dumps(decoded, sort_keys=True)))

    for entry in ours["tokens"]:
        checked += 1
        expected = murmur3(binascii.unhexlify(entry["key"]))
        if str(expected) != entry["token"]:
            failures.append("token of %s: ours %s, driver %s" % (entry["key"], entry["token"], expected))

    for failure in failures:
        print(failure)
    print("cql cross-check: %d passed, %d failed" % (checked - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
