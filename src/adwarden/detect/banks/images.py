"""Hash image bytes (MD5, SHA-256, PDQ) without ever crashing on hostile input.

Uploaded media is attacker-controlled: it may not be an image, may be truncated, or may be a decompression
bomb (a tiny file that expands to gigapixels). :func:`hash_image` always returns the cryptographic hashes
(they need no decoding) and either a PDQ hash with its quality or an ``error`` explaining why there is none;
the post is still screened on its text. PDQ is computed with the maintained ``pdqhash`` package and written
as hex exactly as python-threatexchange writes it (first bit most significant), so hashes compare with
hashes from other platforms and from NCMEC/ThreatExchange banks.

>>> from PIL import Image
>>> import io
>>> buf = io.BytesIO(); Image.new("RGB", (64, 64), (200, 30, 30)).save(buf, "PNG")
>>> h = hash_image(buf.getvalue())
>>> (len(h.sha256), h.error is None, h.pdq_quality is not None)
(64, True, True)
>>> hash_image(b"not an image").error
'not a decodable image'
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import numpy as np

from adwarden.domain import MediaRef

#: Largest image (in pixels) that is decoded for PDQ; larger ones are refused as possible decompression bombs.
MAX_PIXELS = 40_000_000
#: Largest encoded image accepted for decoding (bytes).
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class ImageHashes:
    md5: str
    sha256: str
    pdq: str | None = None
    pdq_quality: int | None = None
    error: str | None = None


def pdq_hex(bits: np.ndarray) -> str:
    """256 PDQ bits (first = most significant) as 64 lower-case hex digits."""
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex()


def pdq_of_array(pixels: np.ndarray) -> tuple[str, int]:
    """PDQ (hex, quality) of an RGB ``uint8`` array ``(h, w, 3)``."""
    import pdqhash

    vector, quality = pdqhash.compute(np.ascontiguousarray(pixels, dtype=np.uint8))
    return pdq_hex(vector), int(quality)


def hash_image(data: bytes, *, max_pixels: int = MAX_PIXELS) -> ImageHashes:
    """MD5 and SHA-256 of ``data``, plus PDQ when ``data`` is a decodable image of sane size."""
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    sha256 = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_BYTES:
        return ImageHashes(md5, sha256, error=f"image larger than {MAX_BYTES} bytes")
    try:
        pixels = _decode(data, max_pixels)
    except _Refused as exc:
        return ImageHashes(md5, sha256, error=str(exc))
    try:
        pdq, quality = pdq_of_array(pixels)
    except Exception as exc:  # noqa: BLE001 - a hashing failure on one item must not stop screening
        return ImageHashes(md5, sha256, error=f"PDQ hashing failed: {type(exc).__name__}")
    return ImageHashes(md5, sha256, pdq, quality)


def media_ref_for(data: bytes, *, url: str | None = None) -> MediaRef:
    """A :class:`~adwarden.domain.MediaRef` for uploaded bytes: hashes, PDQ and quality, or the error that
    explains why there is no PDQ (the item is kept and the post is still screened on its text)."""
    h = hash_image(data)
    return MediaRef(url=url, sha256=h.sha256, md5=h.md5, pdq=h.pdq, pdq_quality=h.pdq_quality, error=h.error)


class _Refused(Exception):
    pass


def _decode(data: bytes, max_pixels: int) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    with warnings.catch_warnings():
        # Pillow warns (and at twice its limit raises) on huge images; both mean "refuse".
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as im:
                w, h = im.size
                if w <= 0 or h <= 0:
                    raise _Refused("image has no pixels")
                if w * h > max_pixels:
                    raise _Refused(f"image too large to decode ({w}x{h} pixels; possible decompression bomb)")
                rgb = im.convert("RGB")
                return np.asarray(rgb)
        except _Refused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _Refused("image too large to decode (possible decompression bomb)") from exc
        except (UnidentifiedImageError, ValueError, TypeError) as exc:
            raise _Refused("not a decodable image") from exc
        except (OSError, SyntaxError, EOFError) as exc:
            raise _Refused(f"image is truncated or corrupt ({type(exc).__name__})") from exc
