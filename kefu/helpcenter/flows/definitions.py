"""The guided flows of DESIGN §2, as data: one Flow per intent, steps by id.

Timings are the product defaults (withdrawals within 48 h, unlocks within 1–3 days).
Each flow is written with the constructors of steps.py and the shared pieces below, so a
step that several flows show (the endings, the account-state answers) exists once.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.core.intents import Intent
from kefu.helpcenter.flows.steps import (
    NOT_FOUND,
    UNAVAILABLE,
    Choice,
    Flow,
    Lookup,
    Outcome,
    Step,
    ask,
    end,
    flow,
    freeze,
    info,
    lookup,
)

SOLVED = end(_("Glad that helped. You can come back here any time."), Outcome.SOLVED)
# Nothing is said to be passed on before it is: a visitor who is not signed in is first
# asked where the answer should go (the engine shows `waiting_text` until then).
HANDOFF = end(
    _("We have passed everything you told us to a support agent. We will email you when "
      "they answer."),
    Outcome.HANDOFF,
    waiting_text=_("To pass this to a support agent we need an email address where they can "
                   "answer you. Nothing is sent until you give one."),
)  # fmt: skip
# Every flow ends in one of these; flow() adds those its steps lead to.
ENDINGS = {"solved": SOLVED, "handoff": HANDOFF}


def resolved_or_not(next_if_not: str = "handoff") -> tuple[Choice, ...]:
    return (
        Choice("solved", _("That answers my question"), "solved"),
        Choice("help", _("I still need help"), next_if_not),
    )


def answer(text: str | Promise, next_if_not: str = "handoff") -> Step:
    """An answer the customer says solved it, or goes on from."""
    return info(text, *resolved_or_not(next_if_not))


def to_agent(text: str | Promise) -> Step:
    """Something only an agent can do: the one way on is to them."""
    return info(text, Choice("help", _("Contact an agent"), "handoff"))


WITHDRAWAL_DELAYED = flow(
    Intent.WITHDRAWAL_DELAYED,
    _("My withdrawal has not arrived"),
    {
        "start": ask(
            _("Which withdrawal is it? Enter its number from your withdrawal records "
              "(like W-1042) or its transaction hash."),
            field="reference", validator="transfer_reference", next="lookup",
        ),
        "lookup": lookup(Lookup.WITHDRAWAL, {
            "pending": "pending", "under_review": "review", "completed": "completed",
            "rejected": "rejected", NOT_FOUND: "not_found", UNAVAILABLE: "general",
        }),
        "pending": answer(
            _("Your withdrawal %(reference)s of %(amount)s %(asset)s on %(network)s is "
              "waiting to be processed. Withdrawals are usually completed within 48 hours."),
        ),
        "review": answer(
            _("Your withdrawal %(reference)s of %(amount)s %(asset)s is under review "
              "(%(reason)s). Reviews usually finish within 48 hours, and we email you when "
              "it is done. Nothing is needed from you now."),
        ),
        "completed": answer(
            _("Your withdrawal %(reference)s was sent on %(network)s with transaction hash "
              "%(tx_hash)s. Look the hash up on the network's explorer, and check that the "
              "receiving wallet shows the %(network)s network. If the explorer shows it "
              "confirmed but your wallet does not, contact the receiving wallet."),
        ),
        "rejected": answer(
            _("Your withdrawal %(reference)s was rejected (%(reason)s). The amount is back "
              "in your balance. Check the address and the network, then submit it again."),
        ),
        "not_found": info(
            _("We could not find a withdrawal with this number on your account."),
            Choice("retry", _("Enter it again"), "start"),
            Choice("help", _("I still need help"), "handoff"),
        ),
        "general": answer(
            _("Withdrawals are usually completed within 48 hours. Large amounts and new "
              "addresses get an extra security review first. If it has been longer, an agent "
              "will look it up for you."),
        ),
    },
    ENDINGS,
)  # fmt: skip

DEPOSIT_MISSING = flow(
    Intent.DEPOSIT_MISSING,
    _("My deposit has not arrived"),
    {
        "start": info(
            _("Which network did you send it on?"),
            Choice("TRC20", "TRC20", "tx"),
            Choice("ERC20", "ERC20", "tx"),
            Choice("BEP20", "BEP20", "tx"),
            Choice("BTC", "Bitcoin", "tx"),
            Choice("XRP", "XRP / XLM / EOS / TON", "memo"),
            Choice("OTHER", _("Another network"), "tx"),
            field="network",
        ),
        "memo": info(
            _("Deposits on XRP, XLM, EOS and TON need the memo (tag) shown on your deposit "
              "page as well as the address. Without it we cannot tell the deposit is yours, "
              "but it is not lost: an agent can credit it once you prove it was you."),
            Choice("had_memo", _("I included the memo"), "tx"),
            Choice("no_memo", _("I forgot the memo"), "tx"),
            field="memo",
        ),
        "tx": ask(
            _("Paste the transaction hash (TxID) from the wallet or exchange you sent it from."),
            field="tx_hash", validator="tx_hash", next="lookup",
        ),
        "lookup": lookup(Lookup.DEPOSIT, {
            "pending": "confirming", "under_review": "confirming", "completed": "credited",
            "rejected": "checklist", NOT_FOUND: "checklist", UNAVAILABLE: "checklist",
        }),
        "confirming": answer(
            _("We see your deposit of %(amount)s %(asset)s. It is waiting for enough "
              "confirmations on %(network)s and will be credited automatically."),
        ),
        "credited": answer(
            _("Your deposit of %(amount)s %(asset)s has been credited. Refresh your balance "
              "page, and check the funding account as well as the trading account."),
        ),
        "checklist": answer(
            _("Please check: the address you sent to is the deposit address shown for this "
              "coin; the network matches the one on the deposit page; the transaction is "
              "confirmed on the explorer. Deposits are credited after the network's required "
              "confirmations."),
        ),
    },
    ENDINGS,
)  # fmt: skip

# The account-state answers that "locked" and "cannot sign in" share, after check_account().
ACCOUNT_STATE_STEPS = {
    "locked": info(
        _("Your account is locked (%(reason)s). To unlock it we confirm your identity with a "
          "code sent to your registered email or phone, and sometimes an ID document. "
          "Unlocking usually takes 1 to 3 days."),
        Choice("unlock", _("Ask for an unlock"), "handoff"),
        Choice("solved", _("I will wait"), "solved"),
    ),
    "frozen": to_agent(
        _("Your account is frozen (%(reason)s). An agent has to review it with you."),
    ),
    "unlock_info": info(
        _("Accounts are locked after too many wrong passwords or by risk control. To unlock, "
          "we confirm your identity with a code sent to your registered email or phone; it "
          "usually takes 1 to 3 days."),
        Choice("unlock", _("Ask for an unlock"), "handoff"),
        Choice("solved", _("That answers my question"), "solved"),
    ),
}  # fmt: skip


def check_account() -> Step:
    return lookup(Lookup.ACCOUNT, {
        "active": "active", "locked": "locked", "frozen": "frozen",
        UNAVAILABLE: "unlock_info", NOT_FOUND: "unlock_info",
    })  # fmt: skip


ACCOUNT_LOCKED = flow(
    Intent.ACCOUNT_LOCKED,
    _("My account is locked"),
    {
        "start": check_account(),
        "active": answer(
            _("Your account is not locked right now. Try signing in again; if it fails, "
              "reset your password from the sign-in page."),
        ),
        **ACCOUNT_STATE_STEPS,
    },
    ENDINGS,
)  # fmt: skip

LOGIN_FAILED = flow(
    Intent.LOGIN_FAILED,
    _("I cannot sign in"),
    {
        "start": info(
            _("Try these first: reset your password with \"Forgot password\" on the sign-in "
              "page; look for the reset email in your spam folder; make sure your phone's "
              "clock is set automatically (authenticator codes depend on it); try another "
              "network or the website instead of the app."),
            Choice("solved", _("That worked"), "solved"),
            Choice("locked", _("It says my account is locked"), "check"),
            Choice("help", _("I still need help"), "handoff"),
        ),
        "check": check_account(),
        "active": to_agent(
            _("Your account is not locked. An agent can check your sign-in attempts with you."),
        ),
        **ACCOUNT_STATE_STEPS,
    },
    ENDINGS,
)  # fmt: skip

TRANSACTION_FAILED = flow(
    Intent.TRANSACTION_FAILED,
    _("My trade or transfer failed"),
    {
        "start": info(
            _("What did the error say?"),
            Choice("balance", _("Insufficient balance"), "balance"),
            Choice("price", _("Price expired or changed"), "price"),
            Choice("network", _("Network error"), "network"),
            Choice("maintenance", _("Maintenance"), "maintenance"),
            Choice("other", _("Something else"), "describe"),
            field="error",
        ),
        "balance": answer(
            _("Orders use the available balance of the account you trade from, without "
              "amounts held by open orders, and the fee is added. Cancel open orders or "
              "transfer funds into the trading account, then try again."),
            "describe",
        ),
        "price": answer(
            _("In a fast market a quote is valid for a few seconds only. Refresh the quote "
              "and confirm at once, or use a limit order. Nothing was charged for the failed "
              "attempt."),
            "describe",
        ),
        "network": answer(
            _("The order did not reach us, so nothing was charged. Check your connection and "
              "try again; open orders are listed under Orders."),
            "describe",
        ),
        "maintenance": answer(
            _("Trading on this market is paused for maintenance. It resumes automatically; "
              "funds held by failed orders are released within a few minutes."),
            "describe",
        ),
        "describe": ask(
            _("Tell us what you tried to do, when, and the order number if you have one."),
            field="details", validator="text", next="handoff",
        ),
    },
    ENDINGS,
)  # fmt: skip

ACCOUNT_STOLEN = flow(
    Intent.ACCOUNT_STOLEN,
    _("My account was stolen"),
    {
        # Freeze first and ask afterwards: every minute counts while an attacker is in.
        "start": freeze(done="frozen", unavailable="not_frozen"),
        "frozen": info(
            _("We have frozen your account: nothing can be withdrawn or traded until it is "
              "reviewed. Now change the password of your email account and, if you can "
              "still sign in anywhere, sign out all other devices."),
            Choice("next", _("Continue"), "last_login"),
        ),
        "not_frozen": info(
            _("We could not freeze your account automatically. An agent will freeze it as "
              "soon as you finish here; your request is marked urgent."),
            Choice("next", _("Continue"), "last_login"),
        ),
        "last_login": ask(
            _("When did you last sign in yourself, and from which device?"),
            field="last_own_sign_in", validator="text", next="what_happened",
        ),
        "what_happened": ask(
            _("What happened? For example: a withdrawal you did not make, a changed email, a "
              "link you clicked. Never send your password or recovery phrase."),
            field="details", validator="text", next="handoff",
        ),
    },
    ENDINGS,
)  # fmt: skip

FLOWS: dict[str, Flow] = {
    each.intent: each
    for each in (
        WITHDRAWAL_DELAYED,
        DEPOSIT_MISSING,
        LOGIN_FAILED,
        ACCOUNT_LOCKED,
        TRANSACTION_FAILED,
        ACCOUNT_STOLEN,
    )
}
