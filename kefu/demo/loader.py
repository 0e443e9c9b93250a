"""Sample team, customers and conversations for `kefu demo` (and the README's first minutes)."""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kefu.agents.models import Agent, Availability, Role, Team
from kefu.contacts.actions import find_or_create_contact
from kefu.contacts.models import IdentityKind
from kefu.conversations import actions
from kefu.conversations.inbound import InboundMessage
from kefu.conversations.models import Conversation, Status
from kefu.inboxes.models import Channel, Inbox

DEMO_PASSWORD = "kefu-demo-2026"
RECOVERY_CODES_PER_AGENT = 10


@dataclass(frozen=True)
class DemoAgent:
    username: str
    display_name: str
    role: Role
    language: str
    teams: tuple[str, ...] = ()
    # The newcomer account has no second factor yet, to show enrolment.
    enrolled: bool = True


AGENTS = (
    DemoAgent("admin", "Admin", Role.ADMIN, "en"),
    DemoAgent(
        "wang.fang", "王芳", Role.SUPERVISOR, "zh-Hans", ("security", "payments", "management")
    ),
    DemoAgent("li.na", "李娜", Role.L1, "zh-Hans", ("payments",)),
    DemoAgent("chen.jie", "陳傑", Role.L2, "zh-Hant", ("technical", "security")),
    DemoAgent("emma", "Emma Clarke", Role.L1, "en", ("payments",)),
    # No language chosen: the enrolment follows the browser, as for a real newcomer.
    DemoAgent("new.agent", "New Agent", Role.L1, "", enrolled=False),
)

TEAMS = (
    ("security", "账户安全 Security"),
    ("payments", "充提 Payments"),
    ("technical", "技术 Technical"),
    ("management", "管理层 Management"),
)


@dataclass(frozen=True)
class DemoConversation:
    email: str
    name: str
    language: str
    channel: Channel
    intent: str
    subject: str
    messages: tuple[tuple[str, str], ...]  # ("customer"|"agent username"|"note:username", text)
    status: Status = Status.OPEN
    assignee: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


CONVERSATIONS = (
    DemoConversation(
        "zhang.wei@example.com", "张伟", "zh-Hans", Channel.PORTAL, "withdrawal_delayed",
        "USDT 提现 6 小时还没到账",
        (
            ("customer", "你好，我今天上午10点提了 500 USDT（TRC20），到现在还显示处理中，订单号 W-1042。"),
            ("note:li.na", "金额较大，已转风控复核，预计 24 小时内完成。"),
            ("li.na", "您好，您的提现 W-1042 正在进行安全复核（大额提现的常规检查），通常 48 小时内完成。完成后链上即可查询到交易哈希。"),
        ),
        Status.PENDING, "li.na", ("提现", "大额"),
    ),
    DemoConversation(
        "lin.meiling@example.tw", "林美玲", "zh-Hant", Channel.EMAIL, "deposit_missing",
        "充值沒有到帳",
        (("customer", "我從其他交易所轉了 0.5 ETH 過來，已經兩個小時了，餘額還是 0。請幫我看看。"),),
        Status.OPEN, "", ("充值",),
    ),
    DemoConversation(
        "alice@example.com", "Alice Martin", "en", Channel.WEBCHAT, "account_stolen",
        "Someone logged into my account",
        (
            ("customer", "I got a login alert from a device I don't know and my BTC balance is gone. Please help!"),
            ("note:wang.fang", "Account frozen through the platform at 09:12. Fund tracing case opened."),
            ("emma", "I'm sorry this happened. We have frozen your account so nothing else can leave it. Please change your email password and reply with the time you last signed in yourself."),
        ),
        Status.OPEN, "emma", ("urgent-security",),
    ),
    DemoConversation(
        "bob@example.com", "Bob Lee", "en", Channel.API, "fees",
        "Withdrawal fee for USDT on ERC20?",
        (
            ("customer", "What is the withdrawal fee for USDT on ERC20 compared with TRC20?"),
            ("emma", "ERC20 withdrawals currently cost 4 USDT and TRC20 withdrawals 1 USDT; the fee schedule is on the Fees page."),
        ),
        Status.RESOLVED, "emma",
    ),
    DemoConversation(
        "zhao.min@example.cn", "赵敏", "zh-Hans", Channel.PORTAL, "account_locked",
        "账户被锁定了",
        (
            ("customer", "密码输错了好几次，现在账户被锁了，怎么解锁？"),
            ("li.na", "您好，为了保护您的资产，解锁前需要完成身份验证。请登录帮助中心，在“身份验证”页面按步骤完成；平台只会通过您注册的邮箱和手机联系您。"),
        ),
        Status.ON_HOLD, "li.na", ("解锁",),
    ),
    DemoConversation(
        "huang.jun@example.hk", "黃俊", "zh-Hant", Channel.WEBCHAT, "technical_issue",
        "App 一打開就閃退",
        (
            ("customer", "iPhone 15 更新到最新版本之後，App 一打開就閃退。"),
            ("chen.jie", "您好，我們已確認是 4.2.0 版本的問題，修復版本 4.2.1 已上架 App Store，請更新後再試。"),
        ),
        Status.CLOSED, "chen.jie",
    ),
    DemoConversation(
        "carol@example.com", "Carol Smith", "en", Channel.EMAIL, "kyc_verification",
        "KYC rejected twice",
        (("customer", "My identity verification was rejected twice and I don't know why. The photo is clear."),),
        Status.OPEN,
    ),
    DemoConversation(
        "liu.yang@example.cn", "刘洋", "zh-Hans", Channel.PORTAL, "verify_support",
        "有人自称客服加我 Telegram",
        (("customer", "有个 Telegram 账号 @kefu_support_vip 说是官方客服，要我提供助记词帮我解冻，这是真的吗？"),),
        Status.OPEN, "", ("疑似诈骗",),
    ),
    DemoConversation(
        "david@example.com", "David Wu", "en", Channel.API, "feedback",
        "Great support",
        (
            ("customer", "Just wanted to say thanks, the team solved my deposit problem quickly."),
            ("emma", "Thank you, David! We're glad it's sorted."),
        ),
        Status.CLOSED, "emma",
    ),
)  # fmt: skip


# Live chats go to the least busy online agent as soon as one signs in to the console.
INBOX_CONFIG: dict[Channel, dict[str, object]] = {Channel.WEBCHAT: {"auto_assign": True}}


def _inbox(channel: Channel) -> Inbox:
    inbox, _ = Inbox.objects.get_or_create(
        channel=channel,
        defaults={
            "name": f"Demo {Channel(channel).label}",
            "config": INBOX_CONFIG.get(channel, {}),
        },
    )
    return inbox


def demo_recovery_code(username: str, n: int) -> str:
    # Letters and digits only: the sign-in form ignores dots, dashes and spaces in codes.
    return re.sub(r"[^a-z0-9]", "", username)[:4] + f"{n:02d}demo"


def _agent(spec: DemoAgent) -> Agent:
    agent = Agent.objects.create_user(
        username=spec.username,
        password=DEMO_PASSWORD,
        display_name=spec.display_name,
        role=spec.role,
        language=spec.language,
        is_staff=spec.role == Role.ADMIN,
        is_superuser=spec.role == Role.ADMIN,
        availability=Availability.ONLINE,
        email=f"{spec.username}@kefu.example",
    )
    agent.teams.set(Team.objects.filter(slug__in=spec.teams))
    if spec.enrolled:
        TOTPDevice.objects.create(user=agent, name="demo authenticator", confirmed=True)
        recovery = StaticDevice.objects.create(user=agent, name="recovery codes", confirmed=True)
        for n in range(RECOVERY_CODES_PER_AGENT):
            StaticToken.objects.create(device=recovery, token=demo_recovery_code(spec.username, n))
    return agent


def _conversation(spec: DemoConversation, agents: dict[str, Agent]) -> Conversation:
    contact = find_or_create_contact(
        IdentityKind.EMAIL, spec.email, name=spec.name, language=spec.language
    )
    conversation: Conversation | None = None
    for author, text in spec.messages:
        if author == "customer":
            message = actions.receive_message(
                InboundMessage(
                    inbox=_inbox(spec.channel),
                    contact=contact,
                    text=text,
                    subject=spec.subject,
                    intent=spec.intent,
                    language=spec.language,
                    conversation=conversation,
                )
            )
            conversation = message.conversation
        elif author.startswith("note:"):
            assert conversation is not None
            actions.add_note(conversation=conversation, agent=agents[author[5:]], text=text)
        else:
            assert conversation is not None
            actions.send_reply(conversation=conversation, agent=agents[author], text=text)
    assert conversation is not None
    admin = agents["admin"]
    if spec.assignee:
        actions.assign(conversation=conversation, actor=admin, assignee=agents[spec.assignee])
    if spec.tags:
        actions.tag(conversation=conversation, actor=admin, names=spec.tags)
    path = {
        Status.PENDING: [Status.PENDING],
        Status.ON_HOLD: [Status.ON_HOLD],
        Status.RESOLVED: [Status.RESOLVED],
        Status.CLOSED: [Status.RESOLVED, Status.CLOSED],
    }.get(spec.status, [])
    for status in path:
        actions.change_status(conversation=conversation, actor=admin, status=status)
    return conversation


def is_loaded() -> bool:
    return Agent.objects.filter(username="admin").exists()


@transaction.atomic
def load() -> None:
    for slug, name in TEAMS:
        Team.objects.get_or_create(slug=slug, defaults={"name": name})
    agents = {spec.username: _agent(spec) for spec in AGENTS}
    for spec in CONVERSATIONS:
        _conversation(spec, agents)
    # The demo platform's sample customers, linked to the contacts above.
    from kefu.canned import demo_data as canned_demo
    from kefu.community import demo_data as community_demo
    from kefu.feedback import demo_data as feedback_demo
    from kefu.helpcenter.flows import demo_data as flows_demo
    from kefu.inboxes.messenger import demo_data as messenger_demo
    from kefu.inboxes.phone import demo_data as phone_demo
    from kefu.inboxes.telegram import demo_data as telegram_demo
    from kefu.inboxes.wechat import demo_data as wechat_demo
    from kefu.inboxes.weibo import demo_data as weibo_demo
    from kefu.inboxes.x import demo_data as x_demo
    from kefu.platform import demo_data as platform_demo
    from kefu.safety import demo_data as safety_demo
    from kefu.sla import demo_data as sla_demo
    from kefu.verification import demo_data as verification_demo

    platform_demo.load()
    flows_demo.load()
    safety_demo.load()
    sla_demo.load()
    phone_demo.load()
    telegram_demo.load()
    wechat_demo.load()
    weibo_demo.load()
    x_demo.load()
    messenger_demo.load()
    verification_demo.load()
    feedback_demo.load()
    canned_demo.load()
    community_demo.load()


def sign_in_hints() -> list[tuple[str, str, str, str]]:
    """(username, display name, role, two unused recovery codes) for each demo agent."""
    hints = []
    for spec in AGENTS:
        tokens = StaticToken.objects.filter(
            device__user__username=spec.username, device__confirmed=True
        ).values_list("token", flat=True)[:2]
        codes = ", ".join(tokens) if spec.enrolled else "(enrols an authenticator at first sign-in)"
        hints.append((spec.username, spec.display_name, str(Role(spec.role).label), codes))
    return hints
