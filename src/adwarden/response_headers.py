"""An ASGI middleware that adds security headers to every HTTP response: the one the API and the console share.

Why one: both front ends serve text written by adversaries, so both must put their headers on every answer,
including answers no route produced (a 404, a refusal made by another middleware). Only *which* headers differ
(the API's CSP forbids everything, the console's allows its own scripts; static files may be cached), so each
caller passes a function of the request path, and says whether its headers replace what a route already set
(the console insists on its own) or only fill in what is missing (the API lets a route choose).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: The headers to add for one request path (lower-case names).
HeadersFor = Callable[[str], Mapping[str, str]]


class ResponseHeaders:
    """ASGI middleware: every HTTP response start gets ``headers_for(path)``; ``replace`` says whether they win
    over a header of the same name the response already carries."""

    def __init__(self, app: ASGIApp, headers_for: HeadersFor, *, replace: bool) -> None:
        self.app = app
        self.headers_for = headers_for
        self.replace = replace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers_for(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                present = {key.lower() for key, _ in headers.raw}
                for name, value in extra.items():
                    if self.replace or name.encode("latin-1") not in present:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
