"""The interface's own words (headings, prompts, messages) in Chinese and English."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "transcript_title": "医保个人账户余额诊断记录",
        "kb_version": "知识库版本",
        "answers": "问答",
        "answer": "回答",
        "no_answers": "（没有回答任何问题）",
        "dont_know": "不知道",
        "result": "诊断结果",
        "main": "最可能的原因",
        "also": "也可能是",
        "also_found": "另外还查到这些原因",
        "none_fits": (
            "以上都对不上？请拨打12393医保服务热线（可加参保地区号），或本人带身份证到参保地医保经办机构查询。"
        ),
        "how": "判断依据",
        "still_unknown": "还不清楚",
        "verify": "怎么核实",
        "steps": "建议您这样做",
        "contacts": "联系渠道",
        "sources": "依据来源",
        "warnings": "请再核对一下",
        "notes": "您还应该知道",
        "question": "问题",
        "choose_hint": "请输入编号（0 = 不知道）；输入 ? 看为什么问这个，b 返回上一题",
        "none_of_these": "都没有 / 记不清",
        "choose_many_hint": "可以多选，用空格隔开，如 1 6a（0 = 都没有）；? 看为什么问，b 返回上一题",
        "invalid_choices": (
            "没看懂“{text}”。请输入 1 到 {n} 之间的编号（带小字母的，如 6a，是其中一种情况），可以多个，用空格隔开；"
            "0 表示都没有，? 查看为什么问，b 返回上一题。"
        ),
        "invalid_choice": "没看懂“{text}”。请输入 1 到 {n} 之间的编号，0 表示不知道，? 查看为什么问，b 返回上一题。",
        "why_title": "为什么问这个",
        "went_back": "已返回上一题（撤回了：{question}）",
        "at_start": "已经是第一题了，没有可以返回的。",
        "interrupted": "已中断，没有给出结论。",
        "input_ended": "输入结束，下面是根据已有回答得出的结果。",
        "expand": "想看上面带编号的某个原因的详细说明，请输入它的编号；直接回车结束。",
        "saved": "记录已保存到 {path}",
        "welcome": "医保个人账户余额诊断：回答几个问题，帮您找出余额为0、看不到或比预期少的原因。",
        "no_questions": "根据您的回答，不需要再问了。",
        "stop_cap": "问题已经问得够多了，下面先根据您已有的回答给出结果；还不清楚的地方，可以按建议去核实。",
        "stop_no_evidence": "根据目前的回答还找不到明确的原因，下面是建议的下一步。",
        "left_open": "下面这些还没弄清，查清以后结果会更准：",
        "deferred": "好的，您先去查，最后再回到这个问题。",
        "for": "支持",
        "against": "不支持",
        "fact_line": "{label}：{value}",
        "inferred_line": "推断「{value}」：{why}",
        "evidence_line": "{direction}（{strength}，{weight}）：{facts}",
        "contact_line": "{name}：{detail}",
        "list_sep": "；",
        "effect_sep": "；",
        "why_intro": "问这个，是因为",
        "why_end": "。",
        "why_none": "这个问题能帮着缩小原因的范围。",
        "why_confirms": "答“{answer}”，基本就能确定是“{cause}”",
        "why_points_to": "答“{answer}”，可能是“{cause}”",
        "why_rules_out": "答“{answer}”，就能排除“{cause}”",
        "error": "错误",
        "regional": "因地而异",
    },
    "en": {
        "transcript_title": "Personal-account balance consultation",
        "kb_version": "Knowledge base version",
        "answers": "Questions and answers",
        "answer": "Answer",
        "no_answers": "(no questions answered)",
        "dont_know": "Don't know",
        "result": "Diagnosis",
        "main": "Most likely cause",
        "also": "Also possible",
        "also_found": "Other causes found",
        "none_fits": (
            "None of this fits? Call the 12393 medical-insurance hotline (add your region's area code), or go in "
            "person with your ID card to the 医保经办机构 where you are insured."
        ),
        "how": "How we got here",
        "still_unknown": "Still unknown",
        "verify": "How to check",
        "steps": "What to do",
        "contacts": "Whom to contact",
        "sources": "Sources",
        "warnings": "Please double-check",
        "notes": "Good to know",
        "question": "Question",
        "choose_hint": "Type a number (0 = don't know); ? for why we ask, b to go back",
        "none_of_these": "None of these / not sure",
        "choose_many_hint": "Pick any, separated by spaces, e.g. 1 6a (0 = none); ? for why we ask, b to go back",
        "invalid_choices": (
            "Could not read “{text}”. Type numbers from 1 to {n} (with a letter, such as 6a, for one of its kinds), "
            "separated by spaces; 0 for none of these, ? for why we ask, b to go back."
        ),
        "invalid_choice": (
            'Could not read "{text}". Type a number from 1 to {n}, 0 for don\'t know, ? for why, b to go back.'
        ),
        "why_title": "Why we ask",
        "went_back": "Went back one question (withdrew: {question})",
        "at_start": "This is the first question; there is nothing to go back to.",
        "interrupted": "Interrupted; no conclusion given.",
        "input_ended": "Input ended; here is the result from the answers so far.",
        "expand": "To read one of the numbered causes above in full, type its number; press Enter to finish.",
        "saved": "Transcript saved to {path}",
        "welcome": (
            "Personal-account balance check: answer a few questions to find out why the balance is 0, missing or "
            "lower than expected."
        ),
        "no_questions": "No further questions are needed.",
        "stop_cap": (
            "That is enough questions: here is the result from your answers so far; the suggestions say how to "
            "check the rest."
        ),
        "stop_no_evidence": "Your answers do not point to a clear cause yet; here is what to do next.",
        "left_open": "Still unclear; finding these out would make the result surer:",
        "deferred": "Fine: look it up, and we will come back to this question at the end.",
        "for": "for",
        "against": "against",
        "fact_line": "{label}: {value}",
        "inferred_line": "Inferred: {label}: {value} ({why})",
        "evidence_line": "{direction} ({strength}, {weight}): {facts}",
        "contact_line": "{name} — {detail}",
        "list_sep": "; ",
        "effect_sep": "; ",
        "why_intro": "We ask because ",
        "why_end": ".",
        "why_none": "This question helps narrow down the cause.",
        "why_confirms": 'answering "{answer}" would all but settle it: {cause}',
        "why_points_to": 'answering "{answer}" points to: {cause}',
        "why_rules_out": 'answering "{answer}" rules out: {cause}',
        "error": "Error",
        "regional": "varies by region",
    },
}

STRENGTHS: dict[str, dict[str, str]] = {
    "zh": {
        "decisive": "决定性",
        "strong": "强",
        "moderate": "中等",
        "weak": "弱",
        "against_weak": "弱",
        "against": "中等",
        "against_strong": "强",
    },
    "en": {
        "decisive": "decisive",
        "strong": "strong",
        "moderate": "moderate",
        "weak": "weak",
        "against_weak": "weak",
        "against": "moderate",
        "against_strong": "strong",
    },
}
"""How a signal's named weight (knowledge/evidence.toml) reads in the HOW explanation."""
