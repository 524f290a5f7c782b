"""A stand-in for the Cloudflare Terraform provider, on loopback, so that the real ``terraform``
binary makes real plans of ``cloudflare_logpush_job`` (the provider itself cannot be downloaded
here).

It speaks Terraform's plugin protocol 6 (hashicorp/terraform, docs/plugin-protocol/
tfplugin6.8.proto, the protocol of Terraform 1.11): gRPC service ``tfplugin6.Provider``, whose
messages are protobuf with values as msgpack (docs/plugin-protocol/object-wire-format.md; an
unknown value is msgpack extension 0: zclconf/go-cty, cty/msgpack/unknown.go, unknownValBytes). Terraform finds it
through ``TF_REATTACH_PROVIDERS`` (hashicorp/go-plugin's ReattachConfig, as provider debug mode
uses it), so nothing is installed and nothing leaves 127.0.0.1.

The schema it serves is the provider's own at a tag (``fixtures/terraform/provider-schemas.json``,
written by ``scripts/terraform-provider-schemas`` from the provider's Go source). Planning a new
resource follows the provider's SDK: a value the configuration leaves out takes the schema's
default (terraform-plugin-framework's Default, SDKv2's Default), else is unknown where computed,
else null. That is the part of a plan that depends on the provider; the rest (the JSON, what is
sensitive, what is unknown) is Terraform's own.

The 4.x provider (SDKv2) speaks protocol 5; the stand-in serves its schema over protocol 6,
which changes nothing in a plan's JSON (Terraform core renders it from the schema).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import msgpack

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "terraform" / "provider-schemas.json"
PROVIDER_ADDRESS = "registry.terraform.io/cloudflare/cloudflare"
RESOURCE = "cloudflare_logpush_job"
# cty's msgpack form of an unknown value: fixext1, type 0, one zero byte (unknownValBytes,
# {0xd4, 0, 0}).
UNKNOWN = msgpack.ExtType(0, b"\x00")


def versions() -> dict[str, Any]:
    return json.loads(SCHEMAS.read_text())["versions"]


# -- protobuf, by hand: varints and length-delimited fields are all these messages use ---------

def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low = number & 0x7F
        number >>= 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _bytes_field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value) if value else b""


def _bool_field(number: int, value: bool) -> bytes:
    return _int_field(number, 1 if value else 0)


def parse(message: bytes) -> dict[int, list[Any]]:
    """Field number -> values (int for varints, bytes for length-delimited)."""
    fields: dict[int, list[Any]] = {}
    at = 0

    def varint() -> int:
        nonlocal at
        value = shift = 0
        while True:
            byte = message[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    while at < len(message):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            fields.setdefault(number, []).append(varint())
        elif wire == 2:
            length = varint()
            fields.setdefault(number, []).append(message[at:at + length])
            at += length
        else:
            raise ValueError(f"wire type {wire} is not used by these messages")
    return fields


# -- the schema as tfplugin6 messages ---------------------------------------------------------

def _type_json(kind: Any) -> bytes:
    return json.dumps(kind).encode()


def _attribute(name: str, row: dict[str, Any]) -> bytes:
    out = _bytes_field(1, name.encode())
    if row["type"] == "object":  # Schema.Object, nesting SINGLE (1)
        nested = b"".join(_bytes_field(1, _attribute(n, r))
                          for n, r in sorted(row["attributes"].items()))
        out += _bytes_field(10, nested + _int_field(3, 1))
    else:
        out += _bytes_field(2, _type_json(row["type"]))
    return (out + _bool_field(4, row["required"]) + _bool_field(5, row["optional"])
            + _bool_field(6, row["computed"]) + _bool_field(7, row["sensitive"]))


def _block(attributes: dict[str, Any], blocks: dict[str, Any]) -> bytes:
    out = b"".join(_bytes_field(2, _attribute(n, r)) for n, r in sorted(attributes.items()))
    for name, block in sorted(blocks.items()):  # Schema.NestedBlock, nesting LIST (2)
        inner = _block(block["attributes"], {})
        out += _bytes_field(3, _bytes_field(1, name.encode()) + _bytes_field(2, inner)
                            + _int_field(3, 2) + _int_field(5, block["max_items"]))
    return out


def provider_schema_response(schema: dict[str, Any]) -> bytes:
    resource = (_int_field(1, schema["schema_version"])
                + _bytes_field(2, _block(schema["attributes"], schema["blocks"])))
    entry = _bytes_field(1, RESOURCE.encode()) + _bytes_field(2, resource)
    provider = _bytes_field(2, b"")  # a provider block with no attributes
    return _bytes_field(1, provider) + _bytes_field(2, entry)


# -- planning a new resource ------------------------------------------------------------------

def _planned(row: dict[str, Any], configured: Any) -> Any:
    if configured is not None:
        if row["type"] == "object":
            return {name: _planned(inner, configured.get(name))
                    for name, inner in row["attributes"].items()}
        return configured
    if "default" in row:
        return row["default"]
    return UNKNOWN if row["computed"] else None


def plan(schema: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    planned = {name: _planned(row, config.get(name)) for name, row in schema["attributes"].items()}
    for name, block in schema["blocks"].items():
        planned[name] = [{field: _planned(row, element.get(field))
                          for field, row in block["attributes"].items()}
                         for element in (config.get(name) or [])]
    return planned


def _dynamic_value(message: bytes) -> Any:
    return msgpack.unpackb(parse(message)[1][0], raw=False, strict_map_key=False)


class StandIn:
    """The provider, serving one version's schema; ``plans`` records every planned config."""

    def __init__(self, version: str) -> None:
        self.schema = versions()[version]
        self.plans: list[dict[str, Any]] = []

    def handlers(self) -> grpc.GenericRpcHandler:
        empty = {name: (lambda request, context: b"") for name in (
            "ValidateProviderConfig", "ValidateResourceConfig", "ConfigureProvider",
            "StopProvider", "GetFunctions")}
        methods = {**empty,
                   "GetProviderSchema": lambda request, context: provider_schema_response(
                       self.schema),
                   "PlanResourceChange": self._plan_resource_change}
        return grpc.method_handlers_generic_handler("tfplugin6.Provider", {
            name: grpc.unary_unary_rpc_method_handler(call) for name, call in methods.items()})

    def _plan_resource_change(self, request: bytes, context: Any) -> bytes:
        fields = parse(request)
        config = _dynamic_value(fields[4][0]) if 4 in fields else None
        if config is None:  # destroying: nothing is planned
            return _bytes_field(1, _bytes_field(1, msgpack.packb(None)))
        self.plans.append(config)
        planned = msgpack.packb(plan(self.schema, config), use_bin_type=True)
        # SDKv2 plans its Defaults on attributes that are not computed, which Terraform accepts
        # only from the legacy SDK: its PlanResourceChange sets legacy_type_system, field 5 of
        # the response (terraform-plugin-sdk/v2, helper/schema/grpc_provider.go:
        # "resp.UnsafeToUseLegacyTypeSystem = true").
        legacy = _bool_field(5, self.schema["sdk"] == "sdkv2")
        return _bytes_field(1, _bytes_field(1, planned)) + legacy


@contextmanager
def serving(version: str) -> Iterator[tuple[StandIn, str]]:
    """The stand-in listening on 127.0.0.1, and the TF_REATTACH_PROVIDERS value pointing at it."""
    stand_in = StandIn(version)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((stand_in.handlers(),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    reattach = {PROVIDER_ADDRESS: {
        "Protocol": "grpc", "ProtocolVersion": 6, "Pid": os.getpid(), "Test": True,
        "Addr": {"Network": "tcp", "String": f"127.0.0.1:{port}"}}}
    try:
        yield stand_in, json.dumps(reattach)
    finally:
        server.stop(grace=None)
