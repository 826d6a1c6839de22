"""Generated abstract images (a colour gradient with a shape, never a photograph) served on loopback.

Why here: the console's browser tests and the screenshot script both need media URLs that answer with a real
image, so that blurring and revealing can be seen; one server keeps the two from drifting apart.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def abstract_png(seed: int) -> bytes:
    """A 160x160 PNG whose colours depend on ``seed``."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (160, 160))
    draw = ImageDraw.Draw(img)
    for y in range(160):
        draw.line([(0, y), (159, y)], fill=((y * 3 + seed * 40) % 256, (seed * 70) % 256, 255 - y))
    draw.ellipse([40, 40, 120, 120], fill=((seed * 90) % 256, 200, 80))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


class _Handler(BaseHTTPRequestHandler):
    """``GET /img/N.png`` (any path; its digits are the seed) answers :func:`abstract_png`."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = abstract_png(int("".join(c for c in self.path if c.isdigit()) or "0"))
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_abstract_images() -> Iterator[str]:
    """Serve :func:`abstract_png` on a free loopback port (never another interface); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
