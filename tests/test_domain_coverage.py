"""The knowledge base covers exactly the public contract of domain.md (knowledge/contract.toml): its facts, their
values and its causes."""

from __future__ import annotations

import sys
from pathlib import Path

import diagnose
from diagnose.knowledge.model import KnowledgeBase

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONTRACT = tomllib.loads((Path(diagnose.load_knowledge().path) / "contract.toml").read_text(encoding="utf-8"))
"""knowledge/contract.toml: the fact ids and values of domain.md §6 and the cause ids of §3."""


def test_facts_and_values_match_domain(kb: KnowledgeBase) -> None:
    """The fact ids and their value ids are exactly those of domain.md §6."""
    assert {f: set(kb.facts[f].allowed) for f in kb.facts} == {f: set(v) for f, v in CONTRACT["facts"].items()}


def test_causes_match_domain(kb: KnowledgeBase) -> None:
    """The cause ids are exactly those of domain.md §3."""
    assert set(kb.causes) == set(CONTRACT["causes"])


def test_regional_causes_say_so(kb: KnowledgeBase) -> None:
    """Every regional cause carries a note that the rule depends on where the person is insured."""
    for cause in kb.causes.values():
        if cause.confidence == "regional":
            assert cause.regional_note is not None and "参保地" in cause.regional_note.zh, cause.id


def test_no_seed_errors_in_routing(kb: KnowledgeBase) -> None:
    """Medical-insurance questions go to 12393: every cause that lists 12333 also lists 12393 or the bank, and
    12333 is only ever for card (社保卡) or labour matters (domain.md §7 E3)."""
    for cause in kb.causes.values():
        ids = [c.id for c in cause.contacts]
        if "hotline_12333" in ids:
            assert cause.id in {"card_not_activated", "account_frozen", "contributions_not_paid"}, cause.id


def test_every_cause_cites_a_source_and_no_content_farm(kb: KnowledgeBase) -> None:
    """Each cause cites at least one source, and none is one of the content farms domain.md warns about."""
    farms = ("jiusongjiankang", "fengdujob", "hunanyuer", "vbgudu", "yzzsnet", "kuyiso", "jxyuer")
    for cause in kb.causes.values():
        assert cause.sources, cause.id
        for source in cause.sources:
            assert not any(f in source for f in farms), (cause.id, source)
