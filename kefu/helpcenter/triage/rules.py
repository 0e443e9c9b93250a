"""High-precision cues that override the model for safety-critical intents.

A stolen account costs the customer more with every minute in the wrong queue, so the
phrases that only a victim writes ("not me", "被盗", "unauthorized withdrawal") decide
the intent on their own. The patterns are matched on lower-cased text folded to
simplified Chinese, and each one must stay specific enough never to fire on a question
about security settings or on an impostor report.
"""

import re

from kefu.core.intents import Intent

_STOLEN = re.compile(
    "|".join(
        (
            r"被盗|盗号|盗了|被黑了|被骇|被入侵|盗用|盗转",
            r"(?:不是我|非本人|我(?:根本)?没有?)(?:本人)?(?:的)?操作",
            r"没有?(?:提现|提币|提领|下单)[^。.!！]{0,12}(?:却|但是?|可是)[^。.!！]{0,12}"
            r"(?:显示|记录|被|有一笔|转走|提走)",
            r"\bhacked\b|\bhacker (?:changed|took|stole|got|has)|\bstolen\b|\bcompromised\b",
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


def forced_intent(folded: str) -> str | None:
    """The intent a message must get whatever the model says, or None."""
    if _STOLEN.search(folded) and not _ASKS_IF_OFFICIAL.search(folded):
        return Intent.ACCOUNT_STOLEN
    return None
