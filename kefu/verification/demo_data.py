"""Sample verification cases for `kefu demo`, on the demo conversations and accounts.

Two cases show both sides: 赵敏's unlock, checks done and proposed by li.na, waiting in
an L2 reviewer's queue (chen.jie, 陳傑); and Alice's stolen-account recovery, just opened
by emma, with a code sent to her registered email for her to enter in the portal.
"""

from kefu.agents.models import Agent
from kefu.contacts.models import ContactIdentity, IdentityKind
from kefu.conversations.models import Conversation
from kefu.platform.models import DemoNotice
from kefu.verification import actions
from kefu.verification.models import CaseKind, CheckKind, VerificationCase


def _conversation(email: str) -> Conversation:
    contact_id = ContactIdentity.objects.get(kind=IdentityKind.EMAIL, value=email).contact_id
    return Conversation.objects.filter(contact_id=contact_id).earliest("created_at")


def _send_and_enter_code(case: VerificationCase, kind: CheckKind) -> None:
    check = case.checks.get(kind=kind)
    actions.send_code(check=check, agent=case.owner)
    # The demo back end's outbox holds what it "sent"; the customer reads it there.
    notice = DemoNotice.objects.filter(template="verification_code").latest("id")
    actions.submit_code(check=check, contact=case.contact, code=notice.params["code"])


def load() -> None:
    unlock = actions.open_case(
        conversation=_conversation("zhao.min@example.cn"),
        agent=Agent.objects.get(username="li.na"),
        kind=CaseKind.UNLOCK,
    )
    _send_and_enter_code(unlock, CheckKind.EMAIL_CODE)
    _send_and_enter_code(unlock, CheckKind.PHONE_CODE)
    actions.refresh_platform_state(check=unlock.checks.get(kind=CheckKind.PLATFORM_STATE))
    actions.propose(
        case=unlock,
        agent=unlock.owner,
        note="注册邮箱和手机验证码均已通过，账户无用户自设的安全锁；锁定原因为多次输错密码。",
    )
    recovery = actions.open_case(
        conversation=_conversation("alice@example.com"),
        agent=Agent.objects.get(username="emma"),
        kind=CaseKind.RECOVER_ACCOUNT,
    )
    actions.send_code(check=recovery.checks.get(kind=CheckKind.EMAIL_CODE), agent=recovery.owner)
