"""Generated abstract test images (smooth gradients and ellipses): never photographs of anyone."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw


def abstract_image(seed: int, size: tuple[int, int] = (320, 240)) -> Image.Image:
    rng = np.random.default_rng(seed)
    w, h = size
    x = np.linspace(0, 1, w)[None, :]
    y = np.linspace(0, 1, h)[:, None]
    a = rng.uniform(0.5, 3, 3)
    arr = np.stack([(np.sin(a[i] * 6 * x + i) * np.cos(a[(i + 1) % 3] * 5 * y) + 1) * 127 for i in range(3)], -1)
    im = Image.fromarray(arr.astype(np.uint8))
    draw = ImageDraw.Draw(im)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, w - 40)), int(rng.integers(0, h - 40))
        draw.ellipse([x0, y0, x0 + int(rng.integers(20, 80)), y0 + int(rng.integers(20, 80))],
                     fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    return im


def encode(im: Image.Image, fmt: str = "PNG", **kw: object) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()
