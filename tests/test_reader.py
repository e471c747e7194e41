"""The first-message reader: clauses, whose situation each is about, channels, time, masking, spans, confidence."""

from __future__ import annotations

from pathlib import Path

import pytest

import diagnose
from diagnose import Consultation


def _facts(text: str) -> dict[str, str]:
    return diagnose.extract_facts(text)


class TestSubject:
    def test_a_relatives_insurance_is_not_the_writers(self) -> None:
        """The wife's 居民医保 is not read as the writer's insurance; the balance in question is the writer's."""
        facts = _facts("我媳妇给她自己和孩子交了居民医保，用的是我的个人账户，现在我账户里钱少了一大块")
        assert "insurance_type" not in facts
        assert facts["viewing_whose"] == "self"

    def test_the_relative_whose_balance_is_zero_is_the_subject(self) -> None:
        """The mother's 新农合 and 0 are the facts; the writer's 职工医保 only says a relative has one."""
        reading = diagnose.read_message("我妈的医保卡余额一直是0，她在农村交的新农合。我自己是单位交的职工医保")
        assert reading.subject == "family_member"
        facts = reading.confident()
        assert facts["insurance_type"] == "resident" and facts["symptom"] == "always_zero"
        assert facts["relative_with_employee_insurance"] == "yes"

    def test_sharing_given_to_the_subject_makes_them_the_receiver(self) -> None:
        """A son who opened 家庭共济 for the writer makes the writer the receiver, not the giver."""
        facts = _facts("我儿子给我开通了家庭共济，我自己是居民医保，我的卡上显示0")
        assert facts["family_sharing"] == "receiver" and facts["insurance_type"] == "resident"

    def test_a_pronoun_points_back_to_the_relative(self) -> None:
        """他 in a later clause is the husband named before."""
        facts = _facts("不是我的卡，是我老公的，他在药店刷医保卡，收银员说他个人账户余额是0")
        assert facts["viewing_whose"] == "family_member"

    @pytest.mark.parametrize(
        "text",
        [
            "小孩在外地读书，我查了查他的个人账户，余额一直是0",  # a pronoun after 查
            "我登录我妈的国家医保服务平台App，个人账户是0",  # a relative's app
            "我看了看他妈的医保卡，余额一直是0",  # the longer name (他妈), not the pronoun inside it
            "My daughter works in Shenzhen. I looked at her card and the balance is zero.",
        ],
    )
    def test_the_writer_checking_a_relatives_account_views_theirs(self, text: str) -> None:
        """The writer checks (查 / 登录 / look), but the account, card or app is the relative's."""
        assert _facts(text)["viewing_whose"] == "family_member"

    @pytest.mark.parametrize(
        "text",
        [
            "I added my wife to family sharing, but when she buys medicine her balance is still 0.",
            "I moved to Beijing with my son, and every time he pays at the clinic his balance is 0.",
        ],
    )
    def test_an_english_clause_opening_with_when_is_about_the_person_after_it(self, text: str) -> None:
        """but when he… / every time she…: the opening words do not push the person out of the topic's reach."""
        assert _facts(text)["viewing_whose"] == "family_member"

    def test_an_employer_that_only_just_paid_is_a_new_enrolment_too(self) -> None:
        """单位上个月才给我缴上 names the scheme (the employer pays) and a new enrolment: the employer's phrase must
        not swallow the other fact."""
        facts = _facts("单位上个月才给我缴上社保，医保个人账户现在还是0")
        assert facts["insurance_type"] == "employee" and facts["recently_enrolled"] == "yes"

    def test_a_transfer_not_gone_to_is_not_applied(self) -> None:
        """还没去办转移 / 一直没去办转移接续: 去 between the negation and 办 is still a transfer not applied for."""
        assert _facts("老家的医保我还没去办转移")["transfer_status"] == "not_applied"
        assert _facts("她一直没去办转移接续")["transfer_status"] == "not_applied"

    def test_the_writer_checking_their_own_account_stays_self(self) -> None:
        """我查了我的卡 after naming a relative elsewhere is still the writer's account."""
        assert _facts("我妈退休了，我查了我自己的医保卡，余额是0")["viewing_whose"] == "self"

    def test_a_report_is_about_whom_it_names_after_shuo(self) -> None:
        """我老公说我婆婆那边开了家庭共济: 婆婆 opened it, so she gives; the reporter is no relative on 职工医保."""
        facts = _facts("我老公说我婆婆那边开了家庭共济，绑的是小叔子，婆婆卡里的钱突然少了一大块")
        assert facts["family_sharing"] == "authorized" and "relative_with_employee_insurance" not in facts

    def test_what_a_caller_goes_on_to_say_is_the_claim(self) -> None:
        """The clauses after 打电话说 that name nobody are the caller's claim: no symptom of the writer's."""
        facts = _facts("有人打电话说我医保卡出问题了，钱都被清零了，让我去银行转账")
        assert facts["external_claim"] == "sms_or_call" and "symptom" not in facts

    def test_a_zero_the_writer_saw_after_the_claim_stays(self) -> None:
        """我查了…是0 after the claim is the writer's own look (§6.1 #12: a real zero beside a scam)."""
        facts = _facts("接到电话说我的医保卡要停用，我看了一下银行App，余额是0")
        assert facts["external_claim"] == "sms_or_call" and facts["query_channel"] == "bank"

    def test_the_writers_own_look_ends_the_claim(self) -> None:
        """After 短信说…, 赶紧查了一下 (no subject, as Chinese often has it) is the writer looking for themselves."""
        facts = _facts("收到短信说医保卡要作废，赶紧查了一下，余额突然少了一大块")
        assert facts["external_claim"] == "sms_or_call" and facts["symptom"] == "dropped_suddenly"
        assert "symptom" not in _facts("收到短信说医保卡要作废，让我查一下，余额突然少了一大块")

    def test_an_official_call_is_no_claim(self) -> None:
        """医院打电话说 is not a scam call, and what follows it is read as usual."""
        facts = _facts("医院打电话说要补交住院费，后来我一看医保卡余额是0")
        assert "external_claim" not in facts and facts["viewing_whose"] == "self"

    def test_what_another_says_of_their_account_is_a_comparison(self) -> None:
        """同事说他的也是0 compares; the writer's own look at their card names whose balance is asked about."""
        assert _facts("邻居说她的个人账户是0，我看了下我的社保卡，也是0")["viewing_whose"] == "self"
        assert _facts("同事跟我说他的卡里没钱了")["viewing_whose"] == "family_member"


class TestNegation:
    def test_negation_stays_in_its_clause(self) -> None:
        """没有 in one clause does not turn round a fact of the next one."""
        facts = _facts("我没有换过工作，医保卡刷不了")
        assert facts["symptom"] == "cannot_use"

    def test_negated_insurance_is_not_read(self) -> None:
        """不是居民医保 fills the 职工医保 that follows, never resident."""
        assert _facts("我不是居民医保，是单位给交的职工医保，怎么个人账户余额是0")["insurance_type"] == "employee"

    def test_someone_elses_spending_is_not_the_subjects(self) -> None:
        """'she has not spent any' about a daughter leaves the writer's own_spending alone."""
        facts = _facts("我在医保钱包里给女儿设了共济额度，她一分钱还没花，可我自己能用的余额比原来少了")
        assert "own_spending" not in facts


class TestChannel:
    def test_the_zero_channel_wins_over_the_comparison(self) -> None:
        """Money on the national app, 0 in the bank app: the 0 was seen at the bank."""
        facts = _facts("国家医保服务平台上明明有钱，农行app查是0")
        assert facts["query_channel"] == "bank" and facts["symptom"] == "zero_in_one_channel"

    def test_zero_first_then_money_elsewhere(self) -> None:
        """掌上12333 shows 0, the national platform shows money."""
        facts = _facts("我妈用掌上12333查医保，个人账户那一栏是0，可是在国家医保服务平台上看有两千多")
        assert facts["query_channel"] == "hr_app" and facts["symptom"] == "zero_in_one_channel"

    def test_money_remembered_is_not_a_second_channel(self) -> None:
        """'上个月还有钱' is a memory, not money seen elsewhere."""
        assert _facts("在银行查余额是0，我明明上个月还有钱").get("symptom") != "zero_in_one_channel"


class TestTime:
    def test_before_and_now_is_a_smaller_credit(self) -> None:
        """以前每个月…现在只…: less than before the reform."""
        facts = _facts("我爸退休了，以前每个月医保卡能进两百多，现在每个月只进一百出头")
        assert facts["symptom"] == "lower_than_expected" and facts["compares_with_pre_reform"] == "yes"

    def test_always_zero(self) -> None:
        """一直是0 is always_zero, not went_to_zero."""
        assert _facts("个账一直是零")["symptom"] == "always_zero"

    def test_had_money_then_zero(self) -> None:
        """去年还有钱，今年一查是0: went_to_zero."""
        assert _facts("医保个人账户去年还有钱，今年一查是0")["symptom"] == "went_to_zero"


class TestMasking:
    MESSAGE = "你好，我叫王小明，身份证号110101199001011234，我的医保卡里钱怎么没了？回电138 1234 5678"

    def test_nothing_returned_holds_an_identifier(self) -> None:
        """Text, spans and unmatched parts have the name, ID and phone number masked."""
        reading = diagnose.read_message(self.MESSAGE)
        kept = [reading.text, *reading.unmatched, *(f.span for f in reading.facts)]
        for secret in ("王小明", "110101199001011234", "138 1234 5678", "5678"):
            assert not [k for k in kept if secret in k]
        assert "＊＊＊" in reading.text

    def test_amounts_are_not_masked(self) -> None:
        """An amount like 1268.50 stays."""
        assert "1268.50" in diagnose.read_message("支付宝医保码里显示个人账户1268.50元，随申办里查却是0").text

    def test_a_consultation_keeps_no_identifier(self) -> None:
        """The state and `mentioned` of a consultation started from the message hold no identifier."""
        c = Consultation.from_text(self.MESSAGE)
        kept = c.to_json() + repr(c.mentioned)
        assert "王小明" not in kept and "110101199001011234" not in kept


class TestReading:
    def test_unmatched_parts_are_reported(self) -> None:
        """A clause that says nothing the reader knows comes back in `unmatched`."""
        reading = diagnose.read_message("我的医保卡刷不了，隔壁老王家的狗丢了")
        assert "隔壁老王家的狗丢了" in reading.unmatched
        assert "我的医保卡刷不了" not in reading.unmatched

    def test_each_fact_has_its_span(self) -> None:
        """A fact's span is the clause it was read from."""
        reading = diagnose.read_message("我是单位交的职工医保，医保卡刷不了")
        spans = {f.fact: f.span for f in reading.facts}
        assert spans["insurance_type"] == "我是单位交的职工医保" and spans["symptom"] == "医保卡刷不了"

    def test_confidence_is_lower_for_a_clause_that_names_nobody(self) -> None:
        """A fact in a clause naming the subject is surer than one carried from the clause before."""
        reading = diagnose.read_message("我爸退休了，医保卡刷不了")
        conf = {f.fact: f.confidence for f in reading.facts}
        assert 0 <= conf["symptom"] < conf["retired"] <= 1

    def test_two_symptoms_are_offered_not_used(self) -> None:
        """Two symptoms of the subject: the more specific is a low-confidence guess, shown as the default."""
        c = Consultation.from_text("医保卡刷不了，钱也一下子少了")
        assert "symptom" not in c.answers and c.suggested.get("symptom") == "dropped_suddenly"
        c.answer("insurance_type", "employee")
        c.answer("query_channel", "nhsa_app")
        c.answer("viewing_whose", "self")
        question = c.next_question(force=True)
        while question is not None and question.id != "symptom":
            c.answer(question.id, None)
            question = c.next_question(force=True)
        assert question is not None and question.default == "dropped_suddenly"

    def test_mentioned_lists_prefilled_facts_and_forget_asks_again(self) -> None:
        """`mentioned` shows each prefilled fact with its words; `forget` takes it back so it is asked."""
        c = Consultation.from_text("我是单位交的职工医保，医保卡刷不了")
        assert ("insurance_type", "employee", "我是单位交的职工医保") in c.mentioned
        c.forget("insurance_type")
        assert "insurance_type" not in c.answers and "insurance_type" not in c.prefilled
        with pytest.raises(diagnose.ConsultationError):
            c.forget("insurance_type")

    def test_a_state_with_suggestions_restores(self) -> None:
        """`suggested` travels in the state; a state without it (written before) still restores."""
        c = Consultation.from_text("医保卡刷不了，钱也一下子少了")
        again = Consultation.from_json(c.to_json())
        assert again.suggested == c.suggested
        old = c.to_dict()
        del old["suggested"]
        assert Consultation.from_dict(old).suggested == {}
        with pytest.raises(diagnose.StateError):
            Consultation.from_dict({**c.to_dict(), "suggested": [["symptom", "nonsense"]]})


class TestReplies:
    @pytest.mark.parametrize("text", ["?", "？", "为什么", "b", "返回"])
    def test_adapter_commands_are_choose(self, text: str) -> None:
        """? / 为什么 / b / 返回 typed to a bot are a request to choose, never an answer or an undo."""
        c = Consultation()
        c._pending = "contribution_status"
        assert c.answer_text(text).kind == "choose" and "contribution_status" not in c.answers

    @pytest.mark.parametrize(
        ("fact", "text", "value"),
        [
            ("contribution_status", "正常在交", "paying"),
            ("query_channel", "微信", "wechat_alipay"),
            ("own_spending", "yes", "yes"),
            ("retired", "退休了不用交", "yes"),
            ("query_channel", "农行app", "bank"),
        ],
    )
    def test_replies_use_the_vocabulary(self, fact: str, text: str, value: str) -> None:
        """A choice's words, yes and the reader's phrasings answer the pending question."""
        c = Consultation()
        c._pending = fact
        reply = c.answer_text(text)
        assert (reply.kind, reply.value) == ("answer", value)

    def test_words_that_fit_several_choices_list_them(self) -> None:
        """职工 fits both 职工医保 choices: those two are offered."""
        c = Consultation()
        c._pending = "insurance_type"
        reply = c.answer_text("职工")
        assert reply.kind == "choose" and set(reply.choices) == {"employee", "flexible_employee"}


class TestVocabulary:
    @pytest.mark.parametrize(
        ("old", "new", "place"),
        [
            ("[words.retired]", "[words.retird]", "words.retird"),
            ('reply_only = ["kinship_binding_only.no"]', 'reply_only = ["kinship_binding_only.maybe"]', "reply_only"),
            ("threshold = 0.7", "threshold = 7", "threshold"),
            ('to = "dropped_suddenly"', 'to = "dropped_sudenly"', "recast[1]"),
            (
                'insurance_type = ["flexible_employee", "employee"]',
                'insurance_type = ["flexible", "employee"]',
                "prefer",
            ),
            ('"prior_employee_account.yes" }', '"prior_employee.yes" }', "past.implies"),
        ],
    )
    def test_the_loader_refuses_a_broken_reader_file(self, kb_copy: Path, old: str, new: str, place: str) -> None:
        """reader.toml naming an unknown fact or value (words, recast, prefer, past) or a threshold outside 0..1
        is refused, naming the place."""
        path = kb_copy / "reader.toml"
        source = path.read_text(encoding="utf-8")
        assert old in source
        path.write_text(source.replace(old, new), encoding="utf-8")
        with pytest.raises(diagnose.KnowledgeError) as info:
            diagnose.load_knowledge(kb_copy)
        assert place in str(info.value)


class TestWhoseFact:
    """Error classes seen on unseen messages (issue 14 §1): each fact belongs to the person it is said of."""

    def test_insurance_given_to_a_relative_is_the_relatives(self) -> None:
        """我给老伴交了居民医保: the 居民医保 is the spouse's; paying it from my account is paid_family_premium."""
        facts = _facts("我给我老伴交了居民医保，扣的是我的个账，现在我的余额少了一截")
        assert facts.get("insurance_type") != "resident"
        assert facts["family_sharing"] == "paid_family_premium" and facts["viewing_whose"] == "self"

    def test_a_relatives_employee_insurance_stays_theirs(self) -> None:
        """The daughter's 职工医保 says only that a relative has one; the writer's 新农合 is the writer's."""
        facts = _facts("我闺女是单位交的职工医保，我交的是新农合，我的卡一直是0")
        assert facts["insurance_type"] == "resident" and facts["relative_with_employee_insurance"] == "yes"

    def test_someone_paying_for_the_writer_makes_the_writer_the_receiver(self) -> None:
        """闺女用她的个人账户给我付药费: the writer receives."""
        facts = _facts("闺女用她的个人账户给我付药费，我的居民医保卡上一直是0")
        assert facts["family_sharing"] == "receiver" and facts["insurance_type"] == "resident"

    def test_the_payer_whose_balance_fell_is_the_giver(self) -> None:
        """The husband paid for the writer and his balance fell: he, the subject, authorized."""
        facts = _facts("我老公用他的个人账户给我买过药，现在他说他的个账一下子少了好多")
        assert facts["viewing_whose"] == "family_member" and facts["family_sharing"] == "authorized"

    def test_sharing_between_two_others_sets_no_role(self) -> None:
        """The husband shares with his mother: the writer is neither giver nor receiver, and it is her account."""
        facts = _facts("我老公开通了家庭共济给他妈用，我的医保卡余额少了")
        assert "family_sharing" not in facts and facts["viewing_whose"] == "self"

    def test_an_english_clause_after_and_is_about_its_own_person(self) -> None:
        """'and my balance' starts a clause about the writer: the mother's insurance is not theirs."""
        facts = _facts("My mother is on resident insurance, and my balance suddenly dropped")
        assert "insurance_type" not in facts and facts["viewing_whose"] == "self"

    def test_looking_on_someone_elses_behalf_is_about_their_account(self) -> None:
        """我帮我爸…查了: the father's account, and the writer's 职工医保 only says a relative has one; helping
        with the children (帮女儿带孩子) is not about her account."""
        facts = _facts("我帮我爸在微信上查了，个人账户是0，我自己是职工医保")
        assert facts["viewing_whose"] == "family_member" and "insurance_type" not in facts
        assert _facts("我来北京帮女儿带孩子，这边药店说我的卡刷不了").get("viewing_whose") != "family_member"

    def test_what_a_relative_reports_about_herself_is_hers(self) -> None:
        """听我姐说她的卡被锁了: the lock is the sister's, not the writer's."""
        facts = _facts("听我姐说她的医保卡被锁了，我的卡也刷不了")
        assert "suspension" not in facts and facts["viewing_whose"] == "self"

    def test_whose_card_it_is_names_the_subject(self) -> None:
        """我用爸爸的医保卡…他的卡里钱少了: the father's account, though the writer acts."""
        assert _facts("我用爸爸的医保卡买药，他的卡里钱少了")["viewing_whose"] == "family_member"

    @pytest.mark.parametrize("text", ["粤医保小程序显示我医保余额0", "医保卡里咋一下子少了两千块，谁给我刷了"])
    def test_my_account_later_in_the_clause_is_self(self, text: str) -> None:
        """The writer's own account named after the clause opens (reader.toml `own_account`)."""
        assert _facts(text)["viewing_whose"] == "self"

    def test_my_account_named_beside_a_relatives_is_not_self(self) -> None:
        """我妈 is the one whose card is at 0; 我的 there is only whose phone was used."""
        assert _facts("我妈的医保卡余额是0，我用我的手机帮她查的")["viewing_whose"] == "family_member"

    @pytest.mark.parametrize("text", ["我自己能用的余额只剩三百了", "我自己的账户里一分钱都没有"])
    def test_my_own_is_self(self, text: str) -> None:
        """我自己能用的 / 我自己的 name the writer's own account."""
        assert _facts(text)["viewing_whose"] == "self"


class TestWordsThatStateNothing:
    @pytest.mark.parametrize(
        ("text", "fact"),
        [
            ("会不会是我断缴了，卡里的钱变成0了", "contribution_status"),
            ("南京的卡我不敢销，怕钱没了", "symptom"),
            ("是不是公司没给我交？个人账户是0", "contribution_status"),
            ("我想用个账给我儿子交居民医保，结果一看个人账户是0", "family_sharing"),
            ("过了元旦一看账户是0，这是钱用光了吗", "symptom"),
            ("群里有人转发说医保卡里的钱月底就清零了，是真的吗", "symptom"),
        ],
    )
    def test_a_guess_fear_or_plan_is_not_a_fact(self, text: str, fact: str) -> None:
        """From 会不会 / 怕 / 是不是 / 想 to the end of the clause, in a …吗 question and in what a rumour says,
        nothing is a fact."""
        assert fact not in _facts(text)

    @pytest.mark.parametrize(
        ("text", "fact"),
        [
            ("明细里没看到有长护险扣费，可钱少了", "auto_deduction"),
            ("公司好几个月没交了，卡里是0", "contribution_status"),
        ],
    )
    def test_a_negation_inside_a_phrase_turns_it_round(self, text: str, fact: str) -> None:
        """没看到…扣费 and 公司…没交 state no deduction and no payment."""
        assert fact not in _facts(text)

    def test_words_with_a_negation_character_that_negate_nothing(self) -> None:
        """没多久就花到0 is soon, not a negation; 没去看病也没买药 in one run-on clause is still own_spending=no."""
        assert _facts("我爸的卡没多久就花到0了")["symptom"] == "went_to_zero"
        assert _facts("卡里的钱没有了我也没去看病也没买药")["own_spending"] == "no"


class TestTimeAndChannelWords:
    def test_still_zero_is_not_always_zero(self) -> None:
        """仍然是0 alone does not say there never was money; 从来没见过钱 does; a new job and still 0 does too."""
        assert _facts("换了工作以后卡里仍然是0").get("symptom") != "always_zero"
        assert _facts("卡里从来没见过钱")["symptom"] == "always_zero"
        assert _facts("上个月才入职，医保卡到现在仍然是0")["symptom"] == "always_zero"

    @pytest.mark.parametrize("text", ["我卡里的钱突然没了", "医保卡里的钱一下子就变成零了"])
    def test_sudden_is_dropped_suddenly(self, text: str) -> None:
        """突然 / 一下子 make a fall to nothing sudden."""
        assert _facts(text)["symptom"] == "dropped_suddenly"

    def test_before_and_after_retirement_is_not_the_reform(self) -> None:
        """退休以前…退休以后 compares working and retired credits, not the 2021 reform."""
        assert "compares_with_pre_reform" not in _facts("我退休以前每个月能进两百，退休以后每个月只进六十")
        assert "compares_with_pre_reform" not in _facts("我刚退休，以前每月能进三百多，退休后只有一百")

    def test_a_pharmacy_as_the_place_of_use_is_not_the_channel(self) -> None:
        """Paying at a pharmacy, 0 seen on the national app: nhsa_app; a refusal at a pharmacy names no channel."""
        assert _facts("在药店刷码买药，回家在国家医保服务平台上一看个人账户是0")["query_channel"] == "nhsa_app"
        assert "query_channel" not in _facts("我在药店刷卡，说个人账户用不了")

    def test_a_second_zero_makes_the_channel_a_guess(self) -> None:
        """也是0: another place showed 0 too, so where the 0 was seen is offered, not used."""
        reading = diagnose.read_message("在支付宝上看是0，后来去医院问也是0")
        assert "query_channel" not in reading.confident() and reading.guesses()["query_channel"] == "wechat_alipay"

    @pytest.mark.parametrize(
        "text", ["我是自己交的职工医保，卡里没钱", "我是灵活就业交的职工医保，余额是0", "我以个人身份参保的职工医保"]
    )
    def test_employee_insurance_paid_oneself_is_flexible(self, text: str) -> None:
        """自己交的职工医保 / 灵活就业…职工医保: flexible employment."""
        assert _facts(text)["insurance_type"] == "flexible_employee"

    def test_the_past_insurance_yields_to_the_present(self) -> None:
        """之前…职工医保，后来改交居民医保: resident now, and an employee account before."""
        facts = _facts("我之前在厂里交职工医保，后来改交居民医保了，卡是0")
        assert facts["insurance_type"] == "resident" and facts["prior_employee_account"] == "yes"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("我姓刘，医保卡里的钱没了", "刘"),
        ("本人张建国，退休职工，卡刷不了", "张建国"),
        ("我是王芳，药店刷不了", "王芳"),
    ],
)
def test_names_after_wo_xing_ben_ren_wo_shi_are_masked(text: str, name: str) -> None:
    """A name after 我姓 / 本人 / 我是 is in nothing returned; 我是退休职工 is not a name."""
    reading = diagnose.read_message(text)
    assert not [k for k in (reading.text, *reading.unmatched, *(f.span for f in reading.facts)) if name in k]
    assert diagnose.read_message("我是退休职工，卡是0").text == "我是退休职工，卡是0"


def test_a_negation_about_a_third_person_says_nothing_about_the_subject() -> None:
    facts = diagnose.extract_facts("我妈卡里没钱了，他爸还没用过")
    assert "own_spending" not in facts
    assert diagnose.extract_facts("他爸还没用过，我卡里钱没了").get("own_spending") is None


def test_a_credit_that_stopped_is_not_the_reform_comparison() -> None:
    assert "compares_with_pre_reform" not in diagnose.extract_facts("我个人账户以前每个月都有钱进，今年一分没有了")
    assert "compares_with_pre_reform" not in diagnose.extract_facts("我爸的医保卡以前每月有钱进，今年开始就没进过钱")


def test_an_official_call_is_not_a_scam_claim() -> None:
    assert "external_claim" not in diagnose.extract_facts("医院打电话说我住院费要补交，我去银行查了社保卡，余额是0")
    assert "external_claim" not in diagnose.extract_facts("医保中心来电说我的账户要补资料")
    assert diagnose.extract_facts("收到一条短信说我的医保账户要被冻结").get("external_claim") == "sms_or_call"


def test_a_channel_named_for_another_action_is_not_where_the_balance_was_seen() -> None:
    assert diagnose.extract_facts("我在银行取过钱，医保App里个人账户显示0").get("query_channel") != "bank"
    assert diagnose.extract_facts("我在银行ATM上查社保卡余额是0").get("query_channel") == "bank"


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        ("我工资条上每个月都扣医保", "insurance_type", "employee"),
        ("我医保卡里的钱不知道怎么就没了", "symptom", "went_to_zero"),
        ("里面的钱没有了", "symptom", "went_to_zero"),
        ("My balance has just disappeared.", "symptom", "went_to_zero"),
        ("医保卡上从来没有过余额", "symptom", "always_zero"),
        ("My account has always been zero.", "symptom", "always_zero"),
        ("这两年每个月划的钱少了", "symptom", "lower_than_expected"),
        ("我一次医院都没去过", "own_spending", "no"),
        ("药也没买过", "own_spending", "no"),
        ("I haven't bought any medicine this year.", "own_spending", "no"),
        ("我爸退休十几年了", "retired", "yes"),
        ("我还在上班", "retired", "no"),
        ("老板从来没给我交过医保", "contribution_status", "never_paid"),
        ("公司每月按时给我缴医保", "contribution_status", "paying"),
        ("我已经在网上申请了转移", "transfer_status", "pending"),
        ("我们这边医保系统上个月切换了", "platform_event", "recent_migration"),
        ("他生前一直在用这张卡", "withdrawn_or_closed", "death"),
        ("我从来没开通过家庭共济", "family_sharing", "none"),
        ("我给女儿设了500块的共济额度", "family_sharing", "quota_reserved"),
        ("医保码我还没激活", "card_status", "evoucher_not_activated"),
        ("年中断缴以后被扣回了一笔", "annual_cycle_region", "yes"),
        ("身份证从15位换成了18位", "identity_issue", "id_or_name_changed"),
        ("在本市的药店刷不了", "use_location", "home"),
        ("我每次产检都刷的医保卡", "own_spending", "yes"),
        ("我看病刷了好几次", "own_spending", "yes"),
        ("出差到外省，在当地药店刷不了", "use_location", "other_province"),  # 当地 there is away from home
        ("账户一下就少了八百", "symptom", "dropped_suddenly"),
        ("卡里的钱都快见底了", "symptom", "went_to_zero"),
        ("我把爸妈都绑进家庭共济了", "family_sharing", "authorized"),
        ("转移的事我一直没弄", "transfer_status", "not_applied"),
        ("办事员说还在转", "transfer_status", "pending"),
        ("我这边才交了两个月", "recently_enrolled", "yes"),
        ("我已经半年没交了", "contribution_status", "stopped"),
        ("公司欠了三个月社保没交", "contribution_status", "employer_arrears"),
        ("我是企业职工", "insurance_type", "employee"),
        ("My mother has residents' medical insurance.", "insurance_type", "resident"),
        ("点开了短信里的链接", "external_claim", "sms_or_call"),
        ("社保卡拿到了还没去激活", "card_status", "not_activated"),
        ("医保局打电话说我重复参保了", "identity_issue", "duplicate_enrollment"),
        ("I entered the wrong PIN three times.", "suspension", "password_locked"),
        ("我的缴费年限已经交够了", "retiree_years_met", "yes"),
        ("我爸的缴费年限还没交够", "retiree_years_met", "no"),
        ("上个月在药店刷卡买过几回药", "own_spending", "yes"),
        ("公司裁员以后医保就没人给交了", "contribution_status", "stopped"),
        ("App里参保地显示的还是上学那个城市", "identity_issue", "wrong_region_record"),
        ("在老家药店刷卡，说外省的卡用不了", "use_location", "other_province"),
        ("提示密码锁定了", "suspension", "password_locked"),
        ("Last year I set up family mutual aid.", "family_sharing", "authorized"),
        ("I did not change job or city.", "transfer_status", "none"),
    ],
)
def test_everyday_phrasings(text: str, fact: str, value: str) -> None:
    """Common ways of saying a fact (knowledge/reader.toml `words`), in sentences of their own."""
    assert _facts(text).get(fact) == value


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("工资照扣，缴费记录里也查不到", "symptom"),  # the payment record, not the balance, cannot be found
        ("社区发了通知说医保系统升级", "platform_event"),  # an upgrade announced, not one that happened
        ("我从来没交过职工医保", "contribution_status"),  # about one scheme, not about paying at all
        ("我查了一下是0", "symptom"),  # 查了一下 is a look, not a sudden fall
        ("中间断了两个月没交，后来补上了", "contribution_status"),  # a gap that ended, not stopped now
        ("朋友圈说个人账户要清零了", "symptom"),  # a rumour's claim, not what the writer saw
        ("年限已经交够了", "contribution_status"),  # years met, not paying now
        ("App一直还在转圈", "transfer_status"),  # the app loading, not a transfer
        ("银行发短信说扣款失败", "external_claim"),  # the bank's own notice, not a scam
        ("回老家药店刷医保卡", "own_spending"),  # 老家 is the place, not 老 (often)
    ],
)
def test_near_misses_of_everyday_phrasings(text: str, fact: str) -> None:
    assert fact not in _facts(text)
