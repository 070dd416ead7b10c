"""Ranking by track record: the Beta posterior, review flags, staleness — pure logic, no store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deftly.tools.models import Procedure, Ratings, Step
from deftly.tools.ranking import RankingPolicy, Scored, freshness, query_terms, score, stats_for

NOW = datetime(2026, 11, 21, tzinfo=UTC)


def procedure(sources: int = 1, updated: datetime = NOW) -> Procedure:
    return Procedure(
        id="p",
        title="Cancel reservation {reservation_id}",
        steps=[Step(action="x", tool="a"), Step(action="y", tool="b")],
        sources=[f"s{i}" for i in range(sources)],
        created_at=updated,
        updated_at=updated,
    )


def scored(proc: Procedure, ratings: Ratings | None, similarity: float = 0.7) -> Scored:
    candidate = Scored(proc, stats_for(proc, ratings), similarity, 0.0, [])
    score(candidate, 0.0, NOW, RankingPolicy())
    return candidate


def test_the_posterior_not_the_raw_rate_ranks_a_lucky_single_success_below_a_long_record() -> None:
    lucky = scored(procedure(), Ratings(successes=1, failures=0))
    proven = scored(procedure(), Ratings(successes=40, failures=2))
    assert lucky.stats.success_rate < proven.stats.success_rate
    assert lucky.score < proven.score


def test_evidence_from_traces_is_a_prior() -> None:
    once = stats_for(procedure(sources=1), None)
    often = stats_for(procedure(sources=10), None)
    assert 0.5 < once.success_rate < often.success_rate < 1.0


def test_recent_failures_demote_and_flag_for_review() -> None:
    healthy = scored(procedure(), Ratings(successes=5, failures=1, recent_successes=2.0, recent_failures=0.7))
    failing = scored(procedure(), Ratings(successes=5, failures=3, recent_successes=0.3, recent_failures=2.2))
    assert not healthy.stats.needs_review
    assert failing.stats.needs_review
    assert failing.score < healthy.score / 1.5
    assert "NEEDS REVIEW" in failing.why()


def test_unused_procedures_lose_rank_gradually_but_never_vanish() -> None:
    policy = RankingPolicy()
    fresh = stats_for(procedure(updated=NOW - timedelta(days=10)), None)
    old = stats_for(procedure(updated=NOW - timedelta(days=400)), None)
    ancient = stats_for(procedure(updated=NOW - timedelta(days=4000)), None)
    assert freshness(fresh, NOW, policy) == 1.0
    assert policy.stale_floor < freshness(old, NOW, policy) < 1.0
    assert freshness(ancient, NOW, policy) >= policy.stale_floor


def test_a_rating_confirms_an_old_procedure() -> None:
    policy = RankingPolicy()
    old = procedure(updated=NOW - timedelta(days=400))
    confirmed = stats_for(old, Ratings(successes=1, last_rated_at=NOW - timedelta(days=1)))
    assert freshness(confirmed, NOW, policy) == 1.0


def test_any_query_string_gives_safe_terms() -> None:
    hostile = 'smtp.gmail.com: "deploy" -- AND OR (k8s) * ?  ñ 日本 \x00 DROP TABLE; ${secret}'
    terms = query_terms(hostile)
    assert terms == ["smtp", "gmail", "com", "deploy", "k8s", "日本", "drop", "table", "secret"]
    assert query_terms("") == [] and query_terms("!!! ...") == []
