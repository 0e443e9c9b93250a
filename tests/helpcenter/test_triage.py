import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kefu.core.intents import Intent
from kefu.helpcenter.triage import triage
from kefu.helpcenter.triage.classify import classify
from kefu.helpcenter.triage.jsonl import triage_jsonl
from kefu.helpcenter.triage.model import training_examples

DEV_SET = Path(__file__).with_name("triage_dev.jsonl")

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
    "text",
    [
        "I did not authorize this withdrawal",
        "不是我本人操作的，请马上冻结",
        "我沒有提幣，可是帳戶顯示有一筆提幣記錄",
        "someone logged in from another country, it wasn't me",
        "someone logged into my account and withdrew everything",
        "有人登录了我的账号",
    ],
)
def test_theft_cues_always_mean_a_stolen_account(text: str) -> None:
    result = triage(text, articles=0)
    assert result.intent == Intent.ACCOUNT_STOLEN
    assert result.confidence >= 0.95


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
    ],
)
def test_theft_rules_do_not_fire_on_look_alikes(text: str, intent: str) -> None:
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
    rows = [json.loads(line) for line in DEV_SET.read_text("utf-8").splitlines()]
    assert len(rows) >= 400
    assert {row["intent"] for row in rows} == set(Intent.values)
    assert {row["language"] for row in rows} == {"zh-Hans", "zh-Hant", "en"}
    assert len({row["id"] for row in rows}) == len(rows)
    training = {text for _, text in training_examples()}
    assert not training & {row["text"] for row in rows}


def test_development_set_accuracy_stays_above_ninety_percent() -> None:
    rows = [json.loads(line) for line in DEV_SET.read_text("utf-8").splitlines()]
    right = sum(triage(row["text"], articles=0).intent == row["intent"] for row in rows)
    assert right / len(rows) >= 0.9


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
