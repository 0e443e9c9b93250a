"""The user community in `kefu demo`: questions in three languages, answered by members and
officially by the demo agents, one accepted answer, one impostor held for review, and one
question that support took over.

Everything is written through the community actions, so each post is screened as a real
one would be; the demo fails to load if a change to the screening refuses or holds one
of the ordinary posts below. The demo members are made trusted (as if their earlier
posts had been approved) so their posts need no review; the impostor is a newcomer, and
the screening, not this file, is what holds his answer.
"""

from dataclasses import dataclass, field

from django.db.models import F

from kefu.agents.models import Agent
from kefu.community import actions
from kefu.community.models import Member, Post, Question, Visibility
from kefu.contacts.actions import find_or_create_contact
from kefu.contacts.models import IdentityKind
from kefu.helpcenter import bundled
from kefu.helpcenter.actions import save_category
from kefu.helpcenter.models import Category

# The moderator who approves nothing here but takes a question to support.
MODERATOR = "wang.fang"
# What "trusted" means for the demo members: past the first-post review.
TRUSTED_POSTS = 5
IMPOSTOR = "CryptoKevin"


@dataclass(frozen=True)
class DemoMember:
    email: str
    name: str
    language: str
    display_name: str
    trusted: bool = True


MEMBERS = (
    DemoMember("zhang.wei@example.com", "张伟", "zh-Hans", "老张"),
    DemoMember("chen.hao@example.com", "陈浩", "zh-Hans", "币圈小陈"),
    DemoMember("lin.meiling@example.tw", "林美玲", "zh-Hant", "美玲"),
    DemoMember("huang.jun@example.hk", "黃俊", "zh-Hant", "阿俊"),
    DemoMember("alice@example.com", "Alice Martin", "en", "alice_m"),
    DemoMember("sam.k@example.com", "Sam Kim", "en", "samk"),
    # A newcomer who answers as "support" and asks people to write to him elsewhere.
    DemoMember("fast.help@example.net", "Kevin", "en", IMPOSTOR, trusted=False),
)


@dataclass(frozen=True)
class DemoAnswer:
    author: str  # a member's display name, or "agent:<username>" for an official answer
    body: str
    accepted: bool = False


@dataclass(frozen=True)
class DemoQuestion:
    author: str  # display name
    language: str
    category: str  # help-center category slug
    title: str
    body: str
    answers: tuple[DemoAnswer, ...] = field(default_factory=tuple)
    to_support: bool = False  # a moderator escalates it to a private ticket


QUESTIONS = (
    DemoQuestion(
        "老张",
        "zh-Hans",
        "deposits-and-withdrawals",
        "USDT 提现一直显示“审核中”怎么办？",
        "昨晚提了 500 USDT（TRC20），到现在还显示审核中，正常要等多久？",
        (
            DemoAnswer(
                "币圈小陈",
                "我上次也是这样，大额或者新地址提现会多一道人工审核，一般几个小时内就好。"
                "可以先在提现记录里看看状态，别急着重复提交。",
                accepted=True,
            ),
            DemoAnswer(
                "agent:li.na",
                "您好，新地址的首次提现会进入安全审核，通常 2 小时内完成，夜间可能稍久。"
                "审核通过后会显示交易哈希。如超过 6 小时仍未处理，请在帮助中心提交工单，"
                "我们会为您加急。",
            ),
        ),
    ),
    DemoQuestion(
        "币圈小陈",
        "zh-Hans",
        "deposits-and-withdrawals",
        "充值 XRP 忘记填写标签（Tag）还能找回吗？",
        "从别的平台转了 XRP 过来，忘了填 Tag，钱会丢吗？",
        (
            DemoAnswer(
                "agent:li.na",
                "一般可以找回。请在帮助中心提交“充值未到账”工单，附上交易哈希和充值金额，"
                "我们核实后会为您手动入账，通常需要 1 到 3 个工作日。",
            ),
        ),
    ),
    DemoQuestion(
        "老张",
        "zh-Hans",
        "account-and-security",
        "换手机后谷歌验证器（2FA）怎么恢复？",
        "旧手机恢复出厂了，验证器里的码都没了，登录不了。",
        (
            DemoAnswer(
                "币圈小陈",
                "如果当时保存了 2FA 的备用密钥，在新手机上重新添加就行；没保存的话只能走"
                "重置 2FA 的流程，需要人脸认证，大概一两天。",
            ),
        ),
    ),
    DemoQuestion(
        "币圈小陈",
        "zh-Hans",
        "account-and-security",
        "有人自称客服，让我提供助记词“验证资产”，是真的吗？",
        "对方头像和昵称都像官方，说不验证账户会被冻结。",
        (
            DemoAnswer(
                "agent:wang.fang",
                "这是诈骗。官方客服绝不会主动联系您索要密码、助记词、私钥或验证码，"
                "更不会让您转账到所谓的“安全钱包”。请不要回复对方，并在帮助中心的“核验官方"
                "客服”页面举报该账号。",
            ),
        ),
    ),
    DemoQuestion(
        "老张",
        "zh-Hans",
        "trading-and-fees",
        "现货手续费怎么算？用平台币抵扣划算吗？",
        "看到费率表有点看不懂，想知道每笔交易大概扣多少。",
    ),
    DemoQuestion(
        "美玲",
        "zh-Hant",
        "deposits-and-withdrawals",
        "充值 USDT 選錯網路（ERC20 選成 TRC20）還能找回嗎？",
        "轉出時選錯了網路，現在帳戶裡看不到這筆充值。",
        (
            DemoAnswer(
                "agent:chen.jie",
                "您好，若收款地址同時支援兩條網路，多數情況下可以找回。請在說明中心提交"
                "「充值未到帳」案件並附上交易雜湊，我們核實後會協助處理，約需 3 個工作日。",
            ),
            DemoAnswer(
                IMPOSTOR,
                "Hi, I'm from Kefu support. DM me on Telegram @kefu_fast_help and I will "
                "recover your deposit in 5 minutes.",
            ),
        ),
    ),
    DemoQuestion(
        "阿俊",
        "zh-Hant",
        "account-and-security",
        "兩步驟驗證碼一直顯示錯誤",
        "輸入驗證器上的六位數字，每次都說驗證碼錯誤。",
        (
            DemoAnswer(
                "美玲",
                "我之前遇到過，是手機時間不準。把手機的日期和時間改成「自動設定」後就好了。",
            ),
        ),
    ),
    DemoQuestion(
        "阿俊",
        "zh-Hant",
        "trading-and-fees",
        "提現手續費為什麼比上週高？",
        "同樣提 100 USDT，這週的手續費比上週多。",
    ),
    DemoQuestion(
        "alice_m",
        "en",
        "deposits-and-withdrawals",
        "Deposit not showing after 20 confirmations",
        "I sent ETH from another exchange an hour ago. The explorer shows 20 confirmations "
        "but my balance has not changed.",
        (
            DemoAnswer(
                "agent:emma",
                "Hello! ETH deposits are credited after 64 confirmations, which takes about "
                "15 minutes once the network is not congested. If it is still missing after "
                "an hour, open a ticket from the help center with the transaction hash.",
            ),
        ),
    ),
    DemoQuestion(
        "samk",
        "en",
        "account-and-security",
        "Withdrawal locked after I changed my email",
        "I changed my account email yesterday and now withdrawals say they are locked. "
        "How long does this last?",
        (
            DemoAnswer(
                "alice_m",
                "I think changing the email locks withdrawals for a day as a safety measure.",
            ),
        ),
        to_support=True,
    ),
    DemoQuestion(
        "alice_m",
        "en",
        "account-and-security",
        "Is it safe to keep my recovery phrase in a notes app?",
        "I use a hardware wallet and wrote the words down, but I would like a backup on "
        "my phone too.",
        (
            DemoAnswer(
                "samk",
                "I would not. Anything synced to the cloud can leak. Paper or a metal plate "
                "in a safe place is what most people use.",
            ),
            DemoAnswer(
                "agent:emma",
                "We agree with samk: keep it offline. Nobody from Kefu support will ever ask "
                "for your recovery phrase, so anyone who does is not us.",
            ),
        ),
    ),
    DemoQuestion(
        "samk",
        "en",
        "trading-and-fees",
        "Why is the network fee different for each coin?",
        "Withdrawing BTC costs much more than withdrawing TRX. Why?",
        (
            DemoAnswer(
                "alice_m",
                "The network fee goes to the blockchain, not the exchange, and each chain "
                "prices its transactions differently.",
            ),
        ),
    ),
)


def _categories() -> dict[str, Category]:
    """The help center's categories (the bundled content is imported after the loader)."""
    return {
        item.slug: save_category(slug=item.slug, names=item.names, position=item.position)
        for item in bundled.categories()
    }


def _member(spec: DemoMember) -> Member:
    contact = find_or_create_contact(
        IdentityKind.EMAIL, spec.email, name=spec.name, language=spec.language
    )
    member = actions.join(contact=contact, display_name=spec.display_name)
    if spec.trusted:
        # As if their earlier posts had been approved: past the first-post review.
        Member.objects.filter(pk=member.pk).update(
            approved_posts=F("approved_posts") + TRUSTED_POSTS
        )
        member.refresh_from_db()
    return member


def _answer(
    spec: DemoAnswer, question: Question, members: dict[str, Member], asker: Member
) -> Post:
    if spec.author.startswith("agent:"):
        agent = Agent.objects.get(username=spec.author.removeprefix("agent:"))
        return actions.answer(author=agent, question=question, body=spec.body)
    post = actions.answer(author=members[spec.author], question=question, body=spec.body)
    if spec.accepted:
        actions.accept(member=asker, answer=post)
    return post


def _published_or_fail(visibility: str, text: str) -> None:
    # The screening changed and now holds an ordinary demo post: say which, loudly.
    if visibility != Visibility.PUBLISHED:
        raise RuntimeError(f"The community demo expected this post to be published: {text!r}")


def load() -> None:
    categories = _categories()
    members = {spec.display_name: _member(spec) for spec in MEMBERS}
    moderator = Agent.objects.get(username=MODERATOR)
    for spec in QUESTIONS:
        asker = members[spec.author]
        question = actions.ask(
            author=asker,
            title=spec.title,
            body=spec.body,
            language=spec.language,
            category=categories[spec.category],
        )
        _published_or_fail(question.visibility, question.title)
        for answer in spec.answers:
            post = _answer(answer, question, members, asker)
            if answer.author != IMPOSTOR:
                _published_or_fail(post.visibility, answer.body)
        if spec.to_support:
            actions.escalate(actor=moderator, question=question)
