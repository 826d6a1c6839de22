"""The review loop from the command line: list, show, claim-next, decide, reopen; webhooks add, run, status,
dead letters and replay against a real loopback receiver."""

from __future__ import annotations

import json

from adwarden.actions.receiver import Receiver
from adwarden.domain import Actor
from adwarden.runtime import Runtime
from tests.conftest import Cli
from tests.factories import risky_post


def test_claim_show_decide_and_deliver(cli: Cli, runtime: Runtime) -> None:
    out = runtime.ingest([risky_post("cli-1")], actor=Actor("shop", frozenset({"platform"})))[0]
    assert out.case_id
    with Receiver() as rcv:
        added = json.loads(cli("webhooks", "add", "--site", "example-classifieds", "--url", rcv.url).output)
        rcv.secret = added["secret"]
        bad = cli("webhooks", "add", "--site", "example-classifieds", "--url", "file:///etc/passwd")
        assert bad.exit_code != 0 and "http(s)" in bad.output
        listed = json.loads(cli("cases", "list", "--json").output)
        queue = listed[0]["queue"]
        r = cli("cases", "claim-next", queue)
        assert r.exit_code == 0 and out.case_id in r.output
        assert cli("cases", "claim-next", queue).exit_code == 3  # nothing left unclaimed
        detail = json.loads(cli("cases", "show", out.case_id).output)
        assert detail["assignee"] and detail["post"]["external_id"] == "cli-1"
        assert [h["event"] for h in detail["history"]][-1] == "case-claimed"
        r = cli("cases", "decide", out.case_id, "--label", "violating-trafficking", "--note", "cli")
        assert r.exit_code == 0 and "remove" in r.output and "1 platform event" in r.output
        bad = cli("cases", "decide", out.case_id, "--label", "not-violating")
        assert bad.exit_code != 0 and "reopen" in bad.output
        assert cli("webhooks", "run", "--once").exit_code == 0
        assert [x["body"]["data"]["action"] for x in rcv.received] == ["remove"]
        key = rcv.received[0]["key"]
    status = json.loads(cli("webhooks", "status", key).output)
    assert status["deliveries"][0]["status"] == "delivered"
    assert json.loads(cli("webhooks", "dead").output) == []
    assert "requeued 1" in cli("webhooks", "replay", key).output
    assert cli("cases", "reopen", out.case_id, "--reason", "second look").exit_code == 0
    assert json.loads(cli("cases", "show", out.case_id).output)["status"] == "open"
