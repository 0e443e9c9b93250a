"""The outbound guard: does an agent's reply ask the customer for a secret or a scam step?

It reads requests, not keywords. A reply is blocked when, within one clause, a request
cue ("发给我", "please provide", "type", "下载") meets what scammers ask for (a recovery
phrase, a key, a password, a code, remote access, a transfer to a "safe wallet", an unlock
fee), and no warning cue ("绝不会", "never", "请勿", "if anyone asks") stands before the
request in that clause. So "客服绝不会向您索要助记词" passes and "请提供您的助记词" does
not, while the same nouns appear in both.

Everything is read on `guard_normalize.guard_view`, where disguised spellings ("助 . 记 .
词", "pr1vate k3y", "zhujici", Cyrillic look-alikes, zero-width characters) are words
again, request and warning cues alike. What is asked for may be described instead of
named ("the words you wrote down when you created the wallet", a photo of the backup
card, exporting the wallet file); the lexicon names those descriptions as objects. Typing
a phrase or key is asking for it, except into the customer's own wallet app when the
sentence points nowhere else ("In the app, tap Restore and type your 12 words"), which is
how a wallet is restored.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from kefu.safety import request_lexicon as lexicon
from kefu.safety.guard_explanations import (
    ASKS_OTP,
    ASKS_PASSWORD,
    ASKS_PRIVATE_KEY,
    ASKS_RECOVERY_PHRASE,
    ASKS_REMOTE_ACCESS,
    ASKS_TRANSFER_TO_SAFE_WALLET,
    ASKS_UNLOCK_FEE,
    ASKS_WHITELIST_ADDRESS,
    REASONS,
    explain,
)
from kefu.safety.guard_normalize import guard_view

__all__ = ["GuardVerdict", "check_outbound", "explain"]


def _compile(source: str) -> re.Pattern[str]:
    # The view is lower-case and "_" is a space in it, so an ASCII \b is the edge of an
    # English word even beside Chinese ("我的password"), at the speed of a plain \b.
    return re.compile(source, re.ASCII)


_RECOVERY_PHRASE = _compile(lexicon.RECOVERY_PHRASE_OBJECTS)
_PRIVATE_KEY = _compile(lexicon.PRIVATE_KEY_OBJECTS)
_PASSWORD = _compile(lexicon.PASSWORD_OBJECTS)
_ONE_TIME_CODE = _compile(lexicon.ONE_TIME_CODE_OBJECTS)
_TRANSMIT = _compile(lexicon.TRANSMIT_VERBS)
_TYPING = _compile(lexicon.TYPING_VERBS)
_CHECKING = _compile(lexicon.CHECKING_VERBS)
_OWN_APP = _compile(lexicon.OWN_APP)
_ELSEWHERE = _compile(lexicon.ELSEWHERE)
_ENTRY_HERE = _compile(lexicon.ENTRY_HERE)
_BACK_REFERENCE = _compile(lexicon.BACK_REFERENCE)
_NEGATION = _compile(lexicon.NEGATIONS)
_CLAUSE_NEGATION = _compile(lexicon.CLAUSE_NEGATIONS)
_NOT_REALLY_NEGATION = _compile(lexicon.NOT_REALLY_NEGATIONS)
_REMOTE_TOOL = _compile(lexicon.REMOTE_TOOLS)
_SCREEN_SHARING = _compile(lexicon.SCREEN_SHARING)
_REMOTE_VERB = _compile(lexicon.REMOTE_VERBS)
_PREDICATE_NEGATION = _compile(lexicon.PREDICATE_NEGATIONS)
_SAFE_WALLET = _compile(lexicon.SAFE_WALLETS)
_TRANSFER = _compile(lexicon.TRANSFER_VERBS)
_GIVEN_ADDRESS = _compile(lexicon.GIVEN_ADDRESSES)
_CRYPTO_ADDRESS = _compile(lexicon.CRYPTO_ADDRESS)
_WHITELIST = _compile(lexicon.WHITELIST)
_WHITELIST_VERB = _compile(lexicon.WHITELIST_VERBS)
_UNLOCK_FEE = _compile(lexicon.UNLOCK_FEES)
_FEE_DEMAND = _compile(lexicon.FEE_DEMANDS)
_FEE = _compile(lexicon.FEES)
_PAY = _compile(lexicon.PAY_VERBS)
_WITHDRAW_PURPOSE = _compile(lexicon.WITHDRAW_PURPOSES)
_CONDITION = _compile(lexicon.PAYMENT_CONDITIONS)

# A full stop ends a sentence only before white space, so "etherscan.io" stays whole.
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+|\.(?=\s|$)")
# Not the enumeration comma 、: it joins the items of one list ("助记词、私钥").
# Not quotation marks either: honest advice quotes the scam's own words ("never pay an
# “unlock fee”"), and the warning before the quote still governs them.
_CLAUSE_BREAK = _compile(
    r"[,，:：()（）]|\s[-–—]\s"
    r"|\b(?:but|however|though|although|so|then|otherwise|because|unless)\b"
    r"|但是|不过|不過|可是|然后|然後|所以|否则|否則|因为|因為|而是|只是"
)

# The secret kinds and the verbs that count as asking for each.
_SECRET_KINDS: tuple[tuple[str, re.Pattern[str], bool], ...] = (
    # (reason, objects, whether typing it anywhere but the customer's own app counts as
    # handing it over)
    (ASKS_RECOVERY_PHRASE, _RECOVERY_PHRASE, True),
    (ASKS_PRIVATE_KEY, _PRIVATE_KEY, True),
    (ASKS_PASSWORD, _PASSWORD, False),
    (ASKS_OTP, _ONE_TIME_CODE, False),
)
# A Chinese verb followed by 了 or 过 reports what was done ("我们已发送了验证码").
_COMPLETED = re.compile(r"\s*[了过過]")
# A verb followed by 的 describes its object rather than asking for it ("您发送的助记词已被
# 删除": the phrase you sent), unless a 是 makes it the point ("您要提供的是助记词") or a
# modal before it still asks ("需要您提供的助记词", "您要输入的私钥").
_DESCRIBES = re.compile(r"\s*的(?!\s*(?:就是|是|为|為))")
_STILL_ASKED = re.compile(r"(?:要|需|须|須|得|必须|必須|应该|應該|应|應|请|請)\s*(?:您|你)?\s*$")
# What stands just before an address that funds are sent to: "to", "into", "到", or a
# colon ending "…this address:".
_DESTINATION = _compile(r"(?:\b(?:to|into)\b|[到至入往])[^.!?。]*$|[:：]\s*$")
_DESTINATION_REACH = 30
_INSTRUCTION_START = re.compile(r"(?:please|pls|kindly|请|請|麻烦|麻煩)")
# "…your recovery card and send them to me": an English verb after its object still asks
# for it when a pronoun points back at it.
_POINTS_BACK = _compile(r"(?:\s+(?:me|us|over))?\s+(?:it|them|those|these)\b")
# "We will send a code to your email": how far before a verb its sender may stand.
_SENDER_IS_US = _compile(lexicon.SENDER_IS_US + "$")
_SENDER_REACH = 40
# "不要因为…，就…": the 就 clause carries on the warning of the 因为 clause.
_BECAUSE = re.compile(r"因为|因為|为了|為了|由于|由於")
_THEN = re.compile(r"\s*(?:就|便)")
# An object-only clause ("您的助记词，发我一下") lends its object to the next clause.
_OBJECT_ONLY_SLACK = 6


@dataclass(frozen=True)
class GuardVerdict:
    """Whether an agent's reply must not be sent, and the stable ids of the reasons."""

    blocked: bool
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str | None:
        """The first reason, for callers that show one."""
        return self.reasons[0] if self.reasons else None


@dataclass(frozen=True)
class _Clause:
    text: str
    negations: tuple[tuple[int, int], ...]  # where each warning cue starts and ends
    negated_throughout: bool
    # The sentence tells the customer to type into their own wallet app and points
    # nowhere else: typing a phrase or key there is how a wallet is restored.
    in_own_app: bool
    # The end of the sentence before this clause, where the subject of its verb may stand
    # ("we will, then, send a code": the clause breaks before "send").
    lead: str
    # Each secret kind asks the same clause for the same cues: found once, kept here by
    # the pattern's id (hashing a compiled pattern hashes its whole program).
    found: dict[int, list[re.Match[str]]] = field(default_factory=dict, compare=False, repr=False)

    def negated_at(self, position: int) -> bool:
        # A cue that starts before the request governs it, even when the two overlap
        # ("我们不需要您的助记词": 不需要 holds the 需要 of "需要您的").
        return self.negated_throughout or any(start < position for start, _ in self.negations)

    def requests(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        found = self.found.get(id(pattern))
        if found is None:
            found = self.found[id(pattern)] = [
                match
                for match in pattern.finditer(self.text)
                if not self.negated_at(match.start())
                and not _COMPLETED.match(self.text, match.end())
                and not self.describes(match)
                and not self.sent_by_us(match)
            ]
        return found

    def describes(self, verb: re.Match[str]) -> bool:
        """'您发送的助记词': the verb tells which object is meant, not what to do."""
        return _DESCRIBES.match(self.text, verb.end()) is not None and not _STILL_ASKED.search(
            self.text, 0, verb.start()
        )

    def sent_by_us(self, verb: re.Match[str]) -> bool:
        """Support sending something ("we will send a code to your email") asks nothing."""
        window = (self.lead + self.text[: verb.end()])[-(_SENDER_REACH + len(verb.group())) :]
        return _SENDER_IS_US.search(window) is not None


def check_outbound(text: str, language: str | None = None) -> GuardVerdict:
    """Block a reply that asks for a secret, remote access, a transfer or an unlock fee.

    `language` is accepted for symmetry with `redact`; every language's lexicon is always
    applied, because agents mix languages and a scammer will use the one that passes.
    """
    del language
    whole = _normalize(text)
    sentences = [_clauses(sentence) for sentence in _SENTENCE_END.split(whole)]
    sentences = [clauses for clauses in sentences if clauses]
    found = set(_secret_requests(sentences, whole))
    for clauses in sentences:
        found.update(_scam_steps(clauses, whole))
    reasons = tuple(reason for reason in REASONS if reason in found)
    return GuardVerdict(blocked=bool(reasons), reasons=reasons)


def _normalize(text: str) -> str:
    return _NOT_REALLY_NEGATION.sub(" ", guard_view(text))


def _clauses(sentence: str) -> list[_Clause]:
    in_own_app = _OWN_APP.search(sentence) is not None and _ELSEWHERE.search(sentence) is None
    clauses: list[_Clause] = []
    lead = ""
    for part in _CLAUSE_BREAK.split(sentence):
        if not part or not part.strip():
            continue
        negations = tuple(match.span() for match in _NEGATION.finditer(part))
        throughout = _CLAUSE_NEGATION.search(part) is not None or _continues_warning(
            clauses, part, sentence
        )
        clauses.append(_Clause(part, negations, throughout, in_own_app, lead))
        lead = (lead + part + " ")[-_SENDER_REACH:]
    return clauses


def _continues_warning(before: list[_Clause], part: str, sentence: str) -> bool:
    """In "不要因为有人自称客服，就安装远程软件" the 就 clause is what the warning forbids."""
    return (
        _THEN.match(part) is not None
        and _BECAUSE.search(sentence) is not None
        and any(clause.negations or clause.negated_throughout for clause in before)
    )


# --- secrets -----------------------------------------------------------------------------


def _secret_requests(sentences: list[list[_Clause]], whole: str) -> Iterator[str]:
    for reason, objects, entry_counts in _SECRET_KINDS:
        # Every way of asking needs the object somewhere; most replies name none.
        if objects.search(whole) is None:
            continue
        if any(
            _asks_for(clause, objects, entry_counts, previous, earlier)
            for clause, previous, earlier in _clauses_in_context(sentences)
        ):
            yield reason


def _clauses_in_context(
    sentences: list[list[_Clause]],
) -> Iterator[tuple[_Clause, _Clause | None, list[_Clause]]]:
    """Each clause, the clause before it, and the clauses "it" may refer back to: this
    sentence so far and the sentence before."""
    for index, clauses in enumerate(sentences):
        before = sentences[index - 1] if index else []
        for position, clause in enumerate(clauses):
            previous = clauses[position - 1] if position else None
            yield clause, previous, before + clauses[:position]


def _asks_for(
    clause: _Clause,
    objects: re.Pattern[str],
    entry_counts: bool,
    previous: _Clause | None,
    earlier: list[_Clause],
) -> bool:
    verbs = [*clause.requests(_TRANSMIT)]
    if not entry_counts:
        verbs += clause.requests(_ENTRY_HERE)
    else:
        verbs += clause.requests(_CHECKING)
        if not clause.in_own_app:
            verbs += clause.requests(_TYPING)
    if not verbs:
        return False
    own_objects = list(objects.finditer(clause.text))
    for verb in verbs:
        for target in own_objects:
            if _object_before_english_verb(verb, target) and not _POINTS_BACK.match(
                clause.text, verb.end()
            ):
                continue
            if not _object_negated(clause, verb, target):
                return True
    if own_objects:
        return False
    # "…your seed phrase. Please send it to me": the object is in an earlier clause.
    if _BACK_REFERENCE.search(clause.text) and any(objects.search(c.text) for c in earlier):
        return True
    # "您的助记词，发我一下": a clause that is nothing but the object.
    if previous is not None:
        named = objects.search(previous.text)
        if named and len(previous.text.strip()) - len(named.group()) <= _OBJECT_ONLY_SLACK:
            return True
    return False


def _object_before_english_verb(verb: re.Match[str], target: re.Match[str]) -> bool:
    """English puts what is asked for after the verb ("send me your password"); in
    "change your password and reply with the time" the password is not what is sent.
    Chinese may put it first ("您的助记词发给我"), so the order only matters in English."""
    return verb.group().isascii() and target.end() <= verb.start()


def _object_negated(clause: _Clause, verb: re.Match[str], target: re.Match[str]) -> bool:
    """True for "send us the hash, not your seed phrase": a warning between verb and object."""
    if target.start() <= verb.start():
        return False
    return any(verb.end() < end <= target.start() for _, end in clause.negations)


# --- scam steps that are not secrets -----------------------------------------------------


def _scam_steps(clauses: list[_Clause], whole_text: str) -> Iterator[str]:
    sentence = " ".join(clause.text for clause in clauses)
    for clause in clauses:
        if _asks_remote_access(clause):
            yield ASKS_REMOTE_ACCESS
        if _asks_safe_wallet_transfer(clause, sentence):
            yield ASKS_TRANSFER_TO_SAFE_WALLET
        if _asks_whitelist(clause, whole_text):
            yield ASKS_WHITELIST_ADDRESS
    if _asks_unlock_fee(clauses):
        yield ASKS_UNLOCK_FEE


def _asks_remote_access(clause: _Clause) -> bool:
    if any(
        not _PREDICATE_NEGATION.match(clause.text, act.end())
        for act in clause.requests(_SCREEN_SHARING)
    ):
        return True
    return bool(clause.requests(_REMOTE_TOOL)) and bool(clause.requests(_REMOTE_VERB))


def _asks_safe_wallet_transfer(clause: _Clause, sentence: str) -> bool:
    if not clause.requests(_TRANSFER):
        return False
    if clause.requests(_SAFE_WALLET) or clause.requests(_GIVEN_ADDRESS):
        return True
    # "Please send your USDT to TXyz…": an address the transfer goes to, in the same
    # sentence ("send the TXID and the address TQ…" asks for an address, not a transfer).
    return _asks_with_address(clause) and any(
        _DESTINATION.search(sentence, max(0, address.start() - _DESTINATION_REACH), address.start())
        for address in _CRYPTO_ADDRESS.finditer(sentence)
    )


def _asks_with_address(clause: _Clause) -> bool:
    """An instruction, not "you sent it to 0x…": it starts with "please" or the verb."""
    head = clause.text.lstrip()
    return _INSTRUCTION_START.match(head) is not None or _TRANSFER.match(head) is not None


def _asks_whitelist(clause: _Clause, whole_text: str) -> bool:
    if not clause.requests(_WHITELIST):
        return False
    if not (clause.requests(_WHITELIST_VERB) or _TRANSMIT.search(clause.text)):
        return False
    return bool(clause.requests(_GIVEN_ADDRESS)) or _CRYPTO_ADDRESS.search(whole_text) is not None


def _asks_unlock_fee(clauses: list[_Clause]) -> bool:
    paying = any(clause.requests(_PAY) for clause in clauses)
    # "The unlock fee is 200 USDT", "请先支付解冻费": an unlock fee with a payment, an
    # amount or a requirement; a list of scams to beware of names one and asks nothing.
    if any(clause.requests(_UNLOCK_FEE) for clause in clauses) and (
        paying or any(clause.requests(_FEE_DEMAND) for clause in clauses)
    ):
        return True
    # "需要缴纳 20% 保证金，才能解冻账户": a payment, a fee and a purpose in one sentence;
    # or a payment made the condition of a withdrawal ("先充值 1000 USDT 才能提现").
    if not paying:
        return False
    has_purpose = any(_WITHDRAW_PURPOSE.search(clause.text) for clause in clauses)
    if not has_purpose:
        return False
    has_fee = any(_FEE.search(clause.text) for clause in clauses)
    return has_fee or any(_CONDITION.search(clause.text) for clause in clauses)
