"""Logpush jobs in a Terraform plan (``terraform show -json tfplan``). Pure: a parsed plan in,
the planned jobs out.

The plan format is Terraform's "JSON Output Format" (developer.hashicorp.com/terraform/internals/
json-format): ``resource_changes[]`` with ``address``, ``type``, ``mode`` and ``change`` holding
``actions``, ``after`` (values known now; unknown ones are absent), ``after_unknown`` (true where
a value is known only after apply) and ``after_sensitive`` (true where a value is sensitive; the
value itself is still in ``after``, in clear).

``cloudflare_logpush_job`` in the two provider majors people run (terraform-provider-cloudflare,
read in its source):

- 5.x, ``internal/services/logpush_job/schema.go``: ``output_options`` is one nested object with
  ``cve_2021_44228``; ``id`` is a number; ``ownership_challenge`` is sensitive; ``frequency``
  defaults to ``"high"``, ``max_upload_records`` to 100000 and ``max_upload_interval_seconds`` to
  30 (provider defaults, not the user's choice).
- 4.x, the SDKv2 schema restated in ``internal/services/logpush_job/migration/v500/schema.go``:
  ``output_options`` is a block, a list of at most one object, with ``cve20214428``; ``id`` is a
  string.

Each planned job is turned into the API's job shape (what ``hec-doctor job`` judges), with the
fields that are unknown until apply listed apart so that no check judges their absence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hec_doctor.errors import InputError, json_input

RESOURCE_TYPE = "cloudflare_logpush_job"
# The actions that leave a job in place after apply ("delete" alone removes it, "no-op" and
# "read" change nothing), as Terraform's plan format names them.
ACTIONS = {
    ("create",): "created",
    ("update",): "updated",
    ("delete", "create"): "replaced",
    ("create", "delete"): "replaced",
}
# Values the provider plans for an attribute the configuration left out, which are no choice of
# the user's (cloudflare/terraform-provider-cloudflare, internal/services/logpush_job/schema.go,
# read at every 5.x tag): 5.0 to 5.6 plan frequency "high", max_upload_interval_seconds 30 and
# max_upload_records 100000; 5.7 stops defaulting max_upload_*, and plans kind ""; 5.13 and
# later plan 0 for every max_upload_* and "" for filter, name and logpull_options. A plan does
# not say which provider version made it, so a value is read as a default when it is one of
# these for any version and the configuration does not set it. dataset ("http_requests", 5.4+)
# and enabled (false, 5.8+) are left: the API receives them, and the checks judge them.
PROVIDER_DEFAULTS: dict[str, tuple[object, ...]] = {
    "frequency": ("high",),
    "max_upload_interval_seconds": (30, 0),
    "max_upload_records": (100000, 0),
    "max_upload_bytes": (0,),
    "filter": ("",),
    "name": ("",),
    "logpull_options": ("",),
    "kind": ("",),
}
# Attributes only the 5.x schema has (computed ones; the 4.x SDKv2 schema, restated in
# migration/v500/schema.go, has none of them): in a plan they are known or marked unknown.
SCHEMA_5_ONLY = ("error_message", "last_complete", "last_error")


@dataclass(frozen=True)
class PlannedJob:
    """One ``cloudflare_logpush_job`` the plan creates, updates or replaces.

    Attributes:
        address: the resource address, e.g. ``cloudflare_logpush_job.splunk["prod"]``.
        action: ``created``, ``updated`` or ``replaced``.
        schema: ``5.x`` or ``4.x`` when the values' shape says which provider major planned it,
            None when both read alike (no ``output_options``).
        job: the job in the API's shape, holding only values known now.
        unknown: the job fields known only after apply.
        sensitive: the job fields the plan marks sensitive.
        secrets: the text of every sensitive value (never to be printed).
        defaults: fields left out because they hold a provider default the configuration did
            not set.
    """

    address: str
    action: str
    schema: str | None
    job: Mapping[str, Any]
    unknown: tuple[str, ...]
    sensitive: tuple[str, ...]
    secrets: tuple[str, ...]
    defaults: tuple[str, ...]

    @property
    def scope(self) -> tuple[str, str] | None:
        """``(zones|accounts, id)`` when the plan knows it."""
        for field, scope in (("zone_id", "zones"), ("account_id", "accounts")):
            value = self.job.get(field)
            if isinstance(value, str) and value:
                return scope, value
        return None


def parse_plan(text: str, source: str = "plan") -> dict[str, Any]:
    """The plan document.

    Raises:
        InputError: not JSON, not a plan, or a plan format major version other than 1 (the
            format's rule: reject an unsupported major version).
    """
    document = json_input(text, source, "a Terraform plan")
    if not isinstance(document, dict) or "format_version" not in document:
        raise InputError(f"{source} is not a Terraform plan in JSON (make one with "
                         "`terraform show -json tfplan > plan.json`)")
    version = str(document.get("format_version"))
    if version.split(".")[0] not in ("0", "1"):
        raise InputError(f"{source} uses plan format {version}; hec-doctor reads 0.x and 1.x")
    if "resource_changes" not in document and "planned_values" not in document:
        raise InputError(f"{source} is a Terraform state, not a plan (it has no "
                         "resource_changes): run `terraform show -json tfplan` on a plan file")
    return document


def planned_jobs(plan: Mapping[str, Any]) -> list[PlannedJob]:
    """Every ``cloudflare_logpush_job`` the plan creates, updates or replaces, in plan order."""
    configured = dict(_configured_fields(plan))
    found = []
    for change in plan.get("resource_changes") or ():
        if not isinstance(change, dict) or change.get("type") != RESOURCE_TYPE:
            continue
        if change.get("mode", "managed") != "managed":
            continue
        body = change.get("change") or {}
        action = ACTIONS.get(tuple(body.get("actions") or ()))
        if action is None:
            continue
        address = str(change.get("address", RESOURCE_TYPE))
        found.append(_planned(address, action, body, configured.get(_config_address(address))))
    return found


def _planned(address: str, action: str, body: Mapping[str, Any],
             configured: frozenset[str] | None) -> PlannedJob:
    after: Mapping[str, Any] = body["after"] if isinstance(body.get("after"), dict) else {}
    unknown_marks: Mapping[str, Any] = (body["after_unknown"]
                                        if isinstance(body.get("after_unknown"), dict) else {})
    sensitive_marks = body.get("after_sensitive")
    schema = _schema(after, unknown_marks)
    job: dict[str, Any] = {}
    for field, value in after.items():
        if field == "output_options":
            value = _output_options(value)
        if value is not None:
            job[field] = value
    unknown = tuple(sorted(f for f, mark in unknown_marks.items() if _any_true(mark)))
    for field in unknown:
        job.pop(field, None)
    defaults = []
    for field, values in PROVIDER_DEFAULTS.items():
        if field in job and configured is not None and field not in configured and any(
                job[field] == value and type(job[field]) is type(value) for value in values):
            job.pop(field)
            defaults.append(field)
    if sensitive_marks is True:  # the whole object is sensitive
        sensitive = tuple(sorted(after))
    elif isinstance(sensitive_marks, dict):
        sensitive = tuple(sorted(f for f, mark in sensitive_marks.items() if _any_true(mark)))
    else:
        sensitive = ()
    secrets = tuple(text for field in sensitive for text in _strings(after.get(field)) if text)
    return PlannedJob(address=address, action=action, schema=schema, job=job, unknown=unknown,
                      sensitive=sensitive, secrets=secrets, defaults=tuple(defaults))


def _schema(after: Mapping[str, Any], unknown: Mapping[str, Any]) -> str | None:
    options = after.get("output_options")
    if isinstance(options, list):
        return "4.x"
    if isinstance(options, dict):
        return "5.x"
    if isinstance(after.get("id"), int) and not isinstance(after.get("id"), bool):
        return "5.x"
    if any(field in after or field in unknown for field in SCHEMA_5_ONLY):
        return "5.x"
    return None


def _output_options(value: object) -> object:
    """The API's ``output_options`` object from either provider's shape."""
    if isinstance(value, list):  # 4.x: a block, a list of at most one object
        value = value[0] if value else None
    if isinstance(value, dict) and "cve20214428" in value:
        value = {("cve_2021_44228" if k == "cve20214428" else k): v for k, v in value.items()}
    return value


def _any_true(mark: object) -> bool:
    """True when a marker (``after_unknown`` or ``after_sensitive``) is true anywhere in it."""
    if mark is True:
        return True
    if isinstance(mark, dict):
        return any(_any_true(m) for m in mark.values())
    if isinstance(mark, list):
        return any(_any_true(m) for m in mark)
    return False


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif value is not None and not isinstance(value, bool):
        yield json.dumps(value)


# `module.a["x"].cloudflare_logpush_job.b[0]` is configured as `module.a.cloudflare_logpush_job.b`
_INDEX = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]')


def _config_address(address: str) -> str:
    return _INDEX.sub("", address)


def _configured_fields(plan: Mapping[str, Any]) -> Iterator[tuple[str, frozenset[str]]]:
    """(configuration address, the fields the configuration sets) for every Logpush resource
    in the plan's ``configuration`` (its modules included)."""
    root = (plan.get("configuration") or {}).get("root_module")
    todo: list[tuple[str, Any]] = [("", root)]
    while todo:
        prefix, module = todo.pop()
        if not isinstance(module, dict):
            continue
        for resource in module.get("resources") or ():
            if isinstance(resource, dict) and resource.get("type") == RESOURCE_TYPE:
                expressions = resource.get("expressions")
                fields = frozenset(expressions) if isinstance(expressions, dict) else frozenset()
                yield f"{prefix}{RESOURCE_TYPE}.{resource.get('name')}", fields
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, dict):
                todo.append((f"{prefix}module.{name}.", call.get("module")))
