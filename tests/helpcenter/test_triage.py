import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kefu.core.intents import Intent
from kefu.helpcenter.triage import triage
from kefu.helpcenter.triage.classify import classify
from kefu.helpcenter.triage.features import features
from kefu.helpcenter.triage.jsonl import triage_jsonl
from kefu.helpcenter.triage.model import training_examples

DEV_SET = Path(__file__).with_name("triage_dev.jsonl")
# The confusable pairs of issue 11: each dev row tagged with one of these is either the
# pair's main intent or the intent customers' messages are mistaken for.
PAIRS = {
    "withdrawal_completed_not_received": Intent.WITHDRAWAL_DELAYED,
    "withdrawal_failed_refund": Intent.WITHDRAWAL_DELAYED,
    "dispute_charge_or_strange_trade": Intent.TRADE_DISPUTE,
    "support_asks_install_pay_words": Intent.VERIFY_SUPPORT,
    "phone_lost_change_number": Intent.PERSONAL_INFO_CHANGE,
    "display_glitch_after_update": Intent.TECHNICAL_ISSUE,
    "rate_the_service": Intent.FEEDBACK,
}


def _dev_rows() -> list[dict[str, str]]:
    return [json.loads(line) for line in DEV_SET.read_text("utf-8").splitlines()]


# One unambiguous first message per intent and language.
CLEAR: list[tuple[str, str, str]] = [
    ("account_locked", "zh-Hans", "密码输错太多次，账户被锁定了，怎么解锁"),
    ("account_locked", "zh-Hant", "帳戶被鎖定了，請幫我解鎖"),
    ("account_locked", "en", "my account is locked, how do I unlock it"),
    ("login_failed", "zh-Hans", "忘记登录密码了，怎么重置"),
    ("login_failed", "zh-Hant", "忘記密碼，沒辦法登入"),
    ("login_failed", "en", "I forgot my password and can't log in"),
    ("account_stolen", "zh-Hans", "我的账号被盗了，币都被转走了"),
    ("account_stolen", "zh-Hant", "我的帳號被盜了，請凍結"),
    ("account_stolen", "en", "my account was hacked and my coins are gone"),
    ("security_settings", "zh-Hans", "怎么开启谷歌验证"),
    ("security_settings", "zh-Hant", "請問要怎麼設定防釣魚碼"),
    ("security_settings", "en", "how do I set up 2FA with an authenticator app"),
    ("withdrawal_delayed", "zh-Hans", "我的USDT提现一直pending"),
    ("withdrawal_delayed", "zh-Hant", "提幣三個小時了還沒到帳"),
    ("withdrawal_delayed", "en", "my withdrawal has been pending since yesterday"),
    ("withdrawal_howto", "zh-Hans", "请问怎么提币到外部钱包"),
    ("withdrawal_howto", "zh-Hant", "請問怎麼提幣到銀行帳戶"),
    ("withdrawal_howto", "en", "how do I withdraw to my bank account"),
    ("deposit_missing", "zh-Hans", "充值的USDT一直没到账"),
    ("deposit_missing", "zh-Hant", "充幣一直沒有入帳"),
    ("deposit_missing", "en", "my deposit is not showing in my balance"),
    ("transaction_failed", "zh-Hans", "下单失败，提示系统繁忙"),
    ("transaction_failed", "zh-Hant", "兌換一直失敗"),
    ("transaction_failed", "en", "my buy order failed"),
    ("trade_dispute", "zh-Hans", "P2P付款了卖家不放币，我要申诉"),
    ("trade_dispute", "zh-Hant", "P2P賣家收了錢不放幣"),
    ("trade_dispute", "en", "the P2P seller won't release my coins after I paid"),
    ("fees", "zh-Hans", "提币手续费是多少"),
    ("fees", "zh-Hant", "交易手續費怎麼算"),
    ("fees", "en", "what is the withdrawal fee for USDT"),
    ("personal_info_change", "zh-Hans", "我想换绑手机号"),
    ("personal_info_change", "zh-Hant", "我想更改綁定的電子郵件"),
    ("personal_info_change", "en", "I need to change the phone number on my account"),
    ("kyc_verification", "zh-Hans", "实名认证被拒绝了"),
    ("kyc_verification", "zh-Hant", "身分認證審核要多久"),
    ("kyc_verification", "en", "my KYC verification was rejected"),
    ("technical_issue", "zh-Hans", "app打开就闪退"),
    ("technical_issue", "zh-Hant", "網站打不開"),
    ("technical_issue", "en", "the app crashes when I open it"),
    ("verify_support", "zh-Hans", "有人打电话说是客服，这个号码是你们的吗"),
    ("verify_support", "zh-Hant", "這個網址是你們的官網嗎"),
    ("verify_support", "en", "is this number yours? someone called saying they are support"),
    ("contact_support", "zh-Hans", "人工客服怎么联系"),
    ("contact_support", "zh-Hant", "客服服務時間是幾點"),
    ("contact_support", "en", "how can I talk to a human agent"),
    ("complaint_escalation", "zh-Hans", "我要投诉，问题一直没人处理"),
    ("complaint_escalation", "zh-Hant", "我要投訴，要求找主管"),
    ("complaint_escalation", "en", "I want to file a complaint and speak to a manager"),
    ("feedback", "zh-Hans", "建议增加深色模式"),
    ("feedback", "zh-Hant", "謝謝客服，服務很好"),
    ("feedback", "en", "feature request: please add price alerts"),
]


def test_every_intent_and_language_has_a_clear_case() -> None:
    covered = {(intent, language) for intent, language, _ in CLEAR}
    assert covered == {(i, lang) for i in Intent.values for lang in ("zh-Hans", "zh-Hant", "en")}


@pytest.mark.parametrize(("intent", "language", "text"), CLEAR)
def test_clear_messages_get_their_intent_and_language(
    intent: str, language: str, text: str
) -> None:
    result = triage(text, articles=0)
    assert (result.intent, result.language) == (intent, language)
    assert 0.0 <= result.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # An impostor's scare story is a question about official support, not a theft.
        (
            "they DM'd me saying my wallet is compromised and I must sync it, is this really you?",
            Intent.VERIFY_SUPPORT,
        ),
        ("Account locked by risk control?? I didn't do anything wrong", Intent.ACCOUNT_LOCKED),
        ("I cannot log into my account, forgot my password", Intent.LOGIN_FAILED),
        # A victim reporting what followed the impostor's demand: a theft to act on.
        (
            "fake support made me install anydesk and then my account was drained",
            Intent.ACCOUNT_STOLEN,
        ),
        # A stolen phone is a number to change, not a stolen account.
        (
            "my phone was stolen, how do I put my new number on the account",
            Intent.PERSONAL_INFO_CHANGE,
        ),
        # Installing, or support, with nobody demanding anything.
        ("support page will not load after I installed the update", Intent.TECHNICAL_ISSUE),
        ("客服电话是多少", Intent.CONTACT_SUPPORT),
        # Greeting support and describing one's own transfer is not being told to pay.
        ("客服你好，我银行转账入金还没到账", Intent.DEPOSIT_MISSING),
    ],
)
def test_safety_rules_do_not_fire_on_look_alikes(text: str, intent: str) -> None:
    assert triage(text, articles=0).intent == intent


def test_ranked_holds_the_runners_up_in_order() -> None:
    result = triage("提现一直没到账", articles=0)
    assert result.ranked[0][0] == result.intent
    assert len(result.ranked) == 3
    probabilities = [probability for _, probability in result.ranked]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probability for _, probability in classify("提现一直没到账")) == pytest.approx(1)


@pytest.mark.django_db
def test_articles_follow_the_intent_and_language() -> None:
    result = triage("我的提现一直没到账")
    assert result.articles
    assert all(link.url.startswith("/help/articles/") for link in result.articles)


def test_development_set_is_large_varied_and_apart_from_training() -> None:
    rows = _dev_rows()
    assert len(rows) >= 600
    assert {row["intent"] for row in rows} == set(Intent.values)
    assert {row["language"] for row in rows} == {"zh-Hans", "zh-Hant", "en"}
    assert len({row["id"] for row in rows}) == len(rows)
    training = {text for _, text in training_examples()}
    assert not training & {row["text"] for row in rows}


def test_development_set_accuracy_stays_above_ninety_five_percent() -> None:
    rows = _dev_rows()
    right = sum(classify(row["text"])[0][0] == row["intent"] for row in rows)
    assert right / len(rows) >= 0.95


def _accuracy_by(rows: list[dict[str, str]], key: str) -> dict[str, float]:
    seen: dict[str, list[bool]] = {}
    for row in rows:
        if key in row:
            seen.setdefault(row[key], []).append(classify(row["text"])[0][0] == row["intent"])
    return {group: sum(hits) / len(hits) for group, hits in seen.items()}


def test_every_intent_keeps_a_floor_on_the_development_set() -> None:
    by_intent = _accuracy_by(_dev_rows(), "intent")
    assert set(by_intent) == set(Intent.values)
    assert {intent: share for intent, share in by_intent.items() if share < 0.85} == {}


def test_every_confusable_pair_keeps_a_floor_on_the_development_set() -> None:
    by_pair = _accuracy_by(_dev_rows(), "pair")
    assert set(by_pair) == set(PAIRS)
    assert {pair: share for pair, share in by_pair.items() if share < 0.9} == {}


def test_confusable_pairs_are_written_in_every_language_with_both_sides() -> None:
    rows = [row for row in _dev_rows() if "pair" in row]
    for pair, intent in PAIRS.items():
        members = [row for row in rows if row["pair"] == pair]
        for language in ("zh-Hans", "zh-Hant", "en"):
            main = [r for r in members if r["intent"] == intent and r["language"] == language]
            assert len(main) >= 7, (pair, language)
        # The other side of the pair is there too, so a model that answers the main
        # intent for everything cannot pass the floor.
        assert {row["intent"] for row in members} - {intent}, pair


THEFT_CUES = [
    "I did not authorize this withdrawal",
    "不是我本人操作的，请马上冻结",
    "我沒有提幣，可是帳戶顯示有一筆提幣記錄",
    "someone logged in from another country, it wasn't me",
    "someone logged into my account and withdrew everything",
    "有人登录了我的账号",
]
# "Support" that wants software installed, money paid or the recovery words sent.
IMPOSTOR_DEMANDS = [
    "客服叫我先下载一个叫向日葵的软件，他远程帮我把币转出来，可以吗",
    "客服讲要先交2000块保证金才能把冻结的钱放出来？",
    "官方客服让我把钱包那几个单词拍照发给他核对",
    "客服說我帳戶被盜了，要我先安裝一個保護程式，是真的嗎",
    "the support guy on discord wants me to install a browser extension to recover my funds",
    "an admin says my withdrawal is stuck and I must pay a 10% unlock fee first?",
    "support asked me to send my recovery phrase so they can re-sync my wallet",
]


@pytest.mark.parametrize(
    ("text", "intent"),
    [(text, Intent.ACCOUNT_STOLEN) for text in THEFT_CUES]
    + [(text, Intent.VERIFY_SUPPORT) for text in IMPOSTOR_DEMANDS],
)
def test_safety_cues_always_decide_the_intent(text: str, intent: str) -> None:
    result = triage(text, articles=0)
    assert result.intent == intent
    assert result.confidence >= 0.95


def test_features_survive_english_typos_and_keep_chinese_phrases() -> None:
    assert "g:draw" in features("withdrawl") & features("withdrawal")
    assert "t:已完成" in features("提币显示已完成")
    # Traditional characters are folded first, so both scripts share the phrase.
    assert "t:已完成" in features("提幣顯示已完成")


@pytest.mark.django_db
def test_jsonl_contract_keys_and_errors() -> None:
    stdin = io.StringIO('{"id": 1, "text": "我的USDT提现一直pending"}\nnot json\n{"id": "x"}\n')
    stdout = io.StringIO()
    assert triage_jsonl(stdin, stdout) == 0
    first, bad, missing = (json.loads(line) for line in stdout.getvalue().splitlines())
    assert set(first) == {"id", "intent", "confidence", "language", "articles"}
    assert first["id"] == 1
    assert first["intent"] == "withdrawal_delayed"
    assert first["language"] == "zh-Hans"
    assert isinstance(first["confidence"], float)
    assert all(set(article) == {"slug", "title"} for article in first["articles"])
    assert bad == {"id": None, "error": "invalid_json"}
    assert missing == {"id": "x", "error": "missing_text"}


def test_triage_command_runs_without_a_database(tmp_path: Path) -> None:
    # A database file that cannot exist: the bundled help center must answer instead.
    env = {"KEFU_DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/kefu.db", "PATH": ""}
    lines = [
        {"id": "a", "text": "帳號被盜了，請馬上凍結"},
        {"id": "b", "text": "my withdrawal is still pending"},
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "kefu.cli", "triage", "--jsonl"],
        input="".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    out = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [(row["id"], row["intent"], row["language"]) for row in out] == [
        ("a", "account_stolen", "zh-Hant"),
        ("b", "withdrawal_delayed", "en"),
    ]
    assert out[1]["articles"][0]["slug"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # Asking how or where to rate us is feedback, in every language and register...
        ("请问在哪里可以评价这次客服", Intent.FEEDBACK),
        ("怎么给你们的服务打个星", Intent.FEEDBACK),
        ("有意見想回饋給你們，在哪裡寫", Intent.FEEDBACK),
        ("點樣可以畀客服評分", Intent.FEEDBACK),
        ("where do I rate the support agent", Intent.FEEDBACK),
        ("how can I fill in the satisfaction survey", Intent.FEEDBACK),
        # ...while a grievance is a complaint, and a way to reach us is contact.
        ("客服不理人，我要正式投诉", Intent.COMPLAINT_ESCALATION),
        ("I want to complain formally about how my case was handled", Intent.COMPLAINT_ESCALATION),
        ("请问怎么联系在线客服", Intent.CONTACT_SUPPORT),
        ("how do I reach your support team", Intent.CONTACT_SUPPORT),
    ],
)
def test_asking_where_to_rate_is_feedback_not_a_complaint_or_contact(
    text: str, intent: str
) -> None:
    assert triage(text, articles=0).intent == intent
