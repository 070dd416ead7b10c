"""How well a procedure has worked, and how that and relevance combine into one score.

Success is a Beta-Bernoulli posterior: the prior counts each session the
procedure was learned from as half a success (a trace that completed the task
is evidence, but weaker than an agent reporting that following it worked);
ratings then add successes and failures. Ranking uses the posterior mean, so a
procedure rated 1/1 does not outrank one rated 40/42.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from deftly.tools.extract.vocabulary import phrasal
from deftly.tools.models import Procedure, Ratings, Stats

PRIOR_PER_SOURCE = 0.5
_REVIEW_MIN_RECENT_FAILURES = 1.5
_TOKEN = re.compile(r"[^\W_]+")
_STOP = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "could",
        "do",
        "does",
        "for",
        "from",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "please",
        "should",
        "that",
        "the",
        "this",
        "to",
        "we",
        "what",
        "when",
        "where",
        "which",
        "with",
        "would",
        "you",
        "your",
        "want",
        "need",
        "like",
        "help",
        "hi",
        "hello",
        "thanks",
    }
)


@dataclass(frozen=True)
class RankingPolicy:
    """Weights and floors of find_procedure's scoring; tuned by ``deftly bench``."""

    vector_weight: float = 0.75
    text_weight: float = 0.25
    min_similarity: float = 0.38
    min_similarity_with_terms: float = 0.28
    # A request this close to one the procedure was learned from (or its title) is the same task reworded;
    # below it the procedure is related at best, and results say so.
    confident_similarity: float = 0.8
    track_record_weight: float = 0.3
    review_penalty: float = 0.5
    stale_after_days: float = 90.0
    stale_half_life_days: float = 180.0
    stale_floor: float = 0.6
    # A procedure doing the opposite of what is asked ("reject ..." for "approve ..."): antonyms embed close.
    opposite_penalty: float = 0.5


def stats_for(procedure: Procedure, ratings: Ratings | None, step_failures: dict[int, int] | None = None) -> Stats:
    ratings = ratings or Ratings()
    alpha = 1.0 + PRIOR_PER_SOURCE * len(procedure.sources) + ratings.successes
    beta = 1.0 + ratings.failures
    confirmed = max(filter(None, [procedure.updated_at, ratings.last_rated_at]))
    return Stats(
        evidence=len(procedure.sources),
        successes=ratings.successes,
        failures=ratings.failures,
        success_rate=round(alpha / (alpha + beta), 4),
        needs_review=needs_review(ratings),
        step_failures=step_failures or {},
        last_confirmed_at=confirmed,
    )


def needs_review(ratings: Ratings) -> bool:
    """Most recent ratings are failures (decayed counts, so old history fades)."""
    return ratings.recent_failures >= _REVIEW_MIN_RECENT_FAILURES and ratings.recent_failures > ratings.recent_successes


def freshness(stats: Stats, now: datetime, policy: RankingPolicy) -> float:
    """1.0 while recently confirmed, then decays gradually towards ``stale_floor``."""
    if stats.last_confirmed_at is None:
        return 1.0
    age_days = (now - stats.last_confirmed_at).total_seconds() / 86_400
    overdue = max(0.0, age_days - policy.stale_after_days)
    decay = math.pow(0.5, overdue / policy.stale_half_life_days)
    return policy.stale_floor + (1 - policy.stale_floor) * decay


def query_terms(query: str) -> list[str]:
    """Lower-case content words of a query; safe for any input (punctuation, operators, unicode)."""
    terms = [t for t in _TOKEN.findall(phrasal(query)) if t not in _STOP and len(t) > 1]  # "get rid of" -> remove
    return list(dict.fromkeys(terms))[:32]


def matched_terms(terms: list[str], document: str) -> list[str]:
    words = set(_TOKEN.findall(document.lower()))
    return [t for t in terms if t in words or any(w.startswith(t[:5]) and len(t) >= 5 for w in words)]


@dataclass
class Scored:
    procedure: Procedure
    stats: Stats
    similarity: float
    text_score: float
    matched: list[str]
    relevance: float = 0.0
    score: float = 0.0
    opposite: bool = False  # the procedure does the opposite of the operation asked

    def why(self) -> str:
        parts = []
        if self.matched:
            parts.append("matched " + ", ".join(f"'{t}'" for t in self.matched[:5]))
        parts.append(f"similarity {self.similarity:.2f}")
        runs = self.stats.successes + self.stats.failures
        record = f"{self.stats.successes}/{runs} rated runs succeeded" if runs else "not rated yet"
        parts.append(f"learned from {self.stats.evidence} session(s), {record}")
        if self.stats.needs_review:
            parts.append("NEEDS REVIEW: recent runs mostly failed")
        return "; ".join(parts)


def score(candidate: Scored, max_text: float, now: datetime, policy: RankingPolicy) -> None:
    text = candidate.text_score / max_text if max_text > 0 else 0.0
    candidate.relevance = policy.vector_weight * candidate.similarity + policy.text_weight * text
    record = (1 - policy.track_record_weight) + policy.track_record_weight * candidate.stats.success_rate
    review = policy.review_penalty if candidate.stats.needs_review else 1.0
    review *= policy.opposite_penalty if candidate.opposite else 1.0
    candidate.score = round(candidate.relevance * record * review * freshness(candidate.stats, now, policy), 4)


def relevant(candidate: Scored, policy: RankingPolicy) -> bool:
    if candidate.similarity >= policy.min_similarity:
        return True
    return bool(candidate.matched) and candidate.similarity >= policy.min_similarity_with_terms
