"""Every console link and form points inside the console (names shared with the API never leak to /v1)."""

from __future__ import annotations

import re

from adwarden.runtime import Runtime
from tests.console.helpers import console, open_case, risky


def test_console_urls_stay_in_the_console(runtime: Runtime) -> None:
    case_id = open_case(runtime, risky("p-1"))
    with console(runtime, "ada", "admin") as con:
        for path in (f"/console/cases/{case_id}", "/console/queues", "/console/networks", "/console/banks",
                     "/console/policy", "/console/legal", "/console/audit", f"/console/cases/{case_id}/cybertip"):
            html = con.get(path).text
            urls = re.findall(r'(?:action|href|src|hx-post)="(http://testserver[^"]*)"', html)
            assert urls, path
            outside = [u for u in urls if not u.startswith("http://testserver/console/")]
            assert outside == [], (path, outside)
        assert f'action="http://testserver/console/cases/{case_id}/decision"' in con.get(
            f"/console/cases/{case_id}").text
