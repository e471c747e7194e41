"""Precision and recall of prefill (`extract_facts`) on the user stories kept with every example case.

A story is how a citizen would type their first message; its example's facts are the truth. An extracted fact
the example does not state counts against precision (we cannot tell it is right), except viewing_whose, which
examples leave out (their stories are mostly in the first person). Recall is over all the
example's facts, though a story rarely mentions every one.

    .venv/bin/python benchmarks/extraction.py [-v] [MESSAGES.toml]   # default: knowledge/messages.toml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import diagnose

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def measure(verbose: bool = False) -> tuple[int, int, int, int, list[str]]:
    """Return (stories, right, extracted, stated, problems) over every example that has a story."""
    kb = diagnose.load_knowledge()
    right = extracted = stated = stories = 0
    problems: list[str] = []
    for cause in kb.causes.values():
        for example in cause.examples:
            if not example.story:
                continue
            stories += 1
            found = diagnose.extract_facts(example.story)
            if "viewing_whose" not in example.facts:  # examples leave out whose account it is: not judged
                found.pop("viewing_whose", None)
            stated += len(example.facts)
            extracted += len(found)
            for fact, value in found.items():
                if example.facts.get(fact) == value:
                    right += 1
                else:
                    problems.append(
                        f"{example.name}: {fact}={value} (example: {example.facts.get(fact)}) <- {example.story}"
                    )
            if verbose:
                missed = {f: v for f, v in example.facts.items() if found.get(f) != v}
                print(f"{example.name}: missed {missed}")
    return stories, right, extracted, stated, problems


def measure_messages(verbose: bool = False, path: Path | None = None) -> dict[str, float]:
    """Precision and recall on knowledge/messages.toml: first messages written without seeing the reader, with
    the facts a careful human reader takes from each. A wrong value for a fact the message states about the
    subject counts as wrong; a fact the message does not state counts as unstated (also against precision)."""
    path = path or Path(diagnose.load_knowledge().path) / "messages.toml"
    messages = tomllib.loads(path.read_text(encoding="utf-8"))["message"]
    right = extracted = stated = wrong = other_person = 0
    per_fact: dict[str, list[int]] = {}  # fact -> [right, extracted, stated]
    for message in messages:
        reading = diagnose.read_message(message["text"])
        found = reading.confident()
        truth = message["facts"]
        stated += len(truth)
        extracted += len(found)
        two_people = _people(message["text"]) >= 2
        for fact in {*truth, *found}:
            row = per_fact.setdefault(fact, [0, 0, 0])
            row[0] += found.get(fact) is not None and found.get(fact) == truth.get(fact)
            row[1] += fact in found
            row[2] += fact in truth
        for fact, value in found.items():
            if truth.get(fact) == value:
                right += 1
            else:
                wrong += fact in truth
                other_person += two_people
                if verbose:
                    print(f"  {message['name']}: {fact}={value} (truth: {truth.get(fact)}) <- {message['text']}")
    if verbose:
        for fact, (r, e, t) in sorted(per_fact.items()):
            print(
                f"  {fact:34} precision {r / max(e, 1):6.1%}  recall {r / max(t, 1):6.1%}  ({r}/{e} read, {t} stated)"
            )
    return {
        "other_person": other_person,
        "messages": len(messages),
        "precision": right / max(extracted, 1),
        "recall": right / max(stated, 1),
        "extracted": extracted,
        "wrong": wrong,
    }


_PEOPLE = re.compile(
    r"妈|爸|老公|老婆|媳妇|爱人|儿子|女儿|闺女|孩子|爷爷|奶奶|外公|外婆|公公|婆婆|哥|姐|弟|妹|父亲|母亲|娘|mom|dad|husband|wife"
)


def _people(text: str) -> int:
    """How many people a message names: the writer, plus 1 if it names a relative (a rough count)."""
    return 1 + bool(_PEOPLE.search(text))


def main() -> None:
    stories, right, extracted, stated, problems = measure("-v" in sys.argv)
    for line in problems:
        print("wrong or unstated:", line)
    print(f"stories: {stories}; facts extracted: {extracted}; right: {right}")
    print(f"precision {right / max(extracted, 1):.1%}; recall {right / max(stated, 1):.1%} of the examples' facts")
    given = [a for a in sys.argv[1:] if not a.startswith("-")]
    path = Path(given[0]) if given else None
    m = measure_messages("-v" in sys.argv, path)
    print(
        f"first messages ({path or 'knowledge/messages.toml'}): {m['messages']:.0f}; "
        f"facts extracted {m['extracted']:.0f}; "
        f"precision {m['precision']:.1%}; recall {m['recall']:.1%}; stated facts read wrong {m['wrong']:.0f}; "
        f"wrong or unstated facts in messages naming a relative (upper bound of wrong-person facts) "
        f"{m['other_person']:.0f}"
    )


if __name__ == "__main__":
    main()
