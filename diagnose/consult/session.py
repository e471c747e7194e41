"""An adaptive consultation: ask only what can still change the diagnosis, most discriminating first.

No I/O happens here; the terminal UI and a helpdesk bot drive it. The diagnosis always comes from the engine
(`result()` equals `diagnose(answers)`); choosing questions reads the rule structure directly (see _logic).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from diagnose.api import Diagnoser, default_diagnoser, validate_facts
from diagnose.consult.agenda import Agenda
from diagnose.consult.picks import Checked, alone, picked, record, restore
from diagnose.consult.question import Effect, Question, Why, effect
from diagnose.consult.reader import Reply
from diagnose.consult.wire import restore_answers, saved_with
from diagnose.consult.wire import state_suggested as _suggested
from diagnose.errors import ConsultationError, StateError, UnknownFactError, quote
from diagnose.inference.result import Diagnosis
from diagnose.knowledge.checklist import Checklist
from diagnose.knowledge.model import Text

__all__ = ["Consultation", "Effect", "Question", "Reply", "Why"]

STATE_FORMAT = "diagnose.consultation/1"
STATE_MAX_BYTES = 16384
"""The size bound of a saved state: every fact answered once, with room to spare (a real state is under 2 KiB)."""


class Consultation:
    """One person's consultation: answers so far, the next question, WHY, undo, and the diagnosis.

    Not safe to share between threads; give each conversation its own (they may share one Diagnoser).
    """

    def __init__(self, diagnoser: Diagnoser | None = None, *, engine: str | None = None) -> None:
        """Consult with `diagnoser`, or else the shipped knowledge base's Diagnoser for `engine` (see Diagnoser)."""
        if diagnoser is not None and engine is not None and engine != diagnoser.engine:
            raise ValueError(f"engine={engine!r} differs from the given diagnoser's engine {diagnoser.engine!r}")
        self.diagnoser = diagnoser or default_diagnoser(engine or "experta")
        self.kb = self.diagnoser.kb
        self._planner = self.diagnoser.planner
        self._agenda = Agenda(self.kb, self._planner)
        self._answers: dict[str, str | None] = {}
        self._pending: str | None = None
        self._deferred: list[str] = []
        self._reasked: list[str] = []
        self._checked: dict[str, Checked] = {}
        self.prefilled: tuple[str, ...] = ()
        """Facts read from the first message by `from_text` (not asked)."""
        self.migrated_from: str | None = None
        """The knowledge-base version a restored state was saved with, when it was another one (see from_dict)."""
        self.suggested: dict[str, str] = {}
        """Facts the first message suggested with low confidence: not answered, offered as `Question.default`."""
        self._spans: dict[str, str] = {}  # fact -> the masked words it was read from

    @classmethod
    def from_text(cls, text: str, diagnoser: Diagnoser | None = None) -> Consultation:
        """Start a consultation with the facts a first message states about its subject: sure ones answered (see
        `mentioned`), less sure ones offered as `Question.default` (`suggested`)."""
        consultation = cls(diagnoser)
        reading = consultation.diagnoser.matcher.read(text)
        for fact_id, value in (facts := reading.confident()).items():
            consultation.answer(fact_id, value)
        consultation.prefilled, consultation.suggested = tuple(facts), reading.guesses()
        consultation._spans = {f.fact: f.span for f in reading.facts if f.fact in facts}
        return consultation

    @property
    def mentioned(self) -> tuple[tuple[str, str, str], ...]:
        """(fact, value, masked words read) of each prefilled answer, to show once as 您提到… (`forget` to ask)."""
        return tuple((f, v, self._spans.get(f, "")) for f in self.prefilled if (v := self._answers.get(f)))

    def forget(self, fact_id: str) -> None:
        """Take back a prefilled answer the person says is wrong, so it is asked (ConsultationError if not one)."""
        if fact_id not in self.prefilled:
            raise ConsultationError(f"{fact_id!r} was not read from the first message")
        self._answers.pop(fact_id, None)
        self.prefilled = tuple(f for f in self.prefilled if f != fact_id)

    # -- saving and restoring ----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, object]:
        """The consultation's state as JSON-safe data, tied to the knowledge-base version."""
        return {
            "format": STATE_FORMAT,
            "knowledge_version": self.kb.version,
            "knowledge_hash": self.kb.content_hash,
            "answers": [[fact, value] for fact, value in self._answers.items()],
            "pending": self._pending,
            "prefilled": list(self.prefilled),
            "deferred": list(self._deferred),
            "reasked": list(self._reasked),
            "suggested": [[fact, value] for fact, value in self.suggested.items()],
            "checklists": [
                {"id": cid, "picked": None if c.picked is None else list(c.picked), "facts": c.facts, "after": c.after}
                for cid, c in self._checked.items()
            ],
        }

    def to_json(self) -> str:
        """The state (`to_dict`) as compact JSON text, at most STATE_MAX_BYTES long."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes, diagnoser: Diagnoser | None = None) -> Consultation:
        """Restore a consultation from `to_json` text. Text longer than STATE_MAX_BYTES is refused before it is
        parsed.

        Raises:
            StateError: too long, not JSON, or not a state this library could have written (see `from_dict`).
        """
        if not isinstance(text, (str, bytes)):
            raise StateError(f"a saved consultation must be JSON text, not {type(text).__name__}")
        size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
        if size > STATE_MAX_BYTES:
            raise StateError(f"a saved consultation is at most {STATE_MAX_BYTES} bytes; this one is {size}")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise StateError(f"a saved consultation must be JSON: {type(exc).__name__}") from None
        return cls.from_dict(data, diagnoser)

    @classmethod
    def from_dict(cls, data: object, diagnoser: Diagnoser | None = None) -> Consultation:
        """Restore a consultation saved with `to_dict`; it continues exactly where it stopped.

        A state saved with another knowledge-base version (or content) migrates when every fact, value and id it
        holds still exists (`migrated_from` then names the version it was saved with); otherwise it is refused.

        Raises:
            StateError: the state is malformed, or holds a fact, value or id this knowledge base no longer has.
        """
        consultation = cls(diagnoser)
        kb = consultation.kb
        if not isinstance(data, Mapping):
            raise StateError(f"a saved consultation must be a JSON object, not {type(data).__name__}")
        if data.get("format") != STATE_FORMAT:
            raise StateError(f"unknown state format {quote(data.get('format'))}; expected {STATE_FORMAT!r}")
        consultation.migrated_from = saved_with(data, kb)
        restore_answers(consultation, data.get("answers"))
        pending = data.get("pending")
        if pending is not None and (not isinstance(pending, str) or pending not in (*kb.facts, *kb.checklists)):
            raise StateError(f"'pending' must be a fact or checklist id or null, not {quote(pending)}")
        consultation._checked = restore(consultation, data.get("checklists", []))
        reasked = data.get("reasked", [])
        reasking = isinstance(reasked, list) and any(
            w in kb.warnings and any(c.fact == pending for r in kb.warnings[w].rules for c in r.when)
            for w in reasked
            if isinstance(w, str)
        )
        fact = kb.facts.get(pending) if isinstance(pending, str) else None
        if pending in consultation._checked or (
            fact is not None and (fact.free_text or (pending in consultation._answers and not reasking))
        ):
            raise StateError(f"'pending': {pending!r} is not a question that can be pending (answered or free text)")
        prefilled = data.get("prefilled", [])
        if not isinstance(prefilled, list) or any(
            not isinstance(p, str) or p not in consultation._answers for p in prefilled
        ):
            raise StateError("'prefilled' must list answered facts")
        if len(set(prefilled)) != len(prefilled):
            raise StateError("'prefilled' lists a fact twice")
        for key, known in (("deferred", kb.facts), ("reasked", kb.warnings)):
            items = data.get(key, [])
            if not isinstance(items, list) or any(not isinstance(x, str) or x not in known for x in items):
                raise StateError(f"'{key}' must list {'fact' if key == 'deferred' else 'warning'} ids")
            if len(set(items)) != len(items):
                raise StateError(f"'{key}' lists an id twice")
        consultation._pending = pending
        consultation.prefilled = tuple(prefilled)
        consultation._deferred = list(data.get("deferred", []))
        consultation._reasked = list(data.get("reasked", []))
        consultation.suggested = _suggested(kb, data.get("suggested", []))
        return consultation

    # -- state -------------------------------------------------------------------------------------------

    @property
    def checklists(self) -> dict[str, tuple[tuple[str, ...] | None, tuple[str, ...], str | None]]:
        """The checklists answered, in order: id -> (the options picked or None when skipped, the facts the answer
        recorded, the fact answered just before it or None)."""
        return {cid: (c.picked, tuple(c.facts), c.after) for cid, c in self._checked.items()}

    @property
    def answers(self) -> dict[str, str | None]:
        """Answers so far, in the order given; None means 不知道."""
        return dict(self._answers)

    def known(self) -> dict[str, str]:
        """The answers that are not 不知道."""
        return {k: v for k, v in self._answers.items() if v is not None}

    def answer(self, fact_id: str, value: str | Iterable[str] | None) -> None:
        """Record an answer; None means the person does not know.

        For a checklist (`Question.multiple`), `value` is the option ids picked, any number of them (a list, or one
        id); an empty list means none of them happened (each open option's fact is recorded as 不知道, never as
        "no"), and None skips the checklist (nothing is recorded, so its facts may still be asked one by one).

        Raises:
            UnknownFactError: no such fact or checklist.
            InvalidValueError: the value is not allowed for that fact (or not an option of that checklist).
        """
        if fact_id in self.kb.checklists:
            self._check(fact_id, value)
            return
        validated = validate_facts(self.kb, {fact_id: value})  # type: ignore[dict-item]  # it refuses a list, naming the fact
        for checked in self._checked.values():  # answered on its own now: it counts as a question of its own
            if fact_id in checked.facts:
                checked.facts.remove(fact_id)
        self._answers.pop(fact_id, None)  # a corrected answer moves to the end, so undo takes it back
        self._answers[fact_id] = validated.get(fact_id)
        if fact_id in self._deferred:
            self._deferred.remove(fact_id)
        if self._pending == fact_id:
            self._pending = None

    def _check(self, checklist_id: str, value: str | Iterable[str] | None) -> None:
        """Record the options picked from a checklist (see `answer`)."""
        checklist = self.kb.checklists[checklist_id]
        items = None if value is None else picked(checklist, value)
        if checklist_id in self._checked:
            self._take_back(checklist_id)
        offered = self._agenda.open_options(checklist_id, self._answers)
        self._checked[checklist_id] = record(checklist, items, self._answers, offered)
        if self._pending == checklist_id:
            self._pending = None

    def _take_back(self, checklist_id: str) -> None:
        """Undo a checklist's answer: the facts it answered are open again and it may be asked again."""
        for fact_id in self._checked.pop(checklist_id).facts:
            self._answers.pop(fact_id, None)

    def defer(self) -> str:
        """The person will look the pending question up (我去查一下): ask it again at the end if it still matters.

        Returns the deferred fact id.

        Raises:
            ConsultationError: no question is pending.
        """
        if self._pending is None:
            raise ConsultationError("no question is pending to put off")
        if self._pending in self.kb.checklists:
            raise ConsultationError("a checklist is not put off: answer it, or skip it with None")
        fact_id, self._pending = self._pending, None
        if fact_id not in self._deferred:
            self._deferred.append(fact_id)
        return fact_id

    def answer_text(self, text: str) -> Reply:
        """Read a free-text reply (是 / 没有 / 不清楚 / 3 / a choice's words) to the pending question.

        The pending question is the one `next_question` last returned. A clear reply is recorded; an
        ambiguous or unmatched one returns a Reply of kind "choose" with the choices, and records nothing.

        Raises:
            TypeError: `text` is not a string.
            ConsultationError: there is no question to answer.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, not {type(text).__name__}")
        fact_id = self._pending
        if fact_id is None:
            question = self.next_question()
            if question is None:
                raise ConsultationError("no question is pending: the consultation has reached its result")
            fact_id = question.id
        self._pending = fact_id
        offered = self._question(fact_id).offered  # the numbers a reply gives index the choices shown
        listed = isinstance(offered, Checklist)
        matcher = self.diagnoser.matcher
        reply = matcher.match_checklist(offered, text) if listed else matcher.match_reply(offered, text)  # type: ignore[arg-type]
        if reply.kind == "later":  # a checklist is never put off: its reply is 不知道 instead
            self.defer()
        elif reply.kind != "choose":
            self.answer(fact_id, list(reply.picked) if listed and reply.kind == "answer" else reply.value)
        return reply

    def undo(self) -> str:
        """Take back the last answer and return its fact id (a checklist's id, when that was the last answer).

        Raises:
            ConsultationError: nothing has been answered yet.
        """
        last = next(reversed(self._answers), None)
        if self._checked:  # the last checklist, when nothing was answered after it
            checklist_id, checked = next(reversed(self._checked.items()))
            if (last in checked.facts) if checked.facts else (last == checked.after):
                self._take_back(checklist_id)
                self._pending = None
                return checklist_id
        if not self._answers:
            raise ConsultationError("nothing to undo: no question has been answered yet")
        fact_id = next(reversed(self._answers))
        del self._answers[fact_id]
        self.prefilled = tuple(f for f in self.prefilled if f != fact_id)
        self._pending = None
        return fact_id

    def result(self) -> Diagnosis:
        """The diagnosis for the answers so far (the same as `diagnose(answers)`)."""
        return self.diagnoser.diagnose(self._answers)

    # -- choosing questions ------------------------------------------------------------------------------

    def next_question(self, *, force: bool = False) -> Question | None:
        """The next question to ask, or None when the consultation should stop (see `stop_reason`).

        In order: an earlier answer that a later one contradicts is asked again, once (domain.md §6.1); then the
        question whose answer is expected to teach most about the cause (knowledge/README.md, "Choosing
        questions"); then, before stopping, the facts of a `second_look` that applies (a second cause domain.md
        pairs with the first), and questions chosen the same way for a cause beside the one it pairs; then
        questions the person put off to look up, if they still matter. It stops at the question cap, or when no
        question is worth asking. With `force`, it offers the most useful question left even then, and returns
        None only when there is nothing left to ask.
        """
        step, _ = self._agenda.next(self._answers, self.asked, self._deferred, self._reasked, force, self._picked)
        self._pending = step.fact if step is not None else None
        if step is None:
            return None
        if step.clash is not None:
            self._reasked.append(step.clash)
        return self._question(step.fact, step.reask, step.only)

    @property
    def _picked(self) -> dict[str, tuple[str, ...] | None]:
        return {cid: c.picked for cid, c in self._checked.items()}

    def _question(self, fact_id: str, reask: Text | None = None, only: tuple[str, ...] | None = None) -> Question:
        """The question about `fact_id`; `only` the choices offered (by default, what the agenda offers now)."""
        whose = self._answers.get("viewing_whose")
        if only is None:
            only = self._offered(fact_id)
        fact = self.kb.checklists[fact_id] if fact_id in self.kb.checklists else self.kb.facts[fact_id]
        default = self.suggested.get(fact_id)
        if only and default not in only:
            default = None
        return Question(fact, reask=reask, replies=self.kb.replies, whose=whose, default=default, only=only)

    def _offered(self, fact_id: str) -> tuple[str, ...]:
        """The choices the agenda offers for `fact_id` now: a checklist's open options, a follow-up's values."""
        if fact_id in self.kb.checklists:
            return self._agenda.open_options(fact_id, self._answers)
        follow_ups = (o for c, done in self._checked.items() for o in alone(self.kb.checklists[c], done.picked))
        option = next((o for o in follow_ups if o.fact == fact_id), None)
        return option.values if option is not None and fact_id not in self._answers else ()

    @property
    def pending(self) -> Question | None:
        """The question last put (by `next_question`) and not yet answered, or None."""
        return self._question(self._pending) if self._pending is not None else None

    @property
    def should_stop(self) -> bool:
        """Whether the consultation has enough to conclude (`next_question()` would return None)."""
        return self._plan(False)[0] is None

    @property
    def stop_reason(self) -> str | None:
        """Why it stops: "settled" (no question would change much and a cause stands), "no_evidence" (nothing
        more to learn, and no cause has evidence: the fallback), "cap" (the question cap), or None."""
        question, reason = self._plan(False)
        return None if question is not None else reason

    @property
    def left_open(self) -> tuple[Question, ...]:
        """The (at most 3) unanswered questions that would still change the result most, most useful first. After
        a stop at the cap, these are what the person should find out (asked "不知道" ones stay open too)."""
        known: dict[str, str | None] = {k: v for k, v in self._answers.items() if v is not None}
        return tuple(self._question(fact_id) for fact_id in self._agenda.left_open(known, 3))

    @property
    def asked(self) -> int:
        """How many questions have been answered (prefilled facts excluded, re-asks included; a checklist counts
        once, however many facts it answered)."""
        by_checklist = sum(len(c.facts) for c in self._checked.values())
        return len(self._answers) - len(self.prefilled) - by_checklist + len(self._checked) + len(self._reasked)

    def _plan(self, force: bool) -> tuple[Question | None, str]:
        step, reason = self._agenda.next(self._answers, self.asked, self._deferred, self._reasked, force, self._picked)
        if step is None:
            return None, reason
        return self._question(step.fact, step.reask, step.only), reason

    def why(self, fact_id: str) -> Why:
        """The WHY explanation for a question: what each answer would confirm, point to or rule out.

        Raises:
            UnknownFactError: no such fact.
        """
        checklist = self.kb.checklists.get(fact_id)
        if checklist is not None:  # each option as the answers it stands for
            known = {k: v for k, v in self.known().items() if k not in checklist.facts}
            picks = [(o.id, [{o.fact: v} for v in o.values]) for o in checklist.options]
            return Why(checklist, tuple(effect(self._planner, known, option, ways) for option, ways in picks))
        fact = self.kb.facts.get(fact_id)
        if fact is None or fact.free_text:
            known_ids = [f for f, x in self.kb.facts.items() if not x.free_text] + list(self.kb.checklists)
            raise UnknownFactError(fact_id, known_ids)
        known = {k: v for k, v in self.known().items() if k != fact_id}
        return Why(fact, tuple(effect(self._planner, known, value, [{fact_id: value}]) for value in fact.allowed))
