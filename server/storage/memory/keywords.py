"""The keyword arm in memory: BM25 over each procedure's search document, as LanceDB's FTS index scores it.

A search through LanceDB's FTS index cost 2-4 ms of every find_procedure at 1,000 procedures (issue 15),
and needs LanceDB imported (~0.8 s of a server's start). The documents are small, so the arm is kept here:
the tokenizer is the index's (``FTS()`` defaults: split on what is not a letter or digit, lower case, ASCII
folding, English stop words, tokens up to 40 characters, Snowball English stemming -- the same Rust stemmer
LanceDB's tokenizer uses) and the score BM25 (k1 1.2, b 0.75). Statistics are those of the namespace's
documents, where LanceDB's are its index's, so scores differ on a store of several namespaces; the ranking
find_procedure makes of them is checked by ``deftly bench``.

This module imports neither LanceDB nor pyarrow: a server answers its first finds from a snapshot before
LanceDB is imported (``snapshot.py``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import py_rust_stemmers  # type: ignore[import-untyped]

K1 = 1.2
B = 0.75
MAX_TOKEN_CHARS = 40
_WORD = re.compile(r"[^\W_]+")
# The English stop words of LanceDB's tokenizer (tantivy's list, Snowball's).
_STOP_TEXT = (
    "a about above after again against all am an and any are as at be because been before being below between "
    "both but by can did do does doing don down during each few for from further had has have having he her "
    "here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not "
    "now of off on once only or other our ours ourselves out over own s same she should so some such t than "
    "that the their theirs them themselves then there these they this those through to too under until up very "
    "was we were what when where which while who whom why will with you your yours yourself yourselves"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())
_STEMMER = py_rust_stemmers.SnowballStemmer("english")


def tokens(text: str) -> list[str]:
    """The terms LanceDB's default FTS tokenizer makes of ``text``."""
    words = _WORD.findall(text.lower())
    return [_stem(word) for word in words if len(word) <= MAX_TOKEN_CHARS and word not in STOP_WORDS]


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode() or word
    return str(_STEMMER.stem_word(word))


class Vocabulary:
    """Term ids, shared by the documents of one ``KeywordDocs``."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def encode(self, text: str) -> Encoded:
        """``text``'s distinct terms (ids) and how often each occurs."""
        counted = Counter(tokens(text))
        terms = np.fromiter((self.ids.setdefault(t, len(self.ids)) for t in counted), np.int32, len(counted))
        return terms, np.fromiter(counted.values(), np.float32, len(counted))


Encoded = tuple["np.ndarray[Any, Any]", "np.ndarray[Any, Any]"]


@dataclass(frozen=True)
class KeywordDocs:
    """Documents as term-id postings (the form a snapshot stores): ``doc_terms`` and ``doc_counts`` hold each
    document's distinct terms and their counts, document ``i`` at ``offsets[i]:offsets[i + 1]``."""

    vocabulary: list[str]
    doc_terms: np.ndarray[Any, Any]  # int32
    doc_counts: np.ndarray[Any, Any]  # float32
    offsets: np.ndarray[Any, Any]  # int64, one more than documents

    @classmethod
    def of(cls, texts: Iterable[str]) -> KeywordDocs:
        vocabulary = Vocabulary()
        return cls.join(vocabulary, [vocabulary.encode(text) for text in texts])

    @classmethod
    def join(cls, vocabulary: Vocabulary, documents: Sequence[Encoded]) -> KeywordDocs:
        sizes = [len(terms) for terms, _ in documents]
        return cls(
            list(vocabulary.ids),
            np.concatenate([terms for terms, _ in documents]) if documents else np.zeros(0, np.int32),
            np.concatenate([counts for _, counts in documents]) if documents else np.zeros(0, np.float32),
            np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64),
        )


class KeywordIndex:
    """BM25 over one namespace's documents; ``ids[i]`` and ``updated_at[i]`` name document ``i``."""

    def __init__(self, docs: KeywordDocs, ids: Sequence[str], updated_at: Sequence[Any]) -> None:
        self.docs = docs
        self.ids, self.updated_at = list(ids), list(updated_at)
        self._terms = {term: n for n, term in enumerate(docs.vocabulary)}
        documents = len(self.ids)
        doc_of = np.repeat(np.arange(documents, dtype=np.int32), np.diff(docs.offsets))
        lengths = np.bincount(doc_of, weights=docs.doc_counts, minlength=documents)
        average = float(lengths.mean()) if documents and float(lengths.mean()) > 0 else 1.0
        order = np.argsort(docs.doc_terms, kind="stable")
        self._docs = doc_of[order]
        # The BM25 term-frequency part of each posting, ready to be weighted by the term's IDF.
        tf = docs.doc_counts[order]
        norm = K1 * (1 - B + B * lengths[self._docs] / average)
        self._weights = (tf * (K1 + 1) / (tf + norm)).astype(np.float32)
        self._starts = np.searchsorted(docs.doc_terms[order], np.arange(len(docs.vocabulary) + 1))
        self._documents = documents

    def search(self, terms: Sequence[str], limit: int) -> list[tuple[str, Any, float]]:
        """The ``limit`` best documents for any of ``terms`` as (id, updated_at, score), best first; ties
        in document order."""
        wanted = [self._terms[t] for t in dict.fromkeys(t for term in terms for t in tokens(term)) if t in self._terms]
        if not wanted or limit <= 0:
            return []
        scores = np.zeros(self._documents, dtype=np.float32)
        for term in wanted:
            start, end = self._starts[term], self._starts[term + 1]
            found = end - start
            idf = math.log(1 + (self._documents - found + 0.5) / (found + 0.5))
            scores[self._docs[start:end]] += np.float32(idf) * self._weights[start:end]
        matched = np.flatnonzero(scores > 0)
        best = matched[np.lexsort((matched, -scores[matched]))][:limit]
        return [(self.ids[i], self.updated_at[i], float(scores[i])) for i in best]
