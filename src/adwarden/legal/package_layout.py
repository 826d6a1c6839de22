"""The fixed member names of an evidence package, and which member names are safe.

Shared by :mod:`adwarden.legal.package` (which writes packages) and :mod:`adwarden.legal.package_verify`
(which checks packages from elsewhere), so both agree on where the manifest, its signature and the public key
live, and on what a hostile archive may not name a member.
"""

from __future__ import annotations

import re
import unicodedata

FORMAT = "adwarden-evidence-package"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "signature/manifest.sig"
PUBLIC_KEY = "signature/public_key.pem"
#: Files that are not listed in the manifest because they carry or check it.
UNLISTED = frozenset({MANIFEST, SIGNATURE, PUBLIC_KEY})


def member_name_problem(name: str) -> str | None:
    """Why ``name`` is not an acceptable member of a package, or None. Used on packages from elsewhere."""
    if not name:
        return "empty name"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "absolute path"
    if "\\" in name:
        return "backslash in name"
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        return "control or formatting character in name"
    parts = name.split("/")
    if any(p in {"", ".", ".."} for p in parts):
        return "path traversal ('.', '..' or empty component)"
    if len(name) > 1024:
        return "name longer than 1024 characters"
    return None
