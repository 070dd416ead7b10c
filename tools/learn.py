"""The extraction pipeline: traces in, procedures merged or created, embedded and stored — in batches.

Per batch: extract every trace, embed every draft in one call, merge each draft
into a matching procedure (stored, or created earlier in the same batch) or
create it, re-embed what merging changed, then write everything in a few
calls. Idempotent: re-learning a trace already learned (after a crash, or a
re-sent session) merges into the same procedures and adds no evidence twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from deftly.tools.embedding_cache import CachedEmbedder
from deftly.tools.extract.asked import with_chosen_options, with_commands
from deftly.tools.extract.base import Draft, Extraction, Extractor, Skipped
from deftly.tools.extract.noun_titles import CHECKED, finished_title, imperative_title
from deftly.tools.extract.shared_words import instance_words, without_source
from deftly.tools.extract.titles import action_title, named_object, request_sentence
from deftly.tools.extract.tools_kind import is_generic, is_read_only
from deftly.tools.extract.vocabulary import mentioned_actions, tool_actions
from deftly.tools.extract.wording import points_somewhere
from deftly.tools.match_index import MAX_WORDINGS, MERGED_INTO, MatchIndex
from deftly.tools.merge import Origin, absorb, add_pitfall, merge, new_procedure, same_steps
from deftly.tools.models import Procedure, Ratings, TraceRecord, TraceStatus
from deftly.tools.ports import Embedder, Embedding, Phrase, Store, TraceUpdate, Vector
from deftly.tools.render import goal_text, readable, search_phrases
from deftly.tools.same_task import MergePolicy, compared_steps, side_effects
from deftly.tools.trace import Trace

MIN_EXAMPLES_TO_RETITLE = 3
LESSON_REQUEST_WORDS = 20  # enough to match a procedure; long chatty requests cost the model time
SEED_PROCEDURES = 32  # per batch: a fresh process meets the known wordings over its first few batches


@dataclass
class LearnItem:
    record: TraceRecord
    trace: Trace


@dataclass
class LearnResult:
    resource_id: str
    content_hash: str
    status: TraceStatus = "completed"
    reason: str = ""
    procedure_ids: list[str] = field(default_factory=list)
    created: int = 0
    merged: int = 0
    lessons: int = 0

    def update(self) -> TraceUpdate:
        procedure_ids = tuple(dict.fromkeys(self.procedure_ids))
        return TraceUpdate(self.resource_id, self.content_hash, self.status, self.reason, procedure_ids)


def learn_batch(
    items: list[LearnItem],
    *,
    extractor: Extractor,
    store: Store,
    embedder: Embedder,
    now: datetime,
    policy: MergePolicy | None = None,
) -> list[LearnResult]:
    """Learn from several traces of one namespace; returns one result per item, in order."""
    policy = policy or MergePolicy()
    embedder = embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(embedder)
    extractions = [extractor.extract(item.trace, item.record.outcome) for item in items]
    results = [LearnResult(item.record.resource_id, item.record.content_hash) for item in items]
    batch = _Batch(store, embedder, policy, now)
    origins = [origin_of(item) for item in items]  # once per trace, not per task: it reads the whole trace
    batch.add_drafts([(results[i], origins[i], d) for i in range(len(items)) for d in extractions[i].drafts])
    batch.add_lessons([(results[i], s) for i, e in enumerate(extractions) for s in e.skipped if s.lesson])
    batch.flush()
    for result, extraction in zip(results, extractions, strict=True):
        result.status, result.reason = _summary(extraction, result)
    return results


def origin_of(item: LearnItem) -> Origin:
    """Metadata and tags a procedure inherits from a trace: its metadata (a ``tags`` key may list tags,
    comma-separated), its format, and the MCP servers its tools came from (``mcp__github__...``)."""
    metadata = dict(item.record.metadata)
    listed = str(metadata.pop("tags", "")).split(",")
    servers = {call.tool.split("__")[1] for call in item.trace.tool_calls if call.tool.count("__") >= 2}
    tags = {t.strip().lower() for t in [*listed, item.trace.format, *servers] if t and t.strip()}
    return Origin(item.record.session_id, metadata, tuple(sorted(tags)))


class _Batch:
    """Procedures created or changed while learning one batch, written together at the end."""

    def __init__(self, store: Store, embedder: Embedder, policy: MergePolicy, now: datetime) -> None:
        self.store = store
        self.embedder = embedder
        self.policy = policy
        self.now = now
        self.index = MatchIndex.load(store)
        self.created: dict[str, Procedure] = {}
        self.vectors: dict[str, list[float]] = {}  # still valid vectors of created procedures
        self.changed: dict[str, Procedure] = {}  # id -> current state of a stored procedure changed here
        self.originals: dict[str, Procedure] = {}  # id -> the stored state before this batch
        self.absorbed: dict[str, str] = {}  # id of a procedure merged into another here -> that one's id
        self.retired: dict[str, str] = {}  # the stored ones among them, retired when the batch is written
        self.creators: dict[str, LearnResult] = {}  # id of a procedure created here -> the trace's result

    def add_drafts(self, drafts: list[tuple[LearnResult, Origin, Draft]]) -> None:
        self._seed_wordings()
        provisional = [new_procedure(d, origin, self.store.namespace, self.now) for _, origin, d in drafts]
        vectors = self.embedder.embed_documents([goal_text(p) for p in provisional])
        for (result, origin, draft), procedure, vector in zip(drafts, provisional, vectors, strict=True):
            existing, twins = self._keeper_and_twins(self._matches(draft, vector))
            if existing is None:
                self.created[procedure.id] = procedure
                self.creators[procedure.id] = result
                self.vectors[procedure.id] = vector
                self.index.upsert(procedure, vector)
                result.created += 1
                result.procedure_ids.append(procedure.id)
                continue
            merged = merge(existing, draft, origin, self.now)
            for twin in twins:
                merged = absorb(merged, twin, self.now)
                self._absorbed(twin, merged)
            self._changed(existing, merged)
            self.index.add_wording(merged.id, vector)
            result.merged += 1
            result.procedure_ids.append(merged.id)
        for result, _, _ in drafts:
            result.procedure_ids = list(dict.fromkeys(self.absorbed.get(i, i) for i in result.procedure_ids))

    def _seed_wordings(self) -> None:
        """The other runs' wordings of procedures merged before this process started (a stdio server starts
        with every client session), embedded once per process and bounded: each new run then meets them."""
        pending = self.index.unworded(SEED_PROCEDURES)
        texts = [(p.id, readable(a, p)) for p in pending for a in (p.asked or [])[1 : MAX_WORDINGS + 1]]
        if not texts:
            return
        vectors = self.embedder.embed_documents([text for _, text in texts])
        for (procedure_id, _), vector in zip(texts, vectors, strict=True):
            self.index.add_wording(procedure_id, vector)

    def _matches(self, draft: Draft, goal: list[float]) -> list[Procedure]:
        """The procedures this draft is another run of (``MergePolicy.same_task``), nearest goal first."""
        effects = side_effects(compared_steps(draft.steps))
        named = bool(effects) and not all(is_generic(tool) for tool in effects)  # a shell's are every task's
        found = []
        for procedure, similarity in self.index.nearest(
            goal, self.policy.same_effects_candidates if named else self.policy.candidates
        ):
            if similarity < self.policy.floor:
                break
            if self.policy.same_task(draft, procedure, similarity):
                found.append(procedure)
        return found

    def _keeper_and_twins(self, matches: list[Procedure]) -> tuple[Procedure | None, list[Procedure]]:
        """The procedure a draft merges into, and the others it shows to be the same task: two wordings of one
        task met before a run like both. A stored one is merged away only while nobody has rated or reviewed
        it (its record would not carry over), and never into a retired one."""
        if len(matches) < 2:
            return (matches[0] if matches else None), []
        stored = [p.id for p in matches if p.id not in self.created]
        ratings = self.store.get_ratings(stored) if stored else {}
        twins = [p for p in matches if p.id in self.created or _unrated_candidate(ratings.get(p.id))]
        keeper = next((p for p in matches if p not in twins), matches[0])
        if keeper.id in ratings and ratings[keeper.id].state == "retired":
            return keeper, []
        return keeper, [p for p in twins if p.id != keeper.id]

    def _absorbed(self, twin: Procedure, into: Procedure) -> None:
        """``twin`` is merged into ``into``: dropped if created in this batch, else retired when flushed."""
        if twin.id in self.created:
            del self.created[twin.id]
            self.vectors.pop(twin.id, None)
            creator = self.creators.pop(twin.id)
            creator.created, creator.merged = creator.created - 1, creator.merged + 1  # its run joined a known task
        else:
            self.changed.pop(twin.id, None)
            self.originals.pop(twin.id, None)
            self.retired[twin.id] = into.id
        self.index.remove(twin.id, into.id)
        self.absorbed[twin.id] = into.id
        self.absorbed.update({old: into.id for old, new in self.absorbed.items() if new == twin.id})
        self.retired.update({old: into.id for old, new in self.retired.items() if new == twin.id})

    def add_lessons(self, lessons: list[tuple[LearnResult, Skipped]]) -> None:
        """Keep failed tasks' lessons as pitfalls on the procedure for that kind of request, if one exists."""
        if not lessons:
            return
        requests = [" ".join(skipped.request.split()[:LESSON_REQUEST_WORDS]) for _, skipped in lessons]
        vectors = self.embedder.embed_documents(requests)
        for (result, skipped), vector in zip(lessons, vectors, strict=True):
            target = self._lesson_target(skipped, vector)
            updated = add_pitfall(target, skipped.lesson or "", self.now) if target else None
            if target is not None and updated is not None:
                self._changed(target, updated)
                result.lessons += 1

    def _lesson_target(self, skipped: Skipped, vector: list[float]) -> Procedure | None:
        wanted = mentioned_actions(skipped.request)
        for procedure, similarity in self.index.nearest(vector, self.policy.candidates):
            if similarity < self.policy.lesson_similarity:
                return None
            actions = {a for tool in procedure.tools for a in tool_actions(tool)}
            if not wanted or wanted & actions:
                return procedure
        return None

    def _changed(self, before: Procedure, after: Procedure) -> None:
        if after.model_dump(exclude={"updated_at"}) == before.model_dump(exclude={"updated_at"}):
            return
        self.vectors.pop(after.id, None)
        if after.id in self.created:
            self.created[after.id] = after
        else:
            self.originals.setdefault(after.id, before)
            self.changed[after.id] = after
        self.index.upsert(after, None)

    def _versioned(self, procedure: Procedure) -> tuple[Procedure, Procedure | None]:
        """One new version per batch when the steps differ from the stored ones; the stored one is kept."""
        original = self.originals[procedure.id]
        if same_steps(procedure.steps, original.steps):
            return procedure.model_copy(update={"version": original.version}), None
        return procedure.model_copy(update={"version": original.version + 1}), original

    def flush(self) -> None:
        # One model call for every example the retitling below compares (the memo keeps them).
        touched = [*self.created.values(), *self.changed.values()]
        self.embedder.embed_documents(
            [e for p in touched if len(p.examples) >= MIN_EXAMPLES_TO_RETITLE for e in p.examples]
        )
        for procedure_id, procedure in list(self.created.items()):
            retitled = self._retitled(procedure)
            if retitled is not procedure:  # learned from several sessions of this batch already
                self.created[procedure_id] = retitled
                self.vectors.pop(procedure_id, None)
        updates = [self._versioned(self._retitled(p)) for p in self.changed.values()]
        procedures = [*self.created.values(), *(p for p, _ in updates)]
        embeddings = embed_procedures(procedures, self.embedder, known=self.vectors)
        self.store.add_procedures([(p, embeddings[p.id]) for p in self.created.values()])
        self.store.update_procedures([(p, embeddings[p.id], kept) for p, kept in updates])
        for twin_id, into in self.retired.items():
            reason = f"{MERGED_INTO} {into}: a later run was the same task as both."
            self.store.set_state(twin_id, "retired", reason, now=self.now, only_from=("candidate",))

    def _retitled(self, procedure: Procedure) -> Procedure:
        """Once several requests are known, title the procedure with the most typical one.

        The first session's wording ("Downgrade all the business flights to {cabin}") is rarely how
        the next user asks. The request with fewest typos and values of its own (``instance_words``), and
        of those the closest to all the others, is the most general form.
        """
        if len(procedure.examples) < MIN_EXAMPLES_TO_RETITLE:
            return procedure
        sentences = {e: _titled(request_sentence(e), e, procedure) for e in procedure.examples}
        named = with_commands(with_chosen_options(procedure.tools, procedure.steps), procedure.steps)
        # A request to act whose runs only looked is titled with what they checked: its verb is no tool's
        candidates = [
            e
            for e, s in sentences.items()
            if s and (s.startswith(CHECKED) or (not _opens_with_a_value(s) and action_title(s, named)))
        ]
        if not candidates:
            return procedure
        vectors = np.asarray(self.embedder.embed_documents(procedure.examples), dtype=np.float32)
        centrality = (vectors @ vectors.T).sum(axis=1)

        own = {
            e: len(instance_words(sentences[e] or "", [x for x in procedure.examples if x != e], procedure.steps))
            for e in candidates
        }
        chosen = min(candidates, key=lambda e: (own[e], -float(centrality[procedure.examples.index(e)])))
        current = instance_words(procedure.title, without_source(procedure.title, procedure.examples), procedure.steps)
        if own[chosen] > len(current):
            return procedure  # every request has a typo or a value of its own that the title it has does not
        best = sentences[chosen] or ""
        title = best[0].upper() + best[1:]
        return procedure if title == procedure.title else procedure.model_copy(update={"title": title})


def _opens_with_a_value(title: str) -> bool:
    """ "{item} delayed by {number}+ minutes — page + statuspage" says what happened, not what to do: such a
    request does not retitle a procedure."""
    return title.startswith("{")


def _unrated_candidate(ratings: Ratings | None) -> bool:
    return ratings is None or (ratings.state == "candidate" and ratings.successes + ratings.failures == 0)


def _titled(sentence: str | None, asked: str, procedure: Procedure) -> str | None:
    """A request sentence as a title: a pronoun object ("exchange it for ...") named by the tools, a noun
    phrase ("remaining vacation days") made a request."""
    acting = [t for t in procedure.tools if not is_read_only(t)] or procedure.tools
    named = named_object(sentence, acting) if sentence and not points_somewhere(sentence) else None
    if not named:
        return None
    return finished_title(imperative_title(named, procedure.steps), procedure.steps, asked)


def embed_procedures(
    procedures: list[Procedure], embedder: Embedder, known: dict[str, Vector] | None = None
) -> dict[str, Embedding]:
    """Every procedure's goal vector (unless ``known``) and phrase vectors, in one model call."""
    known = known or {}
    texts: list[str] = []
    for procedure in procedures:
        if procedure.id not in known:
            texts.append(goal_text(procedure))
        texts += [text for _, text in search_phrases(procedure)]
    vectors = iter(embedder.embed_documents(texts))
    embeddings = {}
    for procedure in procedures:
        whole = known[procedure.id] if procedure.id in known else next(vectors)
        phrases = tuple(Phrase(kind, text, next(vectors)) for kind, text in search_phrases(procedure))
        embeddings[procedure.id] = Embedding(whole, phrases)
    return embeddings


def _summary(extraction: Extraction, result: LearnResult) -> tuple[TraceStatus, str]:
    parts = []
    if result.created:
        parts.append(f"{result.created} new procedure(s)")
    if result.merged:
        parts.append(f"merged into {result.merged} known procedure(s)")
    if result.lessons:
        parts.append(f"{result.lessons} pitfall(s) added")
    skipped = [f"task {s.task_index + 1} skipped: {s.reason}" for s in extraction.skipped]
    if not extraction.drafts and not extraction.skipped:
        return "skipped", "no task found: the trace has no user request followed by tool calls"
    status: TraceStatus = "completed" if extraction.drafts else "skipped"
    notes = [*parts, *skipped, *extraction.notes]
    return status, "; ".join(notes) + f" [{extraction.extractor}]"
