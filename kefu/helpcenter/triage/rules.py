"""High-precision cues that override the model for safety-critical intents.

A stolen account costs the customer more with every minute in the wrong queue, so the
phrases that only a victim writes ("not me", "被盗", "unauthorized withdrawal") decide
the intent on their own. So does the impostor's script: "support" that wants the
customer to install a tool, pay a fee or send the recovery words is the scam check
(`verify_support`) whatever else the message is about (a frozen account, a withdrawal),
because the answer the customer needs before anything else is "that is not us".
The patterns are matched on lower-cased text folded to simplified Chinese, and each one
must stay specific enough never to fire on a question about security settings, on a
question about our fees or on a request to reach support.
"""

import re

from kefu.core.intents import Intent

_STOLEN = re.compile(
    "|".join(
        (
            r"被盗|盗号|盗了|被黑了|被骇|被人?入侵|盗用|盗转",
            r"(?:不是我|非本人|我(?:根本)?没有?)(?:本人)?(?:的)?操作",
            r"没有?(?:提现|提币|提领|下单)[^。.!！]{0,12}(?:却|但是?|可是)[^。.!！]{0,12}"
            r"(?:显示|记录|被|有一笔|转走|提走)",
            # "stolen" unless what was stolen is a phone or SIM card: a lost number is a
            # personal-information change ("phone stolen, want to switch the number").
            r"\bhacked\b|\bhacker (?:changed|took|stole|got|has)|\bcompromised\b",
            r"(?<!phone )(?<!phone was )(?<!phone got )(?<!sim )(?<!sim was )\bstolen\b",
            r"\bdrained\b",
            r"\bunauthori[sz]ed\b|\bdid ?n[o']t (?:authori[sz]e|make|do) (?:this|it|any of)\b",
            r"\bnever (?:made|placed|authori[sz]ed)\b",
            r"wasn'?t me\b|\bit was not me\b",
            # Someone else in the account is a theft even when the customer only
            # describes it ("someone logged into my account and withdrew everything").
            r"\bsome(?:one|body)(?: else)? (?:has )?(?:logged|signed|got|broke) (?:in|into)"
            r"(?: to)? my (?:account|wallet)\b",
            r"有人(?:登录|登入|进入|进了)(?:了)?我的?(?:账号|账户|帐号|钱包)",
        )
    )
)

# An impostor's warning quoted in a question ("they say my wallet is compromised, is
# this really you?") is a report to check, not a theft to act on.
_ASKS_IF_OFFICIAL = re.compile(
    r"是(?:你们|官方)[^，。,.]{0,6}(?:吗|嘛)|是不是(?:你们|官方)|官方的?吗"
    r"|\bis (?:this|that|it|he|she|they) (?:really )?(?:you|yours|legit|real|official)\b"
)
# A customer who asks about what "support" demanded wants the scam check even when they
# fear a theft; one who only reports that it happened ("...then my coins were gone") is
# a victim, and the theft rule decides.
_QUESTION = re.compile(
    r"[?？]|吗|嘛|真的假的|靠谱|可信|合法|正常|是不是|骗子|诈骗"
    r"|\b(?:legit|real|scam|normal|safe|okay|ok|allowed|should i)\b"
)


# Someone presenting as us: support, an agent, an admin, "official", "your team" ...
_CLAIMS_TO_BE_US = (
    r"(?:客服|官方|工作人员|管理员|专员|\bsupport\b|\bagent\b|\badmin\b|\bofficial\b"
    r"|\byour (?:team|staff|company)\b|\bfrom (?:your|the) (?:team|exchange|platform)\b)"
)
# ... telling the customer to do something (not "客服你好，我转账入金没到账", where the
# customer greets support and describes their own transfer).
_TELLS_THE_CUSTOMER = (
    r"(?:让|叫|逼|要求|(?<!我)要我|(?:说|讲|称)(?:要|需要|必须|得|先)|必须"
    r"|\bask(?:s|ed|ing)? (?:me|for)\b|\bwant(?:s|ed)? (?:me|my)\b|\btold me\b|\btells me\b"
    r"|\b(?:need|needs|needed|instructed|made|got) me\b|\brequir(?:es|ed) me\b"
    r"|\bi (?:must|have to|need to|should)\b)"
)
# What no real agent asks for: software to install, money to pay, the recovery words.
_IMPOSTOR_DEMAND = (
    r"(?:安装|下载|装一?个|装上|远程|向日葵|anydesk|teamviewer|\.apk\b"
    r"|(?:交|付|缴|转|汇|打)[^，。,!?！？]{0,8}(?:费|税|保证金|押金|资金|验证金)"
    r"|(?:转|打|汇)(?:到|进|去)[^，。,!?！？]{0,12}(?:钱包|地址|账户)"
    r"|助记词|私钥|单词|单字"
    r"|\binstall\b|\bdownload\b|\bremote (?:desktop|access|control)\b"
    r"|\bpay\b[^!?\n]{0,30}\b(?:fee|tax|deposit|charge)s?\b|\bsend\b[^!?\n]{0,30}"
    r"\b(?:eth|btc|usdt|coins?|crypto|money|funds|fee|deposit|words|phrase)\b"
    r"|\b(?:seed|recovery|secret) (?:phrase|words)\b|\b(?:12|24|twelve) words\b"
    r"|\bprivate key\b|\btransfer\b[^!?\n]{0,30}\b(?:safe|secure|verification) wallet\b)"
)
# Claimant, then the telling, then the demand, each close to the one before, so that
# "I installed the app, how do I contact support" does not read as an impostor.
_IMPOSTOR_ASKS = re.compile(
    _CLAIMS_TO_BE_US + r"[^\n]{0,40}?" + _TELLS_THE_CUSTOMER + r"[^\n]{0,30}?" + _IMPOSTOR_DEMAND
)


def forced_intent(folded: str) -> str | None:
    """The intent a message must get whatever the model says, or None."""
    if _IMPOSTOR_ASKS.search(folded) and (
        _ASKS_IF_OFFICIAL.search(folded) or _QUESTION.search(folded) or not _STOLEN.search(folded)
    ):
        return Intent.VERIFY_SUPPORT
    if _STOLEN.search(folded) and not _ASKS_IF_OFFICIAL.search(folded):
        return Intent.ACCOUNT_STOLEN
    return None
