"""A fast local webhook receiver for the delivery benchmark: an ASGI app under uvicorn (httptools) that verifies
each signature like adwarden.actions.receiver and counts distinct idempotency keys (GET /count).

    python bench/webhook_receiver_asgi.py SECRET PORT
"""

from __future__ import annotations

import json
import sys
from typing import Any

from adwarden.actions.signing import verify

SECRET = sys.argv[1] if len(sys.argv) > 1 else ""
KEYS: set[str] = set()
BAD = [0]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    if scope["method"] == "GET":
        body = json.dumps({"distinct": len(KEYS), "bad_signatures": BAD[0]}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})
        return
    chunks = []
    more = True
    while more:
        msg = await receive()
        chunks.append(msg.get("body", b""))
        more = msg.get("more_body", False)
    raw = b"".join(chunks)
    headers = {k.decode(): v.decode() for k, v in scope["headers"]}
    ok = verify(SECRET, headers, raw)
    if ok:
        KEYS.add(headers.get("idempotency-key", ""))
    else:
        BAD[0] += 1
    await send({"type": "http.response.start", "status": 200 if ok else 401,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok":true}' if ok else b'{"ok":false}'})


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", http="httptools",
                access_log=False)
