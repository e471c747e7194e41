"""How often the one-shot diagnosis names the right cause, on the story cases and on the rule examples.

    .venv/bin/python benchmarks/accuracy.py [--kb KNOWLEDGE_DIR] [--stories FILE] [--verbose] [--consult | --from-text]

Story cases (knowledge/stories.toml) are people in their own words with only the facts their story states,
and the causes domain.md gives for them, written by hand before any weight was set. Rule examples are the
`[[example]]` tables of knowledge/causes/*.toml; their expected causes are `top` and `expect`.

Figures:
- top-1: the first listed cause is one of the expected causes;
- top-3: every expected cause is among the first three listed;
- causes listed: main causes per case (and all listed, main plus "also worth checking");
- with own evidence: the share of listed causes that a signal with a positive weight supports.

It runs against whichever `diagnose` is importable, so the same script measures an older checkout too
(PYTHONPATH=/path/to/old/checkout). There, a fact or value the older vocabulary lacks is dropped from the case,
and "listed" means every cause reported; the older model has no signals, so a cause counts as having evidence of
its own when a condition other than insurance type, channel, symptom or a derived fact held for it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

import diagnose

_CONTEXT = {"insurance_type", "query_channel", "symptom"}
ROOT = Path(__file__).resolve().parent.parent


def load_stories(path: Path) -> list[dict[str, Any]]:
    """The story cases: name, text, facts, expect (most likely first)."""
    return list(tomllib.loads(path.read_text(encoding="utf-8"))["story"])


def rule_examples(kb: Any) -> list[dict[str, Any]]:
    """The rule examples as cases: the expected causes are `top` then `expect`."""
    out = []
    for cause in kb.causes.values():
        for ex in cause.examples:
            if hasattr(ex, "top"):
                expect = list(dict.fromkeys(([ex.top] if ex.top else []) + list(ex.expect)))
            else:  # the older model: {cause: status}
                expect = list(ex.expect)
            case = {"name": ex.name, "facts": dict(ex.facts), "expect": expect}
            if getattr(ex, "story", None):
                case["text"] = ex.story
            out.append(case)
    return out


def _usable(kb: Any, facts: dict[str, str]) -> dict[str, str]:
    return {f: v for f, v in facts.items() if f in kb.facts and (kb.facts[f].free_text or v in kb.facts[f].allowed)}


def _ranked(result: Any) -> tuple[list[Any], int]:
    """Every listed cause in order, and how many of them are main causes."""
    main = list(result.causes)
    return main + list(getattr(result, "also", ())), len(main)


def _own_evidence(cause: Any) -> bool:
    if hasattr(cause, "evidence"):
        return any(e.weight > 0 for e in cause.evidence)
    return any(not r.derived and r.fact not in _CONTEXT for r in cause.because)


def measure(diagnoser: Any, cases: list[dict[str, Any]], verbose: bool = False) -> dict[str, float]:
    """Run every case once; return the figures described in the module doc."""
    kb = diagnoser.kb
    top1 = top3 = 0
    main_counts, all_counts, own, listed_total, dropped = [], [], 0, 0, 0
    for case in cases:
        facts = _usable(kb, case["facts"])
        dropped += len(case["facts"]) - len(facts)
        ranked, n_main = _ranked(diagnoser.diagnose(facts))
        ids = [c.id for c in ranked]
        expect = case["expect"]
        hit1 = bool(ids) and ids[0] in expect
        hit3 = all(e in ids[:3] for e in expect)
        top1 += hit1
        top3 += hit3
        main_counts.append(n_main)
        all_counts.append(len(ranked))
        own += sum(_own_evidence(c) for c in ranked)
        listed_total += len(ranked)
        if verbose and not (hit1 and hit3):
            shown = ", ".join(f"{c.id}({c.status})" for c in ranked[:4])
            print(f"  miss {case['name']}: expected {expect}, got {shown or 'fallback'}")
    n = len(cases)
    return {
        "cases": n,
        "top1": top1 / n,
        "top3": top3 / n,
        "main": statistics.mean(main_counts),
        "listed": statistics.mean(all_counts),
        "own": own / listed_total if listed_total else 1.0,
        "dropped": dropped,
    }


def consult(
    diagnoser: Any, cases: list[dict[str, Any]], verbose: bool = False, from_text: bool = False
) -> dict[str, float]:
    """Run a consultation per case: a simulated person answers from the case's facts and says 不知道 to the
    rest. With `from_text`, the consultation starts from the case's own words as a bot's first message
    (`Consultation.from_text`; the facts read from it stand as answered, right or wrong, and are not counted as
    questions); cases without a text start empty. Returns top-1/top-3 of the final result and the questions asked."""
    from diagnose.consult.session import Consultation

    kb = diagnoser.kb
    top1 = top3 = 0
    asked: list[int] = []
    unknown = 0
    reasons: dict[str, int] = {}
    for case in cases:
        facts = _usable(kb, case["facts"])
        text = case.get("text") if from_text else None
        c = Consultation.from_text(text, diagnoser) if text else Consultation(diagnoser)
        n = 0
        while (q := c.next_question()) is not None:
            reply = q.answer_from(facts)
            c.answer(q.id, reply)
            unknown += reply is None  # a checklist answered with nothing picked is not a 不知道
            n += 1
        reason = c.stop_reason or "?"
        reasons[reason] = reasons.get(reason, 0) + 1
        ids = [x.id for x in _ranked(c.result())[0]]
        hit1 = bool(ids) and ids[0] in case["expect"]
        hit3 = all(e in ids[:3] for e in case["expect"])
        top1 += hit1
        top3 += hit3
        asked.append(n)
        if verbose and not (hit1 and hit3):
            print(f"  consult miss {case['name']}: expected {case['expect']}, got {ids[:3]} after {n} questions")
    asked.sort()
    return {
        "cases": len(cases),
        "top1": top1 / len(cases),
        "top3": top3 / len(cases),
        "median": statistics.median(asked),
        "p90": asked[int(0.9 * (len(asked) - 1))],
        "max": asked[-1],
        "unknown": unknown / max(1, sum(asked)),
        "stops": ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())),
    }


def report(name: str, figures: dict[str, float]) -> str:
    """One line of figures."""
    return (
        f"{name}: {figures['cases']:.0f} cases, top-1 {figures['top1']:.1%}, top-3 {figures['top3']:.1%}, "
        f"main causes {figures['main']:.2f}, listed {figures['listed']:.2f}, with own evidence {figures['own']:.1%}"
        + (f" ({figures['dropped']:.0f} facts outside this vocabulary dropped)" if figures["dropped"] else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", help="knowledge directory (default: the one diagnose loads)")
    parser.add_argument("--stories", default=str(ROOT / "knowledge" / "stories.toml"))
    parser.add_argument("--verbose", action="store_true", help="list every case that misses")
    parser.add_argument("--consult", action="store_true", help="also run a consultation per case (slower)")
    parser.add_argument(
        "--from-text", action="store_true", help="start each consultation from the story's text (implies --consult)"
    )
    args = parser.parse_args()
    kb = diagnose.load_knowledge(args.kb)
    diagnoser = diagnose.Diagnoser(kb)
    print(f"diagnose from {Path(diagnose.__file__).parent}, knowledge {kb.version}")
    for name, cases in (("stories", load_stories(Path(args.stories))), ("rule examples", rule_examples(kb))):
        figures = measure(diagnoser, cases, args.verbose)
        print(report(name, figures))
        if args.consult or args.from_text:
            f = consult(diagnoser, cases, args.verbose, args.from_text)
            print(
                f"  after a consultation: top-1 {f['top1']:.1%}, top-3 {f['top3']:.1%}; questions median "
                f"{f['median']:.0f}, p90 {f['p90']:.0f}, max {f['max']:.0f}; answered 不知道 {f['unknown']:.0%}; "
                f"stopped: {f['stops']}"
            )


if __name__ == "__main__":
    main()
