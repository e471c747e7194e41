"""Extending the knowledge base is data only: a new fact value, cause and warning need no Python change."""

from __future__ import annotations

from pathlib import Path

import diagnose
from diagnose.knowledge.lint import lint

NEW_CAUSE = """
id = "probe_new_cause"
group = "E"
confidence = "solid"
prior = "rare"
prior_reason = "a cause added by the test, to show that a cause is data"
title = { zh = "测试用的新原因", en = "A new cause added by the test" }
explanation = { zh = "这是测试新增的原因。", en = "This cause was added by the test." }
verify = [{ zh = "核实一下。", en = "Check it." }]
steps = [{ zh = "拨打12393咨询。", en = "Call 12393." }]
contacts = ["hotline_12393"]
sources = ["the test itself"]
citizen_sources = [{ zh = "12393医保服务热线", en = "The 12393 medical-insurance hotline" }]

[[signal]]
when = { external_claim = "probe_notice" }
weight = "decisive"
reason = "the new value names the new cause"

[[unless]]
when = { external_claim = "none" }
reason = "no claim, no cause"

[[example]]
name = "probe_notice_seen"
facts = { external_claim = "probe_notice" }
top = "probe_new_cause"
expect = ["probe_new_cause"]

[[example]]
name = "probe_no_notice"
facts = { external_claim = "none", insurance_type = "resident" }
expect = ["resident_insurance_no_account"]
absent = ["probe_new_cause"]
"""

NEW_WARNING = """
[[warning]]
id = "probe_warning"
text = { zh = "测试用的提醒。", en = "A warning added by the test." }
recheck = ["external_claim"]

[[warning.rule]]
when = { external_claim = "probe_notice", insurance_type = "none" }

[[warning.example]]
name = "probe_warning_raised"
facts = { external_claim = "probe_notice", insurance_type = "none" }
"""


def test_a_new_value_cause_and_warning_are_data_only(kb_copy: Path) -> None:
    """Add a value to a fact, a cause file and a warning to a copy of the knowledge base: it loads, `check` is
    clean, and the new cause and warning work as their examples say."""
    facts = kb_copy / "facts.toml"
    text = facts.read_text(encoding="utf-8")
    anchor = '  { id = "social_media_rumor",'
    assert anchor in text
    new_value = '  { id = "probe_notice", zh = "测试用的新情况", en = "A new answer added by the test" },\n'
    facts.write_text(text.replace(anchor, new_value + anchor, 1), encoding="utf-8")
    (kb_copy / "causes" / "probe_new_cause.toml").write_text(NEW_CAUSE, encoding="utf-8")
    checks = kb_copy / "checks.toml"
    checks.write_text(checks.read_text(encoding="utf-8") + NEW_WARNING, encoding="utf-8")

    kb = diagnose.load_knowledge(kb_copy)
    assert "probe_notice" in kb.facts["external_claim"].allowed
    assert "probe_new_cause" in kb.causes and "probe_warning" in kb.warnings
    assert lint(kb) == []
    d = diagnose.Diagnoser(kb, cache_size=0)
    assert d.diagnose({"external_claim": "probe_notice"}).causes[0].id == "probe_new_cause"
    warned = d.diagnose({"external_claim": "probe_notice", "insurance_type": "none"})
    assert "probe_warning" in {w.id for w in warned.warnings}
    consultation = diagnose.Consultation(d)
    consultation.answer("external_claim", "probe_notice")
    assert consultation.result().causes[0].id == "probe_new_cause"
