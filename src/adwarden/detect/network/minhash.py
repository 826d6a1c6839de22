"""Near-duplicate text for linking: the shared :mod:`adwarden.detect.neardup` with the linker's parameters.

Networks and banks use one near-duplicate module; this one adds what linking needs on top: ring members
rewrite their ads, so by default the text key is the *slot-masked* text (names, contacts, numbers, emoji
replaced by slot tokens, :func:`~adwarden.detect.network.textsim.slot_text`) cut into character 8-shingles
(one in six kept), so a swapped name, a new phone or a misspelling changes few shingles. Eight characters span
a word boundary, so two unrelated ads written from the same common words (the boilerplate of a category) share
few shingles, as with word 3-shingles; shorter character shingles (5) joined different templates that share
whole sentences in the synthetic benchmark corpus (largest network 41 instead of 18 on 50,000 ads). For the
same reason the threshold is 0.6, not the word key's 0.5: character shingles forgive more, and at 0.5 the
benchmark's distinct networks (templates drawn from one pool of sentences) chained into one network of 749 ads
on 300,000 ads (49 at 0.6, 27 with the word key); on the tuning half of the WA corpus 0.5 and 0.6 score the
same.

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
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from adwarden.detect import neardup
from adwarden.detect.neardup import NearDupParams, band_keys, lsh_edges, similarity
from adwarden.detect.network.textsim import SLOTS

__all__ = ["RING_TEXT", "MinHashParams", "TextSignature", "band_keys", "lsh_edges", "signatures_of", "similarity",
           "text_signatures"]

#: The linker's parameters are the shared near-duplicate parameters (the old name stays for callers).
MinHashParams = NearDupParams

#: Default text key of the linker: slot-masked text, character 8-shingles, one in six kept, Jaccard >= 0.6.
RING_TEXT = NearDupParams(num_perm=64, bands=16, shingle=8, threshold=0.6, min_shingles=6, unit="char", sample=6,
                          slots=True)


def text_signatures(texts: Sequence[str], params: NearDupParams, *, masked: npt.NDArray[np.bool_] | None = None
                    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.bool_]]:
    """Signatures of ``texts`` (slot-masked first when ``params.slots``) and the mask of texts long enough.

    ``masked`` (one flag per text), if given and ``params.slots``, is set for the texts slot masking ran on: the others hold no slot
    (:data:`~adwarden.detect.network.textsim.SLOTS`), so in particular no introduced name
    (:func:`~adwarden.detect.network.names.find_names` finds none), which a scan uses to skip that search."""
    return neardup.text_signatures(texts, params, rewrite=SLOTS if params.slots else None, rewritten=masked)


@dataclass(frozen=True, slots=True)
class TextSignature:
    """One text's signature as :func:`text_signatures` computes it, as plain bytes (cheap to pickle and to
    compare), with the parameters it was made with: a linker uses it only when they are its own."""

    params: NearDupParams
    sig: bytes
    valid: bool


def signatures_of(texts: Sequence[str], params: NearDupParams) -> list[TextSignature]:
    """:func:`text_signatures` of ``texts``, one :class:`TextSignature` each (what a file ingest's screening
    worker computes ahead for :meth:`~adwarden.detect.network.incremental.IncrementalLinker.add_many`)."""
    if not texts:
        return []
    sigs, valid = text_signatures(texts, params)
    return [TextSignature(params, sigs[j].astype(np.uint32, copy=False).tobytes(), bool(valid[j]))
            for j in range(len(texts))]
