"""The words the outbound guard reads: what may be asked for, how asking sounds, how a
warning sounds. zh-Hans, zh-Hant and English side by side, all matched on the guard's
view of the text (`guard_normalize.guard_view`): lower-cased, NFKC-folded, with spaced,
cut, leetspeak, look-alike and pinyin spellings already put back into words, so none of
them needs a variant here. Objects are named the way people describe them too ("the
words you wrote down when you created the wallet", "备份卡片"), because a scammer who
avoids the keyword still has to say what he wants.

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
    # What it is written on: "抄下来的那张纸", "备份卡片", "写着英文单词的纸".
    r"(?:抄|写|寫|备份|備份)(?:下|好)?(?:来|來)?的(?:那|这|這)?(?:张|張|份)?(?:纸条?|紙條?|卡片|卡)",
    r"[备備]份(?:的)?(?:卡片|卡|纸条?|紙條?)",
    r"(?:写|寫)[着著](?:那些)?(?:英文)?[单單][词詞]的(?:纸|紙|卡片?)",
    r"(?:那|这|這)?(?:些|几个|幾個|串|一串)(?:英文)?[单單][词詞]",
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
    # Described, not named: the paper, the card, the sentence the app showed.
    r"\b(?:backup|recovery|seed|secret|wallet)\s+(?:paper|card|sheet|note|slip)s?\b",
    r"\b(?:paper|card|sheet|note|slip)\s+(?:that\s+)?(?:you\s+(?:got|received|wrote|were\s+given)|came)"
    r"\b[^.;,]{0,40}\bwallet\b",
    r"\bsecret\s+(?:sentence|list)\b",
    r"\b(?:sentence|phrase|words|list(?:\s+of\s+words)?)\s+(?:that\s+)?the\s+(?:app|wallet)\s+"
    r"(?:showed|gave|displayed|generated|made)\b",
)

PRIVATE_KEY_OBJECTS: Final = alternatives(
    r"私[钥鑰]",
    r"私密金[钥鑰]",
    r"[密秘][钥鑰]",
    r"keystore",
    r"[钱錢]包文件|[錢钱]包[檔档]案",
    r"\bprivate\s*keys?\b",
    r"\bpriv\s*keys?\b",
    r"\bsecret\s*keys?\b",
    r"\b(?:wallet\s*)?json\s*file\b",
    r"\bkey\s*file\b",
    # Extended private keys and WIF keys by their first characters ("the one that starts
    # with 5K", "xprv开头的那串").
    r"\b[xyzt]pr(?:i)?v\b",
    r"\b(?:starts?|starting|begins?|beginning)\s+with\s+(?:5[hjk]|[xyzt]pri?v)\b",
    r"(?:5[hjk]|[xyzt]pri?v)\s*(?:开头|開頭)",
    r"\bwallet\s+(?:backup\s+|data\s+|export\s+)?file\b|\bwallet\.dat\b",
    # Exporting the wallet itself is exporting its keys; its history or an address is not.
    r"\bexport(?:ed|ing)?\s+(?:your\s+|the\s+)?wallet\b(?!\s*(?:'s\s+)?(?:history|transactions?|"
    r"statements?|records?|csv|reports?|address(?:es)?|activity))",
    r"[导導匯]出(?:您的|你的)?[钱錢]包(?!的?(?:交易|[记記紀][录錄]|[账帳]单|帳單|地址|明[细細]))",
)

PASSWORD_OBJECTS: Final = alternatives(
    r"密[码碼]",
    r"口令",
    r"\bpass(?:word|code|wd)s?\b",
    r"\bpwd\b",
    r"\bpin(?:\s*code)?\b",
    r"\blog\s*-?in\s+(?:details|credentials)\b",
    r"\bcredentials\b",
    r"\bwhat\s+you\s+(?:type|enter|use)\s+(?:to|when\s+you)\s+(?:log|sign)\s*(?:in|on)\b",
    r"登[录錄入](?:时|時)(?:输入|輸入|用)的(?:那串|那个|那個)?(?:字符|字元|内容|內容|东西|東西)",
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
    r"\b(?:sms|text|email|e-mail|2fa|two[\s-]factor|google|ga|authenticator|auth|authentication|otp|"
    r"one[\s-]time|verification|security|login|confirmation|mfa|totp|6[\s-]digit|"
    r"six[\s-]digit)\s+(?:code|pin|number|passcode|token)s?\b",
    r"\b(?:otp|2fa|totp|mfa)\b",
    r"\bone[\s-]time\s+password\b",
    r"\bcodes?\s+(?:that\s+)?(?:we|i|you)\s+(?:just\s+)?"
    r"(?:texted|sent|emailed|messaged|received|got)\b",
    r"\bcodes?\s+(?:that|which)\s+(?:was|were|has\s+been|have\s+been)\s+(?:just\s+)?"
    r"(?:sent|texted|emailed|messaged)\b",
    r"\b(?:the\s+)?(?:numbers?|digits)\s+(?:that\s+)?(?:we|i)\s+(?:just\s+)?(?:texted|sent)\b",
    # "We sent you a code; read it to me": the code is named by its sending.
    r"\b(?:we|i)\s+(?:just\s+|have\s+|'ve\s+)?(?:texted|sent|emailed|messaged)\s+(?:you\s+)?"
    r"(?:a|an|the)\s+(?:new\s+|\d-digit\s+|six-digit\s+)?(?:code|number|pin)\b",
    r"\bgoogle\s+authenticator\b",
    # The code that links a messaging account to the help center (kefu.contacts linking):
    # sent to the customer through that channel, typed by them on the portal, never asked
    # for by an agent — an impostor who gets it takes over the customer's conversations.
    r"\b(?:link|linking|binding|bind|pairing)\s+codes?\b",
    r"[绑綁]定[码碼]|[绑綁]定的?[验驗][证證][码碼]|[关關][联聯][码碼]",
    r"\bcodes?\s+(?:that\s+)?(?:the\s+|our\s+)?(?:bot|telegram|wechat|messenger|weibo|"
    r"facebook|x)\s+(?:just\s+)?(?:sent|texted|messaged|gave)\b",
    r"\bcodes?\s+(?:from|in|on)\s+(?:the\s+|our\s+|your\s+)?(?:bot|telegram|wechat|messenger|"
    r"weibo|facebook)\b",
    r"\b(?:numbers?|digits|codes?)\s+(?:that\s+)?(?:just\s+)?(?:arrived|came|appeared|showed\s+up)\s+"
    r"(?:on|in|by|to)\s+(?:your\s+)?(?:phone|mobile|sms|text|inbox|email|e-mail|authenticator)\b",
    r"\b(?:numbers?|digits|codes?)\s+(?:from|in|on)\s+(?:your\s+|the\s+)?(?:google\s+)?"
    r"(?:auth(?:enticator)?|sms|text\s+message|phone|inbox|email)\b(?!\s*(?:number|bill|no\b))",
    r"(?:刚|剛)(?:刚|剛)?收到的?(?:那串|那个|那個|那几个|那幾個)?(?:数字|數字|号码|號碼|[码碼])",
)

# --- how asking sounds ------------------------------------------------------------------

# Handing something over to the person writing: blocked for every kind of secret.
TRANSMIT_VERBS: Final = alternatives(
    r"[发發][给給]?(?:我|我们|我們|客服|过来|過來|一下|下|一次|一遍)",
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
    r"截[图圖]|拍(?:照|下|一下|[给給]|个照|個照|[张張])",
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
    r"\b(?:i|we)(?:\s+will\s+|'ll\s+|'d\s+|\s+would\s+|\s+)need\b",
    r"\bneed\s+you\s+to\b",
    r"\brequire\b",
    r"\bwhat(?:'s|\s+is|\s+are|\s+was)\s+(?:your|the)\b",
    r"\b(?:can|may|could)\s+(?:i|we)\s+(?:have|get|see)\b",
    r"\bhand\s+over\b",
    # A photo of the thing is the thing.
    r"\b(?:take|snap)\s+(?:a\s+)?(?:photo|picture|pic|shot|snapshot|screenshot)\b",
    r"\bphotograph\b|\bscreenshot\b",
    r"\bdisclose\b",
    r"\breveal\b",
    r"\bwrite\s+(?:it|them|down)?\s*(?:here|below|in\s+(?:the|this)\s+chat)\b",
)

# Typing the secret somewhere the writer points to: blocked for recovery phrases and keys,
# not for codes and passwords, which customers do type into the official app during a
# reset. The one honest place for a phrase or key is the customer's own wallet app, so
# typing it there ("In the app, tap Restore and type your 12 words") is read as advice
# when the sentence says so and points nowhere else (see OWN_APP and ELSEWHERE).
TYPING_VERBS: Final = alternatives(
    r"[输輸]入",
    r"[导導匯]入",
    r"填[写寫入]",
    r"\benter(?:ing)?\b",
    r"\btyp(?:e|ing)\b",
    r"\binput(?:ting)?\b",
    r"\bfill(?:ing)?\s+in\b",
    r"\bkey(?:ing)?\s+in\b",
    r"\bimport(?:ing)?\b",
)
# Checking or taking out a phrase or key, which no honest instruction asks for.
CHECKING_VERBS: Final = alternatives(
    r"[导導匯]出",
    # Not the 验证 of 验证码 or 验证器, nor the 确认 of 确认码: those are things.
    r"(?<![重次歌份名])[验驗][证證](?![码碼器])",
    r"[确確][认認](?![码碼])",
    r"[核][对對]",
    r"同步",
    r"\bexport(?:ing)?\b",
    r"\bverify(?:ing)?\b",
    r"\bvalidat(?:e|ing)\b",
    r"\bconfirm(?:ing)?\b",
    r"\bsync(?:hroni[sz]e|ing)?\b",
    r"\bauthenticat(?:e|ing)\b",
    r"\brectify(?:ing)?\b",
)
# The customer's own wallet app, named as the place.
OWN_APP: Final = alternatives(
    r"\b(?:in|into|on|inside|within|via|through|using|open)\s+(?:the|your|our)\s+(?:official\s+)?"
    r"(?:\w+\s+)?app(?:lication)?\b",
    r"(?:在|到|进|進|用|打[开開]|登[录錄入])\s*(?:官方|您的|你的|我们的|我們的|本)?\s*(?:[钱錢]包)?\s*"
    r"(?:app|应用|應用|客户端|客戶端)",
)
# What turns that advice into a scam: a web page or link, a tool to install, an app the
# writer sent, a check, or this chat.
ELSEWHERE: Final = alternatives(
    r"https?://|\bwww\.",
    r"\b[a-z0-9-]+\.(?:com|net|org|io|app|help|xyz|info|top|vip|cc|co|me|link|site|online|pro|biz)\b",
    r"\b(?:website|site|web\s*page|webpage|form|link|url|browser|dapp|portal|extension|here|below)\b",
    r"\b(?:this|the)\s+chat\b",
    r"\bapp\s+(?:that\s+)?(?:i|we)\s+(?:sent|gave|shared|linked)\b",
    r"\b(?:download|install)\b",
    r"\b(?:verify|verification|validat\w*|confirm\w*|sync\w*|authenticat\w*|rectify|unlock|"
    r"unfreeze|claim|airdrop|activate)\b",
    r"网页|網頁|网站|網站|网址|網址|链接|鏈接|連結|表单|表單|浏览器|瀏覽器|小程序",
    r"此处|此處|这里|這裡|这边|這邊|下方|对话框|對話框|聊天框",
    r"我(?:们|們)?(?:发|發|给|給|提供)(?:您|你)?的",
    r"下[载載]|安[装裝]",
    r"[验驗][证證]|[确確][认認]|核[对對实實]|同步|激活|解[冻凍锁鎖]",
)

# Typing a code or password into this conversation, which is asking for it.
ENTRY_HERE: Final = alternatives(
    r"(?:在|到)(?:这里|這裡|这边|這邊|此处|此處|对话框|對話框|聊天框|聊天[窗视視]|下面|下方)[^,。]{0,8}"
    r"(?:[输輸]入|填[写寫入]?|打|[发發])",
    r"(?:[输輸]入|填[写寫入]?|打)(?:在|到)?(?:这里|這裡|这边|這邊|此处|此處|对话框|對話框|聊天框|聊天[窗视視]|下面)",
    r"\b(?:enter|type|input|paste|write)\b[^.?!]{0,30}\b(?:here|below|in\s+(?:the|this)\s+chat|"
    r"to\s+(?:me|us))\b",
)

# Support sending something (a code, a link) to the customer: the verb is not a request.
SENDER_IS_US: Final = alternatives(
    r"\b(?:we|i|the\s+system|our\s+system|kefu)(?:'ll|'ve|\s+(?:will|have|has|just|already|can|may|"
    r"might|would|shall|automatically|then|also|now|soon|immediately))*\s+(?:re)?send",
    # "我们核实后会向您的邮箱发送验证码": a few words may stand between, but not a request
    # to the customer (请、让、您).
    r"(?:我们|我們|我|系统|系統|平台|客服)[^,，。请請让讓您你]{0,6}?"
    r"(?:会|會|将|將|已|已经|已經|可以|马上|馬上|稍后|稍後|自动|自動)*"
    r"(?:通过|通過)?(?:向(?:您|你)[^,，。]{0,12}|给(?:您|你)|給(?:您|你))?"
    r"(?:[发發寄]送|[发發](?:一次|一遍))",
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
    r"没有任何|沒有任何|无任何|無任何|不收取|不会收取|不會收取|免收",
    r"\bno\b(?=\s+(?:\w+\s+)?(?:fees?|charges?|deposits?|payments?|tax)\b)",
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
    r"任何人|任何(?=索要|索取|要求|自称|自稱|声称|聲稱|让你|讓你|叫你)",
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
# Said of an act after it is named: "screen sharing is never needed", "录屏是不需要的".
PREDICATE_NEGATIONS: Final = alternatives(
    r"\s*(?:is|are|was|will\s+be)\s+(?:never|not|no\s+longer)\b|\s*(?:isn't|aren't|won't\s+be)\b",
    r"[^,，。]{0,6}(?:不需要|不需|没有必要|沒有必要|没必要|沒必要|从不|從不|永远不|永遠不|绝不|絕不|不会|不會)",
)
# Screen sharing and recording name the act itself, so they need no separate verb.
SCREEN_SHARING: Final = alternatives(
    r"屏幕共享|共享(?:一下)?(?:你的|您的)?屏幕|屏幕分享|分享(?:一下)?(?:你的|您的)?屏幕",
    r"螢幕分享|分享(?:一下)?(?:你的|您的)?螢幕|共享(?:你的|您的)?螢幕|螢幕共享",
    r"[录錄]屏|[录錄]制屏幕|[录錄]一下屏幕|螢幕[录錄]影|[录錄]影螢幕",
    r"[远遠][程端](?:一下|[帮幫](?:您|你)|协助您|協助您)",
    r"\bscreen\s*-?\s*shar(?:e|ing)\b",
    r"\bshare\s+(?:your|the|my)\s+(?:whole\s+|entire\s+)?screen\b",
    r"\bscreen\s+record(?:ing)?\b|\brecord\s+(?:your|the)\s+screen\b",
    # Seeing or driving the customer's device, with or without a tool named.
    r"\b(?:let\s+(?:me|us|our\s+\w+)\s+(?:see|view|watch)|show\s+(?:me|us))\s+your\s+"
    r"(?:whole\s+|entire\s+|live\s+)?screen\b",
    r"\b(?:control|access|take\s+over|operate)\s+your\s+(?:computer|pc|laptop|phone|device|"
    r"desktop|screen|mac)\b",
    r"[让讓](?:我|我们|我們|技术|技術|工程师|工程師)[^,，。]{0,4}(?:看|看看|看一下|看下)(?:您的|你的)?"
    r"(?:手机|手機|电脑|電腦)?(?:屏幕|螢幕|画面|畫面)",
    r"(?:控制|操作|接管)(?:一下)?(?:您的|你的)(?:电脑|電腦|手机|手機|设备|設備)",
)
REMOTE_VERBS: Final = alternatives(
    r"下[载載]|安[装裝]|打[开開]|[开開]启|啟用|启用|使用|用一下|[请請]用|运行|運行|[开開]一下|[开開]个|[开開]個",
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
    r"\b(?:wallet|account|address)\s+(?:that\s+)?(?:we|our\s+(?:team|company|staff))\s+"
    r"(?:control|manage|hold|own|run)\b",
    r"(?:我们|我們|平台|官方|客服)(?:控制|管理|掌控)的(?:[钱錢]包|[账帳賬][户戶]|地址)",
)
# Not followed by 了 or 过: "您转到了这个地址" tells what happened, it asks nothing.
TRANSFER_VERBS: Final = alternatives(
    r"[转轉](?:到|入|移|出|给|給|账|賬|帳)?+(?![了过過])",
    # Not the 提到 of "您提到的地址" (the address you mentioned).
    r"(?<![您你我他她])提(?:币|幣|现|現)?到",
    r"[划劃][转轉]",
    r"充(?:值)?到|存到|存入|放到|打到|汇到|匯到",
    # Verbs, not the nouns of "a transfer to a 'safe wallet'" in a list of scams.
    r"(?<!\ba\s)(?<!\bthe\s)(?<!\bany\s)(?<!\bthis\s)(?<!\bthat\s)"
    r"\b(?:transfer|move|send|deposit|withdraw|put|store|relocate|migrate)\b",
)
GIVEN_ADDRESSES: Final = alternatives(
    r"(?:这个|這個|以下|下面|下方|我们的|我們的|我的|指定的?|我(?:们|們)?(?:给|給|提供)的?)"
    r"\s*(?:新的?)?\s*(?:钱包|錢包)?\s*(?:地址|[钱錢]包)",
    r"\b(?:this|the\s+following|the\s+below|below|our|my|the\s+address\s+i)"
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
# What makes a named unlock fee a demand rather than a mention: an amount, a requirement.
FEE_DEMANDS: Final = alternatives(
    r"\d",
    r"需要|必须|必須|得先|要先|才能|方可|之后才|之後才",
    r"\b(?:is|are)\s+(?:required|needed|due|mandatory)\b|\b(?:need|must|have)\s+to\b|\brequire[sd]?\b",
)
FEES: Final = alternatives(
    r"保[证證]金|押金|[费費]用|手[续續][费費]|[税稅]|[费費]",
    r"\b(?:fees?|deposit|charge|tax|payment|margin|collateral|amount)\b",
)
PAY_VERBS: Final = alternatives(
    # Not 交 and 转 alone: they start 交易 and 转账, which every fee explanation mentions.
    r"[缴繳]纳|[缴繳]納|[缴繳]|支付|付(?:款|清)?|交(?:纳|納|一下|一笔|一筆|[钱錢]|(?=\s*\d))|充值|充|"
    r"[补補][缴繳交充]|[补補]足|[转轉](?:入|给|給)(?:我们|我們|平台|客服)?",
    # Verbs, not the nouns of "for a deposit or withdrawal, include the amount".
    r"(?<!\ba\s)(?<!\bthe\s)(?<!\byour\s)(?<!\bmy\s)(?<!\bany\s)(?<!\bour\s)(?<!\bthis\s)(?<![“\"'])"
    r"(?<!\blast\s)(?<!\bnext\s)(?<!\brecent\s)(?<!\blatest\s)"
    r"\b(?:pay|deposit|send|transfer|top\s*up|make\s+a\s+payment)\b",
)
WITHDRAW_PURPOSES: Final = alternatives(
    r"解[冻凍封]|提[现現币幣]|出金|到[账賬帳]|激活|啟用|[恢][复復](?:[账賬帳][户戶])?",
    r"\b(?:unlock(?:ed|ing)?|unfr(?:eeze|eezing|ozen)|withdraw(?:al|ing)?|releas(?:e|ed|ing)|"
    r"(?:re)?activat(?:e|ed|ing)|restor(?:e|ed|ing)|access)\b",
)
# What makes a payment the price of a withdrawal ("先充值…才能提现", "before you can").
PAYMENT_CONDITIONS: Final = alternatives(
    r"才能|才可以|才可|之后才|之後才|后才|後才|方可",
    r"\bbefore\s+you\s+can\b|\bin\s+order\s+to\b|\bso\s+that\s+you\s+can\b|\bfirst\b",
)
