"""Near-duplicate text for linking: the shared :mod:`adwarden.detect.neardup` with the linker's parameters.

Networks and banks use one near-duplicate module; this one adds what linking needs on top: ring members
rewrite their ads, so by default the text key is the *slot-masked* text (names, contacts, numbers, emoji
replaced by slot tokens, :func:`~adwarden.detect.network.textsim.slot_text`) cut into character 8-shingles
(one in six kept), so a swapped name, a new phone or a misspelling changes few shingles. Eight characters span
a word boundary, so two unrelated ads written from the same common words (the boilerplate of a category) share
few shingles, as with word 3-shingles; shorter character shingles (5) joined different templates that share
whole sentences in the synthetic benchmark corpus (largest network 41 instead of 18 on 50,000 ads).

:func:`text_signatures` is what the batch linker, the incremental linker and the Spark job call, so all three
compute the same key from one record's text alone.

>>> sigs, valid = text_signatures(["Hi, I am Kira. Sweet and friendly, new in town, call 206 555 0147 today",
...                                "Hi, I am Jade. Sweet and friendly, new in town, call 206 555 0199 today"],
...                               RING_TEXT)
>>> similarity(sigs[0], sigs[1]) >= RING_TEXT.threshold
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from adwarden.detect import neardup
from adwarden.detect.neardup import NearDupParams, band_keys, lsh_edges, similarity
from adwarden.detect.network.textsim import SLOTS

__all__ = ["RING_TEXT", "MinHashParams", "band_keys", "lsh_edges", "similarity", "text_signatures"]

#: The linker's parameters are the shared near-duplicate parameters (the old name stays for callers).
MinHashParams = NearDupParams

#: Default text key of the linker: slot-masked text, character 8-shingles, one in six kept, Jaccard >= 0.5.
RING_TEXT = NearDupParams(num_perm=64, bands=16, shingle=8, threshold=0.5, min_shingles=6, unit="char", sample=6,
                          slots=True)


def text_signatures(texts: Sequence[str], params: NearDupParams) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """Signatures of ``texts`` (slot-masked first when ``params.slots``) and the mask of texts long enough."""
    return neardup.text_signatures(texts, params, rewrite=SLOTS if params.slots else None)
