"""One file-name sanitizer for every archive AdWarden writes (evidence packages, IC3 packages).

Names come from users of the platform (media file names, post ids), so they may hold separators, ``..``,
control or bidi-override characters (``name\\u202egpj.exe`` shows as ``nameexe.jpg``), Windows device names
or thousands of characters. Letters of any script are kept as written: an investigator reading a
Cyrillic or Japanese file name must see the name the user gave.

>>> safe_component("../../etc/passwd")
'__.._etc_passwd'
>>> safe_file_name("C:\\\\Users\\\\me\\\\фото 1.jpg")
'фото_1.jpg'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)
_UNSAFE_CHARS = re.compile(r'[/\\:<>"|?*]')
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
MAX_COMPONENT = 120


def safe_component(text: str) -> str:
    """One path component that is safe on every file system: no separators, no control, bidi-format,
    surrogate or unassigned characters, no leading dots (never ``.`` or ``..``), no Windows device names,
    at most 120 characters (a long name keeps its extension and a digest of the original, so two long
    names stay distinct).
    """
    name = unicodedata.normalize("NFC", text)
    name = "".join("_" if unicodedata.category(ch) in _HIDDEN_CATEGORIES else ch for ch in name)
    name = _UNSAFE_CHARS.sub("_", name).strip(" ")
    if name.startswith("."):
        name = "_" + name.lstrip(".")
    name = name.rstrip(". ")
    if _WINDOWS_RESERVED.match(name):
        name = "_" + name
    if len(name) > MAX_COMPONENT:
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
        stem, dot, ext = name.rpartition(".")
        suffix = f".{ext}" if dot and 0 < len(ext) <= 10 else ""
        keep = name[: len(name) - len(suffix)] if suffix else name
        name = keep[: MAX_COMPONENT - 13 - len(suffix)] + "~" + digest + suffix
    return name or "_"


def safe_file_name(name: str, *, taken: Iterable[str] = (), fallback: str = "file") -> str:
    """The last component of ``name`` (after ``/`` or ``\\``) made safe by :func:`safe_component`, with
    white space as ``_``, and made unique against ``taken`` by a ``-2``, ``-3``... suffix before the extension.

    >>> safe_file_name("photo 1.jpg", taken={"photo_1.jpg"})
    'photo_1-2.jpg'
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"\s+", "_", base)
    candidate = safe_component(base)
    if not candidate.strip("_.-"):
        candidate = fallback
    stem, dot, ext = candidate.rpartition(".")
    if not dot or not stem:
        stem, ext = candidate, ""
    used = set(taken)
    n = 2
    while candidate in used:
        candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        n += 1
    return candidate
