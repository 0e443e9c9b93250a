"""Canned replies in `kefu demo`: the answers agents give most for the DESIGN §2 cases.

Saved through the same action the console uses, so each one passed the placeholder check
and the outbound guard; the demo fails to load if a change to either would refuse one.
"""

from dataclasses import dataclass

from kefu.agents.models import Agent, Team
from kefu.canned.actions import CannedInput, create_canned_reply
from kefu.canned.models import CannedReply, Scope
from kefu.core.languages import Language


@dataclass(frozen=True)
class DemoReply:
    author: str  # demo agent username
    scope: Scope
    team: str  # team slug, for team replies
    title: str
    shortcut: str
    zh_hans: str
    zh_hant: str
    en: str


REPLIES = (
    DemoReply(
        "admin",
        Scope.GLOBAL,
        "",
        "Greeting",
        "hello",
        "{{customer_name}}您好，我是客服{{agent_name}}（工号 {{agent_id}}），很高兴为您服务。",
        "{{customer_name}}您好，我是客服{{agent_name}}（員工編號 {{agent_id}}），很高興為您服務。",
        "Hello {{customer_name}}, this is {{agent_name}} from support (agent id "
        "{{agent_id}}). How can I help?",
    ),
    DemoReply(
        "admin",
        Scope.GLOBAL,
        "",
        "How to verify official support",
        "verify-official",
        "您可以在官方核验页面查询我的工号 {{agent_id}}：{{verify_url}} 。官方客服绝不会索要您的"
        "密码、助记词、私钥或验证码，也不会让您转账到“安全钱包”。",
        "您可以在官方驗證頁面查詢我的員工編號 {{agent_id}}：{{verify_url}} 。官方客服絕不會向您"
        "索取密碼、助記詞、私鑰或驗證碼，也不會要求您轉帳到「安全錢包」。",
        "You can check my agent id {{agent_id}} on our official verification page: "
        "{{verify_url}} . Official support will never ask for your password, recovery "
        "phrase, private key or codes, and never asks you to move funds to a 'safe wallet'.",
    ),
    DemoReply(
        "admin",
        Scope.GLOBAL,
        "",
        "Ticket number",
        "ticket",
        "您的工单号是 {{ticket}}，之后联系我们时请提供此编号，您也可以在 {{portal_url}} 查看进度。",
        "您的案件編號是 {{ticket}}，之後聯絡我們時請提供此編號，"
        "您也可以在 {{portal_url}} 查看進度。",
        "Your ticket number is {{ticket}}. Please quote it when you contact us again; you "
        "can follow its progress at {{portal_url}}.",
    ),
    DemoReply(
        "admin",
        Scope.GLOBAL,
        "",
        "Recovery phrase was shared",
        "phrase-exposed",
        # Not "您发送的助记词…": the guard reads "send" + "recovery phrase" as a request
        # even in the past tense, so the advice names what the system did instead.
        "请注意：系统已自动删除对话中的助记词，但它应视为已泄露。请立即创建新钱包并把资产转入"
        "新钱包。请勿把助记词告诉任何人，包括客服。",
        "請注意：系統已自動刪除對話中的助記詞，但它應視為已外洩。請立即建立新錢包並將資產轉入"
        "新錢包。請勿將助記詞告訴任何人，包括客服。",
        "Please note: the recovery phrase you sent was removed automatically, but treat it "
        "as compromised. Create a new wallet now and move your funds into it. Nobody, "
        "support included, should ever have your recovery phrase.",
    ),
    DemoReply(
        "wang.fang",
        Scope.TEAM,
        "payments",
        "Withdrawal pending (48 h)",
        "withdrawal-48h",
        "{{customer_name}}您好，您的提现申请（工单 {{ticket}}）目前处于待处理状态，通常会在 48 "
        "小时内完成。如超过 48 小时仍未到账，请回复本工单，我们会为您进一步核查。",
        "{{customer_name}}您好，您的提領申請（案件 {{ticket}}）目前為處理中，通常會在 48 "
        "小時內完成。若超過 48 小時仍未入帳，請回覆此案件，我們會為您進一步查核。",
        "Hello {{customer_name}}, your withdrawal (ticket {{ticket}}) is pending and is "
        "normally completed within 48 hours. If it has not arrived after 48 hours, reply "
        "here and we will look into it.",
    ),
    DemoReply(
        "wang.fang",
        Scope.TEAM,
        "payments",
        "Withdrawal under review",
        "withdrawal-review",
        "您的提现正在进行额外的安全审核（大额或风控检查），审核期间资金安全。审核完成后我们会"
        "在工单 {{ticket}} 中通知您。",
        "您的提領正在進行額外的安全審核（大額或風控檢查），審核期間資金安全無虞。審核完成後我們"
        "會在案件 {{ticket}} 中通知您。",
        "Your withdrawal is going through an extra security review (a large amount or a "
        "risk check); your funds are safe meanwhile. We will update ticket {{ticket}} when "
        "the review ends.",
    ),
    DemoReply(
        "wang.fang",
        Scope.TEAM,
        "payments",
        "Deposit missing: memo / tag",
        "deposit-memo",
        "XRP、XLM、EOS、TON 等币种充值时必须填写备注（Memo/Tag）。请提供交易哈希（TxID）和"
        "充值截图，我们会帮您在链上核查并找回。",
        "XRP、XLM、EOS、TON 等幣種入金時必須填寫備註（Memo/Tag）。請提供交易雜湊（TxID）和"
        "入金截圖，我們會協助您在鏈上查核並找回。",
        "Deposits of XRP, XLM, EOS, TON and similar coins need a memo/tag. Please send the "
        "transaction hash (TxID) and a screenshot of the deposit; we will check it on "
        "chain and recover it.",
    ),
    DemoReply(
        "wang.fang",
        Scope.TEAM,
        "payments",
        "Deposit missing: wrong network",
        "deposit-network",
        "请确认充值时选择的网络（例如 USDT 的 TRC20、ERC20 或 BEP20）与充值页面显示的网络一致，"
        "并提供交易哈希，我们会核查链上确认数。",
        "請確認入金時選擇的網路（例如 USDT 的 TRC20、ERC20 或 BEP20）與入金頁面顯示的網路一致，"
        "並提供交易雜湊，我們會查核鏈上確認數。",
        "Please check that the network you sent on (for USDT: TRC20, ERC20 or BEP20) is the "
        "one shown on the deposit page, and send us the transaction hash so we can check "
        "its confirmations.",
    ),
    DemoReply(
        "wang.fang",
        Scope.TEAM,
        "security",
        "Account unlock: verification steps",
        "unlock-steps",
        "为保障账户安全，解锁前需要核验身份：1）我们会向您的注册邮箱发送验证邮件；2）请在 App "
        "内完成手机验证；3）如有需要，请在 {{portal_url}} 上传身份证件。通常 1–3 天内处理完毕。"
        "请勿把任何验证码告诉他人，包括客服。",
        "為保障帳戶安全，解鎖前需要驗證身分：1）我們會寄送驗證信到您的註冊信箱；2）請在 App "
        "內完成手機驗證；3）如有需要，請在 {{portal_url}} 上傳身分證件。通常 1–3 天內處理完畢。"
        "請勿將任何驗證碼告訴他人，包括客服。",
        "To keep your account safe we verify your identity before unlocking it: 1) we send "
        "a verification email to your registered address; 2) complete the phone check in "
        "the app; 3) if needed, upload an ID document at {{portal_url}}. This usually "
        "takes 1–3 days. Never tell anyone a verification code, support included.",
    ),
    DemoReply(
        "wang.fang",
        Scope.TEAM,
        "security",
        "Secure the account (2FA)",
        "secure-2fa",
        "建议您立即修改登录密码并开启双重验证（2FA），同时设置防钓鱼码，并在设备管理中移除不认识"
        "的设备。",
        "建議您立即變更登入密碼並啟用雙重驗證（2FA），同時設定防釣魚碼，並在裝置管理中移除不認得"
        "的裝置。",
        "We recommend changing your password now and turning on two-factor authentication "
        "(2FA), setting an anti-phishing code, and removing devices you do not recognise "
        "from the device list.",
    ),
    DemoReply(
        "li.na",
        Scope.PERSONAL,
        "",
        "Help center link",
        "help",
        "您也可以在帮助中心找到详细说明：{{help_center_url}}",
        "您也可以在說明中心找到詳細說明：{{help_center_url}}",
        "You can also find step-by-step answers in our help center: {{help_center_url}}",
    ),
    DemoReply(
        "admin",
        Scope.GLOBAL,
        "",
        "Closing",
        "bye",
        "感谢您的耐心，如还有其他问题，欢迎随时回复工单 {{ticket}}。祝您生活愉快！",
        "感謝您的耐心，如還有其他問題，歡迎隨時回覆案件 {{ticket}}。祝您順心！",
        "Thank you for your patience. If anything else comes up, just reply to ticket "
        "{{ticket}}. Have a good day!",
    ),
)


def load() -> None:
    for spec in REPLIES:
        author = Agent.objects.get(username=spec.author)
        if CannedReply.objects.filter(shortcut=spec.shortcut, scope=spec.scope).exists():
            continue
        create_canned_reply(
            actor=author,
            data=CannedInput(
                title=spec.title,
                shortcut=spec.shortcut,
                scope=spec.scope,
                team=Team.objects.get(slug=spec.team) if spec.team else None,
                bodies={
                    Language.ZH_HANS: spec.zh_hans,
                    Language.ZH_HANT: spec.zh_hant,
                    Language.EN: spec.en,
                },
            ),
        )
