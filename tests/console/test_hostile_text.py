"""Ad text is hostile: markup, event handlers, javascript: URLs and bidi overrides render as inert text.

The browser test (tests/console/browser/) loads the same post in Chromium and checks no script runs and no
request leaves; this test checks the HTML itself on every page the text reaches.
"""

from __future__ import annotations

from adwarden.domain import Account, MediaRef
from adwarden.runtime import Runtime
from tests.console.helpers import console, open_case, risky

HOSTILE_TITLE = '<script>document.title="pwned"</script>New in town, young and fresh'
HOSTILE_BODY = ('"><img src=x onerror=alert(1)> Just arrived this week, available 24/7. 100 roses per hour. I am 19 yrs. '
                '<a href="javascript:alert(2)">menu</a> Call 206-555-0147 \u202etxt.exe\u202c <svg onload=alert(3)>')


def hostile_post(external_id: str = "h-1"):  # type: ignore[no-untyped-def]
    return risky(external_id, title=HOSTILE_TITLE, body=HOSTILE_BODY, location='Seattle"><script>x</script>',
                 account=Account(id="u-<b>9</b>", email="u9@example.com"),
                 media=(MediaRef(url="javascript:alert(4)"), MediaRef(url='https://img.example.com/a.jpg"onload="x'),
                        MediaRef(url="data:image/svg+xml,<svg onload=alert(5)>")))


def test_hostile_text_is_escaped_on_the_case_page(runtime: Runtime) -> None:
    case_id = open_case(runtime, hostile_post())
    with console(runtime, "mia", "moderator") as con:
        html = con.get(f"/console/cases/{case_id}").text
    body = html.split("<main", 1)[1]
    for raw in ("<script>document", "<img src=x", "<svg onload", 'href="javascript', "<b>9</b>", '"><script>x'):
        assert raw not in body, raw
    assert "&lt;script&gt;document.title=" in body and "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "\u202e" not in body and '<span class="bidi"' in body and "U+202E" in body
    assert "<img " not in body.split('class="media-grid')[0]  # no image before the media grid
    assert body.count("<img ") == 0  # none of the three media URLs is a safe http(s) URL


def test_hostile_text_is_escaped_in_queues_networks_and_audit(runtime: Runtime) -> None:
    open_case(runtime, hostile_post())
    with console(runtime, "ada", "admin") as con:
        for path in ("/console/queues/general", "/console/networks", "/console/audit", "/console/dashboard"):
            page = con.get(path).text.split("<main", 1)[1]
            assert "<script>" not in page and "onerror=" not in page.replace("onerror=alert(1)&gt;", ""), path
