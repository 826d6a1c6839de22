"""CSRF tokens on every unsafe request, cross-site POSTs refused, and the strict CSP on every response."""

from __future__ import annotations

from sqlalchemy import select

from adwarden.runtime import Runtime
from adwarden.storage.sql.tables import cases
from tests.console.helpers import console, open_case, risky


def _open(rt: Runtime) -> bool:
    with rt.db.read() as conn:
        return conn.execute(select(cases.c.status)).scalar_one() == "open"


def test_a_decision_without_or_with_a_wrong_token_is_refused(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1"))
    with console(runtime, "mia", "moderator") as con:
        missing = con.c.post(f"/console/cases/{case_id}/decision", data={"label": "not-violating"},
                             follow_redirects=False)
        wrong = con.c.post(f"/console/cases/{case_id}/decision",
                           data={"label": "not-violating", "csrf_token": "guessed"}, follow_redirects=False)
        header_wrong = con.c.post(f"/console/cases/{case_id}/decision", data={"label": "not-violating"},
                                  headers={"X-CSRF-Token": "guessed"}, follow_redirects=False)
        assert missing.status_code == wrong.status_code == header_wrong.status_code == 403
        assert "CSRF" in wrong.text
        assert _open(runtime)
        ok = con.c.post(f"/console/cases/{case_id}/decision", data={"label": "not-violating"},
                        headers={"X-CSRF-Token": con.token}, follow_redirects=False)
        assert ok.status_code == 303 and not _open(runtime)


def test_a_cross_site_post_is_refused_even_with_the_token(runtime: Runtime) -> None:
    """A page on another site that got hold of the token still cannot make the reviewer's browser decide."""
    case_id = open_case(runtime, risky("p-1"))
    with console(runtime, "mia", "moderator") as con:
        for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                        {"Origin": "https://evil.example.com"}):
            r = con.post(f"/console/cases/{case_id}/decision", {"label": "not-violating"}, headers=headers)
            assert r.status_code == 403, headers
            assert "cross" in r.text
        assert _open(runtime)
        same = con.post(f"/console/cases/{case_id}/decision", {"label": "not-violating"},
                        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"})
        assert same.status_code == 303 and not _open(runtime)


def test_login_needs_its_own_form_token(runtime: Runtime) -> None:
    from tests.console.helpers import PASSWORD, make_user

    make_user(runtime, "mia", "moderator")
    with console(runtime) as con:
        r = con.c.post("/console/login", data={"username": "mia", "password": PASSWORD}, follow_redirects=False)
        assert r.status_code == 403 and "adw_session" not in r.headers.get("set-cookie", "")


def test_every_console_response_carries_a_strict_csp(runtime: Runtime) -> None:
    with console(runtime, "mia", "moderator") as con:
        for path in ("/console/login", "/console/queues", "/console/no-such-page", "/console/static/console.css"):
            r = con.get(path)
            csp = r.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
            assert r.headers["x-content-type-options"] == "nosniff"
        assert con.get("/console/queues").headers["cache-control"] == "no-store"
        page = con.get("/console/queues").text
        assert "<script>" not in page and " style=" not in page and "onclick" not in page


def test_unknown_pages_are_html_404_never_500(runtime: Runtime) -> None:
    with console(runtime, "mia", "moderator") as con:
        r = con.get("/console/cases/c-does-not-exist")
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        r = con.post("/console/cases/c-does-not-exist/decision", {"label": "not-violating"})
        assert r.status_code == 404
        case_id = open_case(runtime, risky("p-1"))
        r = con.post(f"/console/cases/{case_id}/decision", {"label": "maybe"})
        assert r.status_code == 422 and "label" in r.text and r.headers["content-type"].startswith("text/html")


def test_openapi_docs_load_only_packaged_assets(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/docs").text
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page
    assert "/console/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert client.get("/console/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    assert client.get("/console/static/vendor/htmx/htmx.min.js").status_code == 200
