"""Text features of the reviewer-trained classifier: hashed word and character n-grams.

Why hashing: the vocabulary of ads is open-ended (misspellings, made-up names, emoji spellings) and grows with
every decision; a :class:`~sklearn.feature_extraction.text.HashingVectorizer` needs no fitted vocabulary, so a
model is a fixed-size set of weights and scoring one post is a single pass over its text. Word 1-2-grams carry
phrases ("new in town"), character 3-5-grams inside word boundaries carry the misspelled and run-together
forms ("n3w", "newintown") that a word model never sees twice.

Text is prepared by :func:`prepare` *before* it reaches scikit-learn (lower case, every digit as ``0``), so
the stored artifact holds only scikit-learn objects, and every offset in the prepared text is an offset in
the original: the phrases that explain a score (:func:`phrase_contributions`) carry spans into the post.

>>> prepare("Call 206-555-0147 NOW")
'call 000-000-0000 now'
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.utils import murmurhash3_32

#: Bump when :func:`prepare` or the vectorizer settings change: artifacts trained under another feature
#: version are refused at load time instead of scoring garbage.
FEATURE_VERSION = "1"
WORD_FEATURES = 2**18
CHAR_FEATURES = 2**18
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)
#: Only the first characters of a post are scored: listings that paste the same profile ten times add cost,
#: not signal.
MAX_CHARS = 6000

#: The word tokenizer scikit-learn uses by default; matched on the original text too (case does not change
#: what ``\w`` matches), which is how phrases get their spans.
TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")
_DIGITS = str.maketrans({c: "0" for c in "0123456789"})


def prepare(text: str) -> str:
    """Lower-case and replace every ASCII digit by ``0``, keeping the length (and so every offset) unchanged.

    Digits become ``0`` because the numbers in an ad (phone numbers, prices, dates) are identifiers, not
    language; their shape (``$000``, ``000-000-0000``) is what a model can learn from."""
    text = text[:MAX_CHARS]
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters ("İ") lower-case to two; keep those as they are
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_DIGITS)


def build_vectorizer() -> FeatureUnion:
    """The stateless feature map: word 1-2-grams then character 3-5-grams, concatenated (word block first)."""
    common: dict[str, object] = {"alternate_sign": False, "lowercase": False, "norm": None,
                                 "dtype": np.float32}
    return FeatureUnion([
        ("word", HashingVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, n_features=WORD_FEATURES,
                                   **common)),
        ("char", HashingVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, n_features=CHAR_FEATURES,
                                   **common)),
    ])


def _index(feature: str, n_features: int) -> int:
    """The column scikit-learn's HashingVectorizer gives ``feature`` (signed MurmurHash3, seed 0)."""
    return abs(int(murmurhash3_32(feature, seed=0))) % n_features


def word_index(ngram: str) -> int:
    return _index(ngram, WORD_FEATURES)


def char_index(ngram: str) -> int:
    return WORD_FEATURES + _index(ngram, CHAR_FEATURES)


@dataclass(frozen=True)
class Phrase:
    """A phrase of the post and how much it pushed the score of one class (in the linear model's units)."""

    text: str
    weight: float
    start: int
    end: int

    def to_json(self) -> dict[str, object]:
        return {"phrase": self.text, "weight": round(self.weight, 4), "span": [self.start, self.end]}


def chunk_gram_counts(prepared: str) -> list[int]:
    """How many character n-grams scikit-learn's ``char_wb`` analyzer draws from each whitespace-separated
    chunk of ``prepared``, in order (a chunk padded to ``L`` characters gives ``L - n + 1`` n-grams of each
    length ``n``, or one when it is shorter, and then no longer ones)."""
    out: list[int] = []
    for w in prepared.split():
        length, total = len(w) + 2, 0
        for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
            if length <= n:
                total += 1
                break
            total += length - n + 1
        out.append(total)
    return out


_CHUNK_RE = re.compile(r"\S+")


def phrase_contributions(text: str, word: Mapping[str, float], chunk_char: Sequence[float],
                         *, top: int = 5) -> list[Phrase]:
    """The ``top`` phrases of ``text`` that raised one label's score most.

    ``word`` gives each word n-gram of the post its contribution to the label's margin (tf-idf value x
    weight), ``chunk_char`` the summed contribution of the character n-grams of each whitespace chunk (see
    :meth:`~adwarden.detect.classifier.scoring.FastScorer.contributions`). A word's contribution is its own
    feature plus its chunk's character n-grams (shared between the words of a chunk such as ``ask/her``);
    a bigram adds its own feature to its two words. Phrases are chosen greedily, best first, without sharing
    a word, and only while their contribution is positive.
    """
    prepared = prepare(text)
    starts = [m.start() for m in _CHUNK_RE.finditer(prepared)]
    if len(starts) != len(chunk_char):  # exotic whitespace split differently: explain by word features only
        chunk_char = [0.0] * len(starts)
    tokens = [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(prepared)]
    if not tokens:
        return []
    chunk_of = [bisect_right(starts, s) - 1 for _, s, _ in tokens]
    per_chunk = Counter(chunk_of)
    char_share: dict[str, float] = {}
    for (tok, _, _), c in zip(tokens, chunk_of, strict=True):
        char_share[tok] = char_share.get(tok, 0.0) + chunk_char[c] / per_chunk[c]
    unigram = {tok: word.get(tok, 0.0) + char_share.get(tok, 0.0) for tok, _, _ in tokens}
    candidates: dict[tuple[str, ...], tuple[float, int, int]] = {}
    for i, (tok, s, e) in enumerate(tokens):
        candidates.setdefault((tok,), (unigram[tok], s, e))
        if i + 1 < len(tokens):
            nxt, _, e2 = tokens[i + 1]
            score = word.get(f"{tok} {nxt}", 0.0) + unigram[tok] + unigram[nxt]
            candidates.setdefault((tok, nxt), (score, s, e2))
    chosen: list[Phrase] = []
    used: set[str] = set()
    for words, (score, s, e) in sorted(candidates.items(), key=lambda kv: (-kv[1][0], kv[1][1])):
        if len(chosen) >= top or score <= 0:
            break
        if used.intersection(words):
            continue
        used.update(words)
        chosen.append(Phrase(text[s:e], score, s, e))
    return chosen
