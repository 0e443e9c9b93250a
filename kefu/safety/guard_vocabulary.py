"""The guard's own words, as a disguise hides them: what `guard_normalize` puts back.

A scammer who wants a recovery phrase does not need the reader to see "recovery phrase";
he needs the customer to understand it. So "r e c o v e r y", "pa$$word", "验 证码" and
"zhujici" all still say the word, and the guard must read them as the word. These lists
say which words are worth recovering: only a word listed here is rebuilt from leetspeak
or from pieces, so ordinary text (amounts, addresses, "USDT-TRC20", "2FA") keeps its
digits and its spaces.
"""

from typing import Final

# English words the request lexicon reads: objects, request cues and warning cues. Each
# is rebuilt from leetspeak ("pr1vate", "pa$$word") and from pieces ("pass word", "seed
# phr ase"; words of four letters or more, so "to me" never becomes "tome").
# fmt: off
LATIN_WORDS: Final = frozenset((
    "seed", "seeds", "phrase", "phrases", "recovery", "recover", "mnemonic",
    "mnemonics", "secret", "secrets", "backup", "words", "word", "wallet", "wallets",
    "private", "privkey", "key", "keys", "keystore", "password", "passwords",
    "passcode", "passwd", "pwd", "pin", "pins", "code", "codes", "otp", "2fa", "mfa",
    "totp", "sms", "verification", "verify", "authenticator", "google", "credentials",
    "login", "sentence", "paper", "card", "photo", "picture", "screenshot", "export",
    "file", "xprv", "twelve", "anydesk", "teamviewer", "rustdesk", "todesk",
    "sunlogin", "quicksupport", "ultraviewer", "remote", "desktop", "control",
    "access", "screen", "sharing", "safe", "secure", "vault", "address", "transfer",
    "whitelist", "allowlist", "unlock", "unfreeze", "fee", "fees", "deposit", "tax",
    "activation", "release", "withdraw", "withdrawal", "funds", "assets", "coins",
    "send", "give", "provide", "tell", "upload", "attach", "forward", "submit",
    "reply", "paste", "post", "spell", "show", "share", "enter", "type", "input",
    "import", "install", "download", "open", "use", "move", "pay", "need", "text",
    "message", "email", "read", "write", "never", "cannot", "nobody", "including",
    "scam", "scammer", "scammers", "warning",
))
# fmt: on
# The little words between them: read from leetspeak too ("y0ur"), and used to cut an
# unbroken run of spaced letters back into words ("s e n d m e y o u r s e e d").
# fmt: off
LINKING_WORDS: Final = frozenset((
    "please", "your", "you", "me", "us", "my", "our", "the", "this", "that", "it",
    "them", "to", "with", "here", "and", "or", "of", "on", "in", "for", "what", "is",
    "are", "not", "dont", "anyone", "i", "a", "we", "can", "could", "do", "will",
    "now", "just", "so",
))
# fmt: on
# Chat shorthand for the words the request cues are made of ("what's ur pa55word").
SHORTHANDS: Final = {"ur": "your", "plz": "please"}

# Chinese words the request lexicon reads, in both scripts: a separator between two
# characters that stand next to each other in one of these ("验 证码", "私/钥",
# "助\n记词") is dropped. Warning cues are here too, so a spaced-out warning
# ("千 万 不 要") is read as a warning.
# fmt: off
HAN_WORDS: Final = (
    "助记词", "助記詞", "助记码", "助記碼", "记忆词", "記憶詞", "助记单词", "助記單詞",
    "恢复短语", "恢復短語", "恢复词", "恢復詞", "备份短语", "備份短語", "备份词",
    "備份詞", "种子词", "種子詞", "单词", "單詞", "英文", "密语", "密語", "私钥",
    "私鑰", "密钥", "密鑰", "秘钥", "秘鑰", "钱包文件", "錢包文件", "档案", "檔案",
    "导出", "導出", "匯出", "导入", "導入", "匯入", "密码", "密碼", "口令", "验证码",
    "驗證碼", "校验码", "校驗碼", "动态码", "動態碼", "短信", "簡訊", "确认码",
    "確認碼", "安全码", "安全碼", "认证码", "認證碼", "谷歌验证", "谷歌驗證", "向日葵",
    "远程", "遠程", "遠端", "控制", "协助", "協助", "桌面", "屏幕", "螢幕", "共享",
    "分享", "录屏", "錄屏", "安全钱包", "安全錢包", "安全账户", "安全帳戶", "钱包",
    "錢包", "地址", "转账", "轉帳", "转到", "轉到", "转入", "轉入", "白名单", "白名單",
    "加白", "解冻", "解凍", "解冻费", "解凍費", "保证金", "保證金", "手续费", "手續費",
    "激活", "提现", "提現", "提币", "提幣", "截图", "截圖", "拍照", "发给", "發給",
    "发送", "發送", "告诉", "告訴", "提供", "输入", "輸入", "填写", "填寫", "下载",
    "下載", "安装", "安裝", "支付", "缴纳", "繳納", "充值", "不要", "千万", "千萬",
    "绝不", "絕不", "决不", "決不", "切勿", "请勿", "請勿", "不会", "不會", "不能",
    "从不", "從不", "永远", "永遠", "任何人", "任何", "包括", "客服", "骗子", "騙子",
    "诈骗", "詐騙",
)
# fmt: on

# Pinyin of the guard's Chinese words, syllable by syllable; each is matched with or
# without spaces, hyphens or tone numbers ("zhu ji ci", "zhujici", "zhu4-ji4-ci2"), and
# tone marks are gone before matching ("zhù jì cí"). Only words whose pinyin does not
# spell an English word are here.
PINYIN_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "助记词": ("zhu", "ji", "ci"),
    "恢复短语": ("hui", "fu", "duan", "yu"),
    "种子词": ("zhong", "zi", "ci"),
    "私钥": ("si", "yao"),
    "密钥": ("mi", "yao"),
    "密码": ("mi", "ma"),
    "口令": ("kou", "ling"),
    "验证码": ("yan", "zheng", "ma"),
    "短信码": ("duan", "xin", "ma"),
    "动态码": ("dong", "tai", "ma"),
    "谷歌验证": ("gu", "ge", "yan", "zheng"),
    "钱包文件": ("qian", "bao", "wen", "jian"),
    "向日葵": ("xiang", "ri", "kui"),
    "远程控制": ("yuan", "cheng", "kong", "zhi"),
    "远程协助": ("yuan", "cheng", "xie", "zhu"),
    "屏幕共享": ("ping", "mu", "gong", "xiang"),
    "共享屏幕": ("gong", "xiang", "ping", "mu"),
    "安全钱包": ("an", "quan", "qian", "bao"),
    "白名单": ("bai", "ming", "dan"),
    "解冻费": ("jie", "dong", "fei"),
    "保证金": ("bao", "zheng", "jin"),
    # Request cues: a reply in pinyin from end to end ("qing ba zhujici fa gei wo").
    "发给我": ("fa", "gei", "wo"),
    "发我": ("fa", "wo"),
    "告诉我": ("gao", "su", "wo"),
    "提供": ("ti", "gong"),
    "发送": ("fa", "song"),
    "输入": ("shu", "ru"),
    "截图": ("jie", "tu"),
    "拍照": ("pai", "zhao"),
    "转到": ("zhuan", "dao"),
    "下载": ("xia", "zai"),
    "安装": ("an", "zhuang"),
    "支付": ("zhi", "fu"),
    # Warning cues, so honest advice in pinyin stays honest.
    "不要": ("bu", "yao"),
    "千万": ("qian", "wan"),
    "绝不": ("jue", "bu"),
    "切勿": ("qie", "wu"),
    "请勿": ("qing", "wu"),
    "不会": ("bu", "hui"),
    "任何人": ("ren", "he", "ren"),
    "骗子": ("pian", "zi"),
}

# Initials that Chinese chat uses for a whole word. Three-letter ones are read anywhere;
# "mm" (密码) only beside a Chinese character ("把mm发我"), because on its own it is a
# millimetre or the month in "mm/dd".
PINYIN_INITIALS: Final = {"zjc": "助记词", "yzm": "验证码"}
PINYIN_INITIALS_BESIDE_HAN: Final = {"mm": "密码"}
