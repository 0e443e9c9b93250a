import pytest
from django.utils import translation

from kefu.contacts.models import Contact, ContactIdentity, IdentityKind
from kefu.conversations.models import Message, Priority
from kefu.core.errors import InvalidTransition, NotFound
from kefu.helpcenter.flows import actions
from kefu.helpcenter.flows.definitions import FLOWS
from kefu.helpcenter.flows.engine import flow_for, view
from kefu.helpcenter.flows.errors import FlowInputError
from kefu.helpcenter.flows.models import FlowRun, RunOutcome
from kefu.helpcenter.flows.steps import Kind
from kefu.platform.models import DemoAccount

PHRASE = "abandon ability able about above absent absorb abstract absurd abuse access accident"


def test_every_flow_is_well_formed() -> None:
    assert set(FLOWS) == {
        "withdrawal_delayed", "deposit_missing", "login_failed", "account_locked",
        "transaction_failed", "account_stolen",
    }  # fmt: skip
    for flow in FLOWS.values():
        assert flow.start in flow.steps
        for step in flow.steps.values():
            targets = [c.next for c in step.choices] + list(step.branches.values())
            targets += [step.next] if step.next else []
            assert all(target in flow.steps for target in targets), flow.intent
            if step.kind == Kind.END:
                assert step.outcome is not None


@pytest.mark.django_db
class TestWithdrawalDelayed:
    def test_the_connector_says_the_withdrawal_is_under_review(
        self, platform_customer: Contact
    ) -> None:
        run = actions.start_flow(
            intent="withdrawal_delayed", language="en", contact=platform_customer
        )
        assert run.step == "start"
        run = actions.answer_step(run=run, value="w1042")
        assert run.step == "review"
        with translation.override("en"):
            text = view(flow_for(run.intent), run.step, run.collected).text
        assert "W-1042" in text
        assert "500 USDT" in text
        assert "Large amount (over 300 USDT): extra security review" in text
        assert "48 hours" in text
        assert run.steps == ["start", "lookup", "review"]

    def test_solved_ends_the_run(self, platform_customer: Contact) -> None:
        run = actions.start_flow(
            intent="withdrawal_delayed", language="en", contact=platform_customer
        )
        run = actions.answer_step(run=run, value="W-0977")
        assert run.step == "completed"
        run = actions.answer_step(run=run, value="solved")
        run.refresh_from_db()
        assert run.outcome == RunOutcome.SOLVED
        assert run.finished_at is not None
        with pytest.raises(InvalidTransition):
            actions.answer_step(run=run, value="help")

    @pytest.mark.parametrize("bad", ["", "hello", "W-1", "0x1234", "W-1042; drop table"])
    def test_bad_input_is_refused_and_changes_nothing(
        self, platform_customer: Contact, bad: str
    ) -> None:
        run = actions.start_flow(
            intent="withdrawal_delayed", language="en", contact=platform_customer
        )
        with pytest.raises(FlowInputError) as refused:
            actions.answer_step(run=run, value=bad)
        assert "W-1042" in refused.value.message
        run.refresh_from_db()
        assert (run.step, run.collected) == ("start", {})

    def test_an_unknown_number_offers_a_retry(self, platform_customer: Contact) -> None:
        run = actions.start_flow(
            intent="withdrawal_delayed", language="en", contact=platform_customer
        )
        run = actions.answer_step(run=run, value="W-9999")
        assert run.step == "not_found"
        run = actions.answer_step(run=run, value="retry")
        assert run.step == "start"

    def test_without_a_platform_account_the_general_answer_is_shown(self) -> None:
        run = actions.start_flow(intent="withdrawal_delayed", language="en")
        run = actions.answer_step(run=run, value="W-1042")
        assert run.step == "general"

    def test_a_choice_that_does_not_exist_is_refused(self, platform_customer: Contact) -> None:
        run = actions.start_flow(
            intent="withdrawal_delayed", language="en", contact=platform_customer
        )
        run = actions.answer_step(run=run, value="W-1042")
        with pytest.raises(FlowInputError):
            actions.answer_step(run=run, value="nonsense")


@pytest.mark.django_db
class TestHandOff:
    def test_a_signed_in_customer_is_handed_off_with_everything_collected(
        self, platform_customer: Contact
    ) -> None:
        run = actions.start_flow(
            intent="withdrawal_delayed", language="zh-Hans", contact=platform_customer
        )
        run = actions.answer_step(run=run, value="W-1042")
        run = actions.answer_step(run=run, value="help")
        run.refresh_from_db()
        assert run.outcome == RunOutcome.HANDOFF
        conversation = run.conversation
        assert conversation is not None
        assert conversation.contact == platform_customer
        assert conversation.intent == "withdrawal_delayed"
        assert conversation.priority == Priority.HIGH
        text = conversation.messages.get().text
        assert "reference: W-1042" in text
        assert "status: under_review" in text
        assert "start → lookup → review → handoff" in text

    def test_a_visitor_gives_an_email_to_be_handed_off(self) -> None:
        run = actions.start_flow(intent="transaction_failed", language="en")
        run = actions.answer_step(run=run, value="other")
        run = actions.answer_step(run=run, value="Market buy of BTC failed at 10:02")
        assert run.step == "handoff"
        assert run.outcome == RunOutcome.IN_PROGRESS
        with pytest.raises(FlowInputError):
            actions.hand_off(run=run, email="not-an-address")
        conversation = actions.hand_off(run=run, email="Visitor@Example.com")
        assert conversation.contact.identities.get().value == "visitor@example.com"
        assert "Market buy of BTC failed" in conversation.messages.get().text
        with pytest.raises(InvalidTransition):
            actions.hand_off(run=run, email="visitor@example.com")

    def test_a_secret_typed_into_a_flow_is_never_stored(self) -> None:
        run = actions.start_flow(intent="transaction_failed", language="en")
        run = actions.answer_step(run=run, value="other")
        run = actions.answer_step(run=run, value=f"my seed is {PHRASE} help")
        assert "abandon" not in str(run.collected)
        actions.hand_off(run=run, email="v@example.com")
        assert "abandon" not in Message.objects.get().text

    def test_hand_off_before_the_end_is_refused(self) -> None:
        run = actions.start_flow(intent="transaction_failed", language="en")
        with pytest.raises(InvalidTransition):  # the run's state, not the input, is wrong
            actions.hand_off(run=run, email="v@example.com")


@pytest.mark.django_db
class TestAccountFlows:
    def test_stolen_account_is_frozen_at_once_and_handed_off_urgently(
        self, platform_customer: Contact
    ) -> None:
        run = actions.start_flow(intent="account_stolen", language="en", contact=platform_customer)
        assert run.step == "frozen"
        assert DemoAccount.objects.get(user_id="u-7").state == "frozen"
        run = actions.answer_step(run=run, value="next")
        run = actions.answer_step(run=run, value="yesterday 21:00 from my iPhone")
        run = actions.answer_step(run=run, value="a withdrawal of all my USDT I did not make")
        run.refresh_from_db()
        assert run.outcome == RunOutcome.HANDOFF
        assert run.conversation is not None
        assert run.conversation.priority == Priority.URGENT

    def test_stolen_account_without_a_platform_id_says_an_agent_will_freeze(
        self, contact_factory
    ) -> None:
        run = actions.start_flow(intent="account_stolen", language="en", contact=contact_factory())
        assert run.step == "not_frozen"

    def test_account_locked_reads_the_state_and_reason(self, platform_customer: Contact) -> None:
        DemoAccount.objects.filter(user_id="u-7").update(state="locked", reason="risk_control")
        run = actions.start_flow(
            intent="account_locked", language="zh-Hant", contact=platform_customer
        )
        assert run.step == "locked"
        with translation.override("zh-hant"):
            text = view(flow_for(run.intent), run.step, run.collected).text
        # The connector's code, in the customer's language.
        assert "您的帳戶已被鎖定（風控審查）" in text

    def test_a_failing_connector_takes_the_general_branch(
        self, platform_customer: Contact, settings
    ) -> None:
        settings.KEFU_PLATFORM_CONNECTOR = "tests.platform.test_sidebar.BrokenConnector"
        run = actions.start_flow(intent="account_locked", language="en", contact=platform_customer)
        assert run.step == "unlock_info"
        stolen = actions.start_flow(
            intent="account_stolen", language="en", contact=platform_customer
        )
        assert stolen.step == "not_frozen"


@pytest.mark.django_db
class TestDepositMissing:
    def test_memo_networks_explain_the_memo_then_ask_for_the_hash(
        self, platform_customer: Contact
    ) -> None:
        run = actions.start_flow(intent="deposit_missing", language="en", contact=platform_customer)
        run = actions.answer_step(run=run, value="XRP")
        assert run.step == "memo"
        run = actions.answer_step(run=run, value="no_memo")
        assert run.step == "tx"
        with pytest.raises(FlowInputError):
            actions.answer_step(run=run, value="not a hash")
        run = actions.answer_step(run=run, value="cd" * 32)
        assert run.step == "confirming"
        assert run.collected["network"] == "TRC20"  # the platform's record wins
        assert run.collected["memo"] == "no_memo"


@pytest.mark.django_db
def test_an_unknown_flow_is_not_found() -> None:
    with pytest.raises(NotFound):
        actions.start_flow(intent="fees", language="en")
    assert not FlowRun.objects.exists()
    assert ContactIdentity.objects.filter(kind=IdentityKind.EMAIL).count() == 0
