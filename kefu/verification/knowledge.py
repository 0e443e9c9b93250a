"""Scoring a customer's answers against what only the real customer should know.

The expected answers come from the platform (`AccountRecords`) at scoring time and leave
this module only as a count: never stored, logged, put in an event or in an error.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

import opencc

from kefu.platform.connector import AccountRecords

QUESTIONS = ("registered_name", "last_login_region", "recent_deposit")
# Right answers needed to pass, of the (at most three) questions asked.
PASS_MARK = 2
# A remembered amount may be off by this much (fees, rounding).
AMOUNT_TOLERANCE = Decimal("0.01")

# Chinese names of the cities most customers log in from, as the platform writes them.
CITY_NAMES = {
    "北京": "beijing", "上海": "shanghai", "广州": "guangzhou", "深圳": "shenzhen",
    "杭州": "hangzhou", "南京": "nanjing", "成都": "chengdu", "重庆": "chongqing",
    "武汉": "wuhan", "西安": "xian", "天津": "tianjin", "苏州": "suzhou", "厦门": "xiamen",
    "香港": "hongkong", "澳门": "macau", "台北": "taipei", "新北": "newtaipei",
    "台中": "taichung", "台南": "tainan", "高雄": "kaohsiung", "桃园": "taoyuan",
}  # fmt: skip

_SEPARATORS = re.compile(r"[\s,，、·・.\-'’]+")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)")
_ASSET = re.compile(r"[a-z]{2,10}")


@dataclass(frozen=True)
class Score:
    correct: int
    asked: int

    @property
    def passed(self) -> bool:
        return self.correct >= PASS_MARK


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _plain(text: str) -> str:
    """NFKC (full-width letters and digits), Simplified characters, case folded."""
    return str(_to_simplified().convert(unicodedata.normalize("NFKC", text))).casefold().strip()


def _name_parts(text: str) -> list[str]:
    return [part for part in _SEPARATORS.split(_plain(text)) if part]


def name_matches(expected: str, given: str) -> bool:
    """Same name, whatever the spaces and dots; a Western name in either order."""
    want, got = _name_parts(expected), _name_parts(given)
    if not want or not got:
        return False
    return "".join(want) == "".join(got) or sorted(want) == sorted(got)


def _city(text: str) -> str:
    city = _plain(text).replace("，", ",").split(",")[0]
    city = "".join(_SEPARATORS.split(city)).removesuffix("市")
    return CITY_NAMES.get(city, city)


def region_matches(expected: str, given: str) -> bool:
    """The city of the last login: "Hangzhou", "hangzhou, cn" or 杭州 for "Hangzhou, CN"."""
    want, got = _city(expected), _city(given)
    return bool(want) and want == got


def _amount(text: str) -> tuple[Decimal, str] | None:
    """("1,234.56 USDT" | "１２３４.５６" | "USDT 1234.56") → (amount, asset or "")."""
    plain = _plain(text).replace(",", "")
    found = _AMOUNT.search(plain)
    if found is None:
        return None
    try:
        amount = Decimal(found.group(1))
    except InvalidOperation:
        return None
    asset = _ASSET.search(plain[: found.start()] + " " + plain[found.end() :])
    return amount, asset.group(0) if asset else ""


def deposit_matches(records: AccountRecords, given: str) -> bool:
    parsed = _amount(given)
    if parsed is None:
        return False
    amount, asset = parsed
    return any(
        abs(amount - deposit.amount) <= deposit.amount * AMOUNT_TOLERANCE
        and (not asset or asset == deposit.asset.casefold())
        for deposit in records.recent_deposits
    )


def asked(records: AccountRecords) -> list[str]:
    """The questions the records can answer; one without a record is not asked."""
    known = {
        "registered_name": bool(records.registered_name.strip()),
        "last_login_region": bool(records.last_login_region.strip()),
        "recent_deposit": bool(records.recent_deposits),
    }
    return [name for name in QUESTIONS if known[name]]


def score(records: AccountRecords, answers: Mapping[str, str]) -> Score:
    checks = {
        "registered_name": lambda given: name_matches(records.registered_name, given),
        "last_login_region": lambda given: region_matches(records.last_login_region, given),
        "recent_deposit": lambda given: deposit_matches(records, given),
    }
    questions = asked(records)
    correct = sum(1 for name in questions if checks[name](str(answers.get(name, ""))))
    return Score(correct=correct, asked=len(questions))
