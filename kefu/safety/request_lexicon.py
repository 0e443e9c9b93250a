"""The words the outbound guard reads: what may be asked for, how asking sounds, how a
warning sounds. zh-Hans, zh-Hant and English side by side, all matched on NFKC-folded,
lower-cased text (so full-width letters and punctuation need no variants here).

Each list is a regular expression source; `outbound_guard` compiles them once.
"""

from typing import Final


def alternatives(*patterns: str) -> str:
    return "(?:" + "|".join(patterns) + ")"


# --- what a scammer asks for ------------------------------------------------------------

RECOVERY_PHRASE_OBJECTS: Final = alternatives(
    r"助[记記忆憶][词詞码碼]",
    r"助[记記]单词|助記單詞",
    r"[恢回][复復]短[语語]|[恢回][复復][词詞]",
    r"[备備]份短[语語]|[备備]份[词詞]|[备備]份的?[单單]?[词詞]",
    r"种子[词短]|種子[詞短]",
    r"密[语語]",
    r"(?:12|24|15|18|21|十二|二十四)\s*个?個?\s*(?:英文)?[单單]?[词詞字]",
    r"(?:写|抄|記|记|寫)下(?:来|來)?的(?:那些)?(?:[单單])?[词詞字]",
    r"那(?:些|几个|幾個)(?:英文)?[单單][词詞]",
    r"[钱錢]包[单單][词詞]",
    r"\bseed(?:\s*(?:phrase|words?))?\b",
    r"\brecovery\s*(?:phrase|words?|seed)\b",
    r"\bsecret\s*(?:recovery\s*)?(?:phrase|words?)\b",
    r"\bbackup\s*(?:phrase|words?|seed)\b",
    r"\bmnemonic(?:\s*phrase)?\b",
    r"\bwallet\s*(?:phrase|words?)\b",
    r"\b(?:12|24|15|18|21|twelve|twenty[\s-]?four)[\s-]*words?\b",
    r"\bwords?\s+(?:that\s+)?you\s+(?:wrote|written|saved|noted|copied|backed)",
    r"\b(?:backup|secret)\s+words\b",
)

PRIVATE_KEY_OBJECTS: Final = alternatives(
    r"私[钥鑰]",
    r"[密秘][钥鑰]",
    r"keystore",
    r"[钱錢]包文件|[錢钱]包[檔档]案",
    r"\bprivate\s*keys?\b",
    r"\bpriv\s*keys?\b",
    r"\bsecret\s*keys?\b",
    r"\b(?:wallet\s*)?json\s*file\b",
    r"\bkey\s*file\b",
)

PASSWORD_OBJECTS: Final = alternatives(
    r"密[码碼]",
    r"口令",
    r"\bpass(?:word|code|wd)s?\b",
    r"\bpwd\b",
    r"\bpin(?:\s*code)?\b",
    r"\blog\s*-?in\s+(?:details|credentials)\b",
    r"\bcredentials\b",
)

ONE_TIME_CODE_OBJECTS: Final = alternatives(
    r"[验驗][证證]码|[驗验][證证]碼",
    r"校[验驗][码碼]",
    r"[动動][态態][码碼]",
    r"短信[码碼]|簡訊[码碼]|短信里的(?:数字|码)|簡訊裡的(?:數字|碼)",
    r"[确確][认認][码碼]",
    r"安全[码碼]",
    r"[认認][证證][码碼]",
    r"谷歌[码碼]|谷歌[验驗]",
    r"\b(?:sms|text|email|e-mail|2fa|two[\s-]factor|google|ga|authenticator|auth|otp|"
    r"one[\s-]time|verification|security|login|confirmation|mfa|totp|6[\s-]digit|"
    r"six[\s-]digit)\s+(?:code|pin|number|passcode|token)s?\b",
    r"\b(?:otp|2fa|totp|mfa)\b",
    r"\bone[\s-]time\s+password\b",
    r"\bcodes?\s+(?:that\s+)?(?:we|i|you)\s+(?:just\s+)?"
    r"(?:texted|sent|emailed|messaged|received|got)\b",
    r"\b(?:the\s+)?(?:numbers?|digits)\s+(?:that\s+)?(?:we|i)\s+(?:just\s+)?(?:texted|sent)\b",
    r"\bgoogle\s+authenticator\b",
)

# --- how asking sounds ------------------------------------------------------------------

# Handing something over to the person writing: blocked for every kind of secret.
TRANSMIT_VERBS: Final = alternatives(
    r"[发發][给給]?(?:我|我们|我們|客服|过来|過來|一下|下)",
    r"[发發]送",
    r"[传傳](?:给|給|送)",
    r"[给給](?:我|我们|我們|客服)",
    r"提供",
    r"告[诉訴知]",
    r"[报報](?:一下|给|給|出)",
    r"[说說](?:一下|出|给|給)",
    r"念(?:一下|给|給|出)?",
    r"[读讀](?:一下|给|給|出)",
    r"私[信讯訊]",
    r"提交",
    r"填[写寫入]|填一下",
    r"[复複]制|粘[贴貼]|[贴貼]上",
    r"截[图圖]|拍(?:照|下|一下)",
    r"上[传傳]",
    r"回[复覆]",
    r"透露",
    r"索[要取]",
    r"需要(?:您|你)的",
    # "您的助记词是什么": a question to the customer, not "助记词是什么" explained in a FAQ.
    r"(?:你|您)[^,.?!。]{0,12}是(?:什么|什麼|多少|啥|[几幾])",
    r"\bsend\b",
    r"\bgive\b",
    r"\bprovide\b",
    r"\bshare\b",
    r"\btell\b",
    r"\bupload\b",
    r"\battach\b",
    r"\bforward\b",
    r"\bsubmit\b",
    r"\b(?:reply|respond)\s+with\b",
    r"\bread\s+(?:out|me|us|back|it|them|the|your)\b",
    r"\bdm\b",
    r"\b(?:text|message|email)\s+(?:me|us)\b",
    r"\bpaste\b",
    r"\bpost\b",
    r"\bspell\b",
    r"\bshow\s+(?:me|us)\b",
    r"\blet\s+(?:me|us)\s+(?:know|see|have)\b",
    r"\b(?:i|we)\s+(?:will\s+|'ll\s+)?need\b",
    r"\bneed\s+you\s+to\b",
    r"\brequire\b",
    r"\bwhat(?:'s|\s+is|\s+are|\s+was)\s+(?:your|the)\b",
    r"\b(?:can|may|could)\s+(?:i|we)\s+(?:have|get|see)\b",
    r"\bhand\s+over\b",
    r"\bdisclose\b",
    r"\breveal\b",
    r"\bwrite\s+(?:it|them|down)?\s*(?:here|below|in\s+(?:the|this)\s+chat)\b",
)

# Typing the secret somewhere the writer points to: blocked for recovery phrases and keys
# (there is no honest place for a support agent to send those), not for codes and
# passwords, which customers do type into the official app during a reset.
ENTRY_VERBS: Final = alternatives(
    r"[输輸]入",
    r"[导導匯]入",
    r"[导導匯]出",
    r"[验驗][证證]",
    r"[确確][认認]",
    r"[核][对對]",
    r"同步",
    r"\benter\b",
    r"\btype\b",
    r"\binput\b",
    r"\bfill\s+in\b",
    r"\bkey\s+in\b",
    r"\bimport\b",
    r"\bexport\b",
    r"\bverify\b",
    r"\bvalidate\b",
    r"\bconfirm\b",
    r"\bsync(?:hroni[sz]e)?\b",
    r"\bauthenticate\b",
    r"\brectify\b",
)

# Typing a code or password into this conversation, which is asking for it.
ENTRY_HERE: Final = alternatives(
    r"(?:在|到)(?:这里|這裡|这边|這邊|此处|此處|对话框|對話框|聊天框|聊天[窗视視]|下面|下方)[^,。]{0,8}"
    r"(?:[输輸]入|填[写寫入]?|打|[发發])",
    r"(?:[输輸]入|填[写寫入]?|打)(?:在|到)?(?:这里|這裡|这边|這邊|此处|此處|对话框|對話框|聊天框|聊天[窗视視]|下面)",
    r"\b(?:enter|type|input|paste|write)\b[^.?!]{0,30}\b(?:here|below|in\s+(?:the|this)\s+chat|"
    r"to\s+(?:me|us))\b",
)

# Pronouns that point back at a secret named earlier ("…your seed phrase. Send it to me").
BACK_REFERENCE: Final = alternatives(
    r"\b(?:it|them|those|these|that|this)\b",
    r"它们?|它們|这个|這個|那个|那個|这些|這些|那些",
)

# --- how a warning sounds ----------------------------------------------------------------

# A request cue preceded by one of these in the same clause is not a request: "客服绝不会
# 向您索要助记词", "never share your password", "if anyone asks for your seed phrase".
NEGATIONS: Final = alternatives(
    r"不要|不会|不會|不能|不可|不得|不用|不需要|不必|不应|不應|不该|不該|无需|無需|无须|無須",
    r"请勿|請勿|切勿|勿",
    r"绝不|絕不|决不|決不|绝对不|絕對不|从不|從不|从来不|從來不|从未|從未|永远不|永遠不",
    r"千万别|千萬別|千万不|千萬不",
    # 别 alone is in 别人, 特别, 区别, 识别码: only a 别 before a verb is "don't".
    r"[别別](?=[发發给給告说說把将將相轻輕随隨点點下装裝透泄让讓安打提填输輸回转轉信理])",
    r"禁止|严禁|嚴禁|谨防|謹防|警惕|提防|小心|当心|當心|拒绝|拒絕|避免",
    r"如果有人|若有人|如有人|凡是|一旦有人|有人(?:向|跟|找)",
    r"自称|自稱|冒充|假冒|骗子|騙子|诈骗|詐騙|钓鱼|釣魚|骗局|騙局",
    r"没有必要|沒有必要|没必要|沒必要",
    r"\bnever\b",
    r"\bnot\b",
    r"\bn't\b|n't\b",
    r"\bno\s+(?:one|need|reason|legitimate|real|genuine|support|employee|agent|admin|staff)\b",
    r"\bnobody\b|\bno-one\b",
    r"\bneither\b|\bnor\b",
    r"\bavoid\b|\brefuse\b|\bstop\b",
    r"\bbeware\b|\bwarning\b|\bcareful\b|\bcaution\b",
    r"\bunder\s+no\s+circumstances?\b|\bat\s+no\s+time\b",
    r"\bif\s+(?:anyone|someone|somebody|anybody|a\s+person|people|they|he|she|a\s+stranger|"
    r"scammers?|an?\s+\w+)\b",
    r"\b(?:anyone|someone|somebody|anybody|people)\s+(?:who|that)\b",
    r"\bscam(?:mers?|s)?\b|\bphishing\b|\bfraud(?:sters?|ulent)?\b|\bimpersonat\w*\b|\bfake\b",
    r"\bwithout\b|\binstead\s+of\b|\brather\s+than\b",
    # Questions about what already happened ("did you send funds to this address?").
    r"\bdid\s+(?:you|they|we|i|someone|anyone)\b|\bhave\s+you\b|\bhas\s+anyone\b|\bwhether\b",
    r"是否|有没有|有沒有|是不是",
    r"\bonly\s+(?:a\s+)?scammers?\b",
)

# Negations that apply to the whole clause wherever they stand ("send it to no one").
CLAUSE_NEGATIONS: Final = alternatives(
    r"任何人|任何(?=索要|要求|自称|自稱|声称|聲稱|让你|讓你|叫你)",
    # "…的都是骗子": whoever does what the clause describes is a scammer.
    r"(?:都|全|就|一定)是(?:骗子|騙子|诈骗|詐騙|假的|假冒)",
    r"\b(?:is|are)\s+(?:a\s+)?(?:scam|scammers?|fraud|fake|phishing)\b",
    r"\bno\s+one\b|\bnobody\b|\bno-one\b",
    r"\bincluding\s+(?:us|me|support|our\s+staff)\b",
    r"包括(?:客服|我们|我們|官方)",
)

# Negative-sounding phrases that do not negate the request that follows: removed before
# the clause is read ("don't forget to send…", "别担心，发我…").
NOT_REALLY_NEGATIONS: Final = alternatives(
    r"\bdo(?:n't|\s+not)\s+(?:forget|hesitate|worry|panic)\b",
    r"\bno\s+(?:worries|problem|rush)\b",
    r"\bnot\s+(?:sure|only)\b",
    r"\bnot\s+(?:a\s+)?scam\b",
    r"不要(?:忘记|忘了|犹豫|猶豫|担心|擔心|着急|著急|怕)",
    r"别(?:忘记|忘了|犹豫|担心|着急|怕)|別(?:忘記|忘了|猶豫|擔心|著急|怕)",
    r"不用(?:担心|擔心|怕|着急|著急)",
    r"不是骗子|不是騙子|不是诈骗|不是詐騙",
)

# --- the scam steps that are not secrets -------------------------------------------------

REMOTE_TOOLS: Final = alternatives(
    r"\bany\s*desk\b",
    r"\bteam\s*viewer\b",
    r"向日葵|sun\s*login|\bsunlogin\b",
    r"\btodesk\b|\bto\s*desk\b",
    r"\brust\s*desk\b",
    r"\bquick\s*support\b|\bquick\s*assist\b",
    r"\bultra\s*viewer\b|\bammyy\b|\bsupremo\b|\bsplashtop\b|\bscreenconnect\b|\bairdroid\b",
    r"\bchrome\s+remote\s+desktop\b",
    r"\bremote\s*(?:desktop|access|control|assistance|support\s+(?:app|tool|software))\b",
    r"[远遠][程端](?:控制|协助|協助|桌面|操作|连接|連線|連接|软件|軟體|軟件|工具|协作)",
)
# Screen sharing and recording name the act itself, so they need no separate verb.
SCREEN_SHARING: Final = alternatives(
    r"屏幕共享|共享(?:一下)?(?:你的|您的)?屏幕|屏幕分享|分享(?:一下)?(?:你的|您的)?屏幕",
    r"螢幕分享|分享(?:一下)?(?:你的|您的)?螢幕|共享(?:你的|您的)?螢幕|螢幕共享",
    r"[录錄]屏|[录錄]制屏幕|[录錄]一下屏幕|螢幕[录錄]影|[录錄]影螢幕",
    r"\bscreen\s*-?\s*shar(?:e|ing)\b",
    r"\bshare\s+(?:your|the|my)\s+(?:whole\s+|entire\s+)?screen\b",
    r"\bscreen\s+record(?:ing)?\b|\brecord\s+(?:your|the)\s+screen\b",
)
REMOTE_VERBS: Final = alternatives(
    r"下[载載]|安[装裝]|打[开開]|[开開]启|啟用|启用|使用|用一下|运行|運行|[开開]一下|[开開]个|[开開]個",
    r"配合|接受|允[许許]|[发發]起|[连連]接|登[录錄入]",
    r"\b(?:install|download|open|run|launch|use|start|join|accept|allow|connect|get)\b",
    r"\bgive\s+(?:me|us)\s+(?:access|control)\b",
    r"\b(?:id|code|password)\b",
    r"(?:识别码|識別碼|验证码|驗證碼|设备码|設備碼|id)",
)

SAFE_WALLETS: Final = alternatives(
    r"安全(?:的)?(?:[钱錢]包|[账賬帳]户|[账賬帳]戶|[账賬帳]号|[账賬帳]號|地址)",
    r"保[护護险險](?:[钱錢]包|[账賬帳][户戶]|地址)",
    r"[临臨]时(?:[钱錢]包|[账賬帳][户戶]|地址)|[臨临]時(?:[钱錢]包|[账賬帳][户戶]|地址)",
    r"\b(?:safe|secure|safety|protected|protection|quarantine|holding|temporary|insured|vault)"
    r"\s+(?:wallet|account|address|vault)s?\b",
)
# Not followed by 了 or 过: "您转到了这个地址" tells what happened, it asks nothing.
TRANSFER_VERBS: Final = alternatives(
    r"[转轉](?:到|入|移|出|给|給|账|賬|帳)?+(?![了过過])",
    r"[划劃][转轉]",
    r"提(?:币|幣|现|現)?到",
    r"充(?:值)?到|存到|存入|放到|打到|汇到|匯到",
    r"\b(?:transfer|move|send|deposit|withdraw|put|store|relocate|migrate)\b",
)
GIVEN_ADDRESSES: Final = alternatives(
    r"(?:这个|這個|以下|下面|下方|我们的|我們的|我的|指定的?|我(?:们|們)?(?:给|給|提供)的?)"
    r"\s*(?:钱包|錢包)?\s*(?:地址|[钱錢]包)",
    r"\b(?:this|the\s+following|the\s+below|below|our|my|the\s+address\s+I)"
    r"\s+(?:\w+\s+)?(?:address|wallet)\b",
    r"\bthe\s+(?:\w+\s+)?(?:address|wallet)(?:es)?\s+(?:below|above|here|i\s+(?:sent|gave|provided))\b",
)
CRYPTO_ADDRESS: Final = alternatives(
    r"\b0x[0-9a-f]{40}\b",
    # Matched on lower-cased text, so base58's upper-case L and I-less alphabet fold into
    # the plain lower-case letters.
    r"\bt[1-9a-z]{33}\b",
    r"\b(?:bc1|ltc1|tb1)[02-9ac-hj-np-z]{20,90}\b",
    r"\b[13][1-9a-z]{25,34}\b",
)
WHITELIST: Final = alternatives(
    r"白名[单單]",
    r"加白",
    r"\bwhite\s*-?\s*list(?:ed|ing)?\b",
    r"\ballow\s*-?\s*list(?:ed|ing)?\b",
    r"\btrusted\s+address(?:es)?\b",
)
WHITELIST_VERBS: Final = alternatives(
    r"加入|添加|加到|加进|加進|[设設][为為置]|放入|[绑綁]定|加白",
    r"\b(?:add|put|whitelist|allowlist|register|bind|set|include)\b",
)

UNLOCK_FEES: Final = alternatives(
    r"解[冻凍封][费費金款]|解[冻凍封](?:手[续續])?[费費]用",
    r"激活[费費金]|啟用[費费]|[开開]通[费費]",
    r"[验驗][证證][金费費]|[认認][证證][费費]|[认認][证證]金",
    r"[通渠]道[费費]|[洗][钱錢][费費]|反洗[钱錢][费費]|[税稅][费費]",
    r"\b(?:unlock|unfreez(?:e|ing)|unblock(?:ing)?|activation|verification|release|clearance|"
    r"anti[\s-]?money[\s-]?laundering|aml|withdrawal\s+tax)\s+(?:fee|deposit|charge|payment|tax)s?\b",
)
FEES: Final = alternatives(
    r"保[证證]金|押金|[费費]用|手[续續][费費]|[税稅]|[费費]",
    r"\b(?:fees?|deposit|charge|tax|payment|margin|collateral|amount)\b",
)
PAY_VERBS: Final = alternatives(
    # Not 交 and 转 alone: they start 交易 and 转账, which every fee explanation mentions.
    r"[缴繳]纳|[缴繳]納|[缴繳]|支付|付(?:款|清)?|交(?:纳|納|一下|一笔|一筆|[钱錢])|充值|充|"
    r"[补補][缴繳交充]|[补補]足|[转轉](?:入|给|給)(?:我们|我們|平台|客服)?",
    r"\b(?:pay|deposit|send|transfer|top\s*up|make\s+a\s+payment)\b",
)
WITHDRAW_PURPOSES: Final = alternatives(
    r"解[冻凍封]|提[现現币幣]|出金|到[账賬帳]|激活|啟用|[恢][复復](?:[账賬帳][户戶])?",
    r"\b(?:unlock|unfreeze|withdraw(?:al)?|release|activate|reactivate|restore|access)\b",
)
# What makes a payment the price of a withdrawal ("先充值…才能提现", "before you can").
PAYMENT_CONDITIONS: Final = alternatives(
    r"才能|才可以|才可|之后才|之後才|后才|後才|方可",
    r"\bbefore\s+you\s+can\b|\bin\s+order\s+to\b|\bso\s+that\s+you\s+can\b|\bfirst\b",
)
