"""Every page checks the API's permissions; restricted things are invisible: no link, no count, 404."""

from __future__ import annotations

from adwarden.runtime import Runtime
from tests.console.helpers import console, open_case, risky


def test_the_child_safety_queue_does_not_exist_for_a_moderator(backend_runtime: Runtime) -> None:
    rt = backend_runtime
    general = open_case(rt, risky("p-1"))
    minor = open_case(rt, risky("p-2", queue_minor=True))
    with console(rt, "mia", "moderator") as con:
        page = con.get("/console/queues").text
        assert "child-safety" not in page and general not in page
        assert con.get(f"/console/cases/{minor}").status_code == 404
        assert con.get("/console/queues/child-safety").status_code == 404
        assert con.post("/console/queues/child-safety/next").status_code == 404
        assert con.post(f"/console/cases/{minor}/decision", {"label": "not-violating"}).status_code == 404
        assert con.post(f"/console/cases/{minor}/comments", {"body": "x"}).status_code == 404
        assert con.post("/console/media/reveal", {"case_id": minor, "version": 1, "position": 0}).status_code == 404
        assert con.get(f"/console/cases/{general}").status_code == 200
        dash = con.get("/console/dashboard").text
        assert "child-safety" not in dash
    with console(rt, "cara", "child-safety") as con:
        page = con.get("/console/queues").text
        assert "child-safety" in page
        assert con.get(f"/console/cases/{minor}").status_code == 200


def test_desk_banks_policy_and_audit_are_invisible_without_their_permission(runtime: Runtime) -> None:
    with console(runtime, "mia", "moderator") as con:
        nav = con.get("/console/queues").text
        for label, path in (("Legal desk", "/console/legal"), ("Banks", "/console/banks"),
                            ("Policy", "/console/policy"), ("Audit log", "/console/audit")):
            assert label not in nav
            assert con.get(path).status_code == 404, path
        assert con.get("/console/legal/lr-anything").status_code == 404
        assert con.post("/console/banks/debug", {"kind": "phone", "value": "2065550100"}).status_code == 404
    with console(runtime, "leo", "le-liaison") as con:
        nav = con.get("/console/legal").text
        assert "Legal desk" in nav and "Queues" not in nav
        assert con.get("/console/queues").status_code == 403
    with console(runtime, "cory", "compliance") as con:
        assert con.get("/console/audit").status_code == 200
        assert con.get("/console/legal").status_code == 404


def test_a_role_without_case_permissions_cannot_decide(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1"))
    with console(runtime, "cory", "compliance") as con:
        page = con.get(f"/console/cases/{case_id}").text
        assert "decision-bar" not in page  # compliance may read cases, not decide
        r = con.post(f"/console/cases/{case_id}/decision", {"label": "not-violating"})
        assert r.status_code == 403
    with console(runtime, "pat", "platform") as con:
        assert con.get("/console/queues").status_code == 403
        assert con.get(f"/console/cases/{case_id}").status_code == 403
