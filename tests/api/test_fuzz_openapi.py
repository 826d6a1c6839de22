"""No 500 from any input: schemathesis against the live OpenAPI, every operation, every role, all checks.

Bounded in time on purpose (a few seconds per backend): each operation gets ``EXAMPLES`` generated requests,
each sent with one of the roles (or no key at all). Every response must pass schemathesis' checks: no server
error, a documented status code and content type, a body matching the documented schema, invalid data
refused, valid data accepted. "Accepted" here includes the domain's refusals of schema-valid requests that
break a rule JSON Schema cannot say (404 for an unknown id, 409 for a wrong workflow state, 422 for "one of
title or body", 403 for a role without the permission) -- but never a 5xx.
"""

from __future__ import annotations

import collections
import os
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adwarden.api.app import create_app
from adwarden.permissions import ROLES
from adwarden.reporting.ncmec.standin import StandinServer
from adwarden.runtime import Runtime
from tests.reporting.storefix import PASSWORD, USER, configured, store_case

pytestmark = pytest.mark.timeout(600)

EXAMPLES = int(os.environ.get("ADWARDEN_FUZZ_EXAMPLES", "12"))  # raise it for a longer run
KEYS = {f"fuzz-{role}-key": f"fuzz-{role}:{role}" for role in ROLES} | {"fuzz-none-key": "fuzz-none:"}
AUTH = [{"Authorization": f"Bearer {k}"} for k in KEYS] + [{}]
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422"]}}}
)


def _fuzz(runtime: Runtime, ncmec: StandinServer) -> tuple[int, collections.Counter[str]]:
    runtime.settings = configured(runtime.settings, ncmec, api_keys=dict(KEYS))
    store_case(runtime)  # a restricted (child-safety) case and a linked post, so ids exist
    app = create_app(runtime=runtime)
    with TestClient(app):  # run the lifespan once
        pass
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
    failures: collections.Counter[str] = collections.Counter()
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), auth=st.sampled_from(AUTH))
        def run(case: Any, auth: dict[str, str]) -> None:
            nonlocal calls
            calls += 1
            try:
                case.call_and_validate(headers=auth)
            except (Exception, BaseExceptionGroup) as exc:  # collect every failure, report them all at once
                for sub in getattr(exc, "exceptions", [exc]):
                    lines = [ln for ln in str(sub).strip().splitlines() if ln.strip()]
                    failures[f"{case.operation.label}: {getattr(sub, 'title', type(sub).__name__)}: "
                             f"{' | '.join(lines[1:3])[:200]}"] += 1

        run()
    return calls, failures


def test_no_server_error_and_every_status_documented(backend_runtime: Runtime) -> None:
    with StandinServer(username=USER, password=PASSWORD) as ncmec:  # NCMEC's test service, on loopback
        calls, failures = _fuzz(backend_runtime, ncmec)
    assert calls > 300
    assert not failures, "\n".join(f"{n}x {k}" for k, n in failures.most_common())
