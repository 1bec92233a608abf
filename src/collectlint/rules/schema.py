"""The rule-file format, as pydantic models. A rule is data: one matcher `kind`
plus metadata (category, severity, legal basis, responses, examples)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from collectlint.models import Category, Channel, LegalBasis, Severity, Speaker
from collectlint.text.normalize import normalize

# Words that, standing just before a trigger, turn it into a denial or a prohibition:
# 我们不会上门, 按规定不能联系您的家人, 没有立案.
DEFAULT_NEGATORS = (
    "不会", "不要", "没有", "不能", "不可以", "不可能", "别", "不用", "无需", "不必",
    "不得", "禁止", "严禁", "绝不", "决不", "从不", "从来不", "从未", "从没", "从来没有", "未曾", "并不", "并非", "亦非", "绝非", "不是",
    "不存在", "不涉及", "无权", "不建议", "不鼓励", "切勿", "请勿", "不允许", "避免", "防止", "谨防",
    "勿信", "别信", "不要信", "不要相信", "切莫", "不再", "不另", "≠", "不等于", "不需要", "莫",
    "千万别", "千万不要", "千万不能", "不额外", "不另外", "所谓", "不代表", "不意味着", "不便",
    # Cantonese and Wu: 唔会上门, 勿会上门, 覅担心, 阿拉勿上侬单位
    "唔会", "勿会", "勿要", "覅", "勿好", "勿可以", "勿能", "唔可以", "唔能够", "唔好", "勿",
)
# Said right after the trigger, these refute it: 坐牢是不存在的, 所谓黑名单并不存在.
DEFAULT_REFUTATIONS = (
    "不存在", "是谣言", "不是真的", "是假的", "不属实", "不会发生", "是误传", "是骗人的", "是虚假的",
    "都是吓唬人", "全是吓唬人", "都是吓唬你", "都是骗人的", "都是瞎说", "瞎忽悠", "都是忽悠", "是忽悠人的", "都是胡说",
    "是误解", "这是误解", "说法不准确", "说法不对", "说法都不对", "说法是不对", "说法都是不对", "说法是错", "说法都是错",
    "是违法行为", "是违法的", "属于违法", "不实信息", "均为不实", "系谣言",
)
# With the trigger inside quotation marks, these show reported speech or a quoted rule,
# not the collector's own threat: 您说的"坐牢"…, 规定"不得爆通讯录", 您截图里那条'出门小心'
# 不是我司发出的.
DEFAULT_REPORTING = (
    "您说", "你说", "你们说", "有人说", "别人说", "网上说", "他们说", "对方说", "听说", "传言", "谣言",
    "短信说", "短信里说", "所谓", "规定", "禁止", "严禁", "不得", "不允许", "投诉", "冒充",
    "截图", "收到的", "收到一条", "冒用", "假冒", "不是我司", "不是我们发", "并非我司", "非我司",
    "刚才说", "语音里说", "电话里说", "消息里说", "微信里说", "信息里说", "收到", "反映",
    "表示", "提到", "他说", "她说", "同事说", "员工说", "报道", "新闻", "这种说法", "的说法不",
    "说法不准确", "说法不实", "您问", "你问", "来电询问", "您询问", "这种话", "这些话", "这类话", "那句",
    "自称", "声称", "网传", "客户询问", "有客户问", "客户问", "骗局", "请勿轻信", "勿轻信", "谨防",
    # Cantonese 话 and 讲 are "say": 你话"…", 你讲"…"
    "你话", "您话", "你讲", "您讲",
)
# Sentences that mention a tactic only to report, disown or deny it, whatever the tactic:
# a complaint about a collector reported with what was done about it (您反映的上一位催收员
# 让您转到个人微信一事，我们已核实并处理), a message or post disowned (那条短信不是我司发出的,
# 有人冒用我司名义), a borrower's question answered no (您问会不会发到朋友圈——绝对不会).
# Regular expressions over the sentence of the match; a framing silences the matches it
# covers, and one that opens in their sentence may end in the next few characters
# (您问会不会上门？不会的). What the sentence says after it is the collector's own again.
_STAFF_OR_MESSAGE = (
    "(?:催收员|催收人员|工作人员|员工|同事|坐席|专员|外访人员|业务员|客服|那位|那个人|上一位|前一位|之前那位"
    "|外包|第三方|短信|信息|消息|电话|来电|帖子|海报|截图|图片|语音|录音|通知|信函|函件|这种话|这些话|这类话)"
)
# The answer no to a borrower's question or worry: a denial (不会, 没有这回事), or a
# reassurance whose clause carries one (请放心，我们不会…, 您放心，我行严禁…).
_ANSWERED_NO = (
    "(?:的|过|我们|我)?[^。！？!?]{0,40}?"
    r"(?:——|—|--|：|:|，|,|\?|」|”|\")\s*"
    r"(?:(?:我们|我司|我行|我|这里|在此)?(?:在这里|在此)?(?:明确|郑重|如实|可以|跟您|向您|跟你|向你)?(?:地)?(?:告诉|告知|回复|答复|保证|说明(?:一下)?)(?:您|你)?[：:，,]?\s*)?"
    r"(?:(?:我)?(?:给|跟|和)(?:您|你)说(?:句)?(?:实话|实在话)[：:，,]?\s*)?"
    "(?:(?:(?:绝对|肯定|当然|一定|根本|完全|从来)?(?:不会|不可能|不存在|并没有|没有这回事|没这回事|没有的事|不是的|不是|没有|唔会|冇呢回事|冇咁嘅事|唔系)"
    r"(?=的|哈|啊|呀|呢|[。！!，,；;：:\s]|——|$)"
    # or the thing asked about said not to exist (——没有这种名单, 不存在这样的规定)
    "|(?:根本|完全|从来)?(?:没有|不存在)(?:这种|这个|这类|这样的?|那种|所谓的?)[^。！？!?，,]{0,6}?(?=[。！!，,；;：:\\s]|——|$)"
    # or the practices asked about called unlawful (以上行为均违反规定)
    "|(?:以上|上述|这些|这类|这种)(?:行为|做法|方式|情况)?(?:均|都|全部|全都)?(?:违反规定|违规|违法|属于违规|属于违法|是违规的|是违法的|不被允许|是被禁止的|被明令禁止)(?![吗么嘛?？])"
    # or a statement of what is done instead: only the borrower is contacted, a practice
    # the company does not have (我们只与您本人沟通, 我们公司不做上门)
    "|(?:我们|我司|我行|本公司|我们公司|公司)?(?:只|只会|仅|仅会)(?:(?:与|跟|和|同)(?:您|你)(?:本人)?(?:联系|沟通|核实|协商)|(?:联系|致电|打给)(?:您|你)(?:本人)?)"
    "|(?:我们|我司|我行|本公司|我们公司|公司)(?:从来|从|根本)?(?:不做|不搞)[^。！？!?，,]{0,6}"
    "|(?:我们|我司|我行|本公司|公司)(?:绝对|从来|根本|都)?(?:不会|绝不会|决不会|从不)(?:向|对|把|将|去|上门|联系|透露|公开|曝光|在|以))"
    # or a rule that forbids it (平台是不允许这样做的)
    "|(?:平台|公司|我司|我行|本公司|我们公司|规定|监管)(?:是|都是|也是|明确)?(?:不允许|不准|严禁|禁止)"
    "|(?:请|您|你)?(?:您|你)?(?:尽管)?放心(?:吧|好了|哈)?[，,：:]?\\s*(?:(?!的话|不还|否则|再不|如果|要是|除非)[^。！？!?]){0,20}?"
    "(?:绝对不会|绝不会|决不会|不会|绝不|严禁|禁止|从不|不得|不可能|不允许))"
)
# Who never asks for money that way, as an anti-fraud notice says it: 公检法机关不会…, 我们从不….
_NEVER_ASKS = (
    "[^。！？!?]{0,30}?(?:公检法|法院|公安|警察|检察院|司法机关|银行|我行|本行|我司|本公司|我们公司|我们|平台|官方|工作人员)"
    "(?:机关|部门|人员)?(?:都|均|也|从来|绝对|决)?(?:不会|从不|绝不会|决不会|从来不会)"
)
DEFAULT_FRAMINGS = (
    # a colleague's act owned up to as a violation: 我们有个同事打到你姐姐那里去了 这个是违规的
    "(?:我们|我司|公司|平台)(?:这边)?(?:之前|昨天|前几天|上次|以前)?(?:有|的)?(?:个|一个|一位|一名|几个)?"
    "(?:同事|催收员|员工|工作人员|外包人员|外访人员|坐席)[^。！？!?]{0,40}?(?:这个|这种|这|那个|那|此)"
    "(?:做法|行为|情况)?(?:是|属于|属)(?:严重)?(?:违规|违法|不对|错误|不合规)",
    # a complaint reported, with what was done about it
    "(?:您|你)(?:之前|此前|上次|上周|上礼拜|上个月|前段时间|刚才|刚刚|昨天|昨日|前天|前几天|日前|所)?(?:反映|投诉|举报|反馈)(?:过)?"
    "(?:的|了的|过的|的是|我们|我司|说|称|有|了|一位|那位|一名|那名|催收员|催收人员|工作人员|员工|同事)[^。！？!?]{0,48}?"
    "(?:(?:已|已经|经|均已|都已)(?:经)?(?:核实|核查|查实|查明|处理|处分|停止|停职|调查|清退|开除|解约|整改|追责|问责"
    "|暂停|终止|调离|撤换|更换|严肃处理|上报|删除|移除|致歉|道歉|调取|调阅|调听)|(?:会|将|正在|马上|立即|立刻)(?:严肃处理|核实|核查|调查|追责|问责|整改)"
    "|(?:是|属于|属)?(?:严重)?违规(?:的|行为)|(?:非常|十分|深表|深感)(?:抱歉|歉意))",
    "(?:您|你)(?:之前|此前|上次|刚才|刚刚|昨天|昨日|前天|前几天)?(?:说|提到|讲)(?:的|过的)(?:那位|那个|那条|那些|上一位|之前的?)?"
    + _STAFF_OR_MESSAGE + "[^。！？!?]{0,48}?"
    "(?:(?:已|已经|经|均已|都已)(?:经)?(?:核实|核查|查实|查明|处理|处分|停止|停职|调查|清退|开除|整改|追责|问责|删除|移除)"
    "|(?:会|将|正在)(?:严肃处理|核实|核查|调查|追责|问责))",
    # contact the borrower complains of, put down to another company (您说的十几个电话可能是其他机构打的)
    "(?:您|你)(?:说|提到|反映|讲)的[^。！？!?]{0,24}?(?:可能|应该|估计|其实|都)?(?:是|系)(?:其他|别的|别家|另外的?|其它)(?:机构|平台|公司|催收公司|家)",
    # a news item or report about collection cases (据报道…被以寻衅滋事罪判刑; 转发新闻：《…》)
    "(?:据报道|新闻报道|媒体报道|报道称|转发新闻|新闻[：:])[^。！？!?]{0,100}",
    # the borrower's words quoted and acknowledged (您在通话中表示"再打就去你们公司闹"，我们已记录)
    "(?:您|你)[^。！？!?]{0,12}?(?:表示|说|提到|提出)(?:过)?(?:要|想|会)?[“”\"「」][^“”\"「」]{1,60}[“”\"「」][，,]?\\s?(?:我们|我司|我行|我这边|我们这边|我)(?:已|已经)?(?:如实)?(?:记录|收到|登记|了解|知悉)",
    # a colleague's words quoted as words (我们的员工确实说了要找人把你家门砸了这种话;
    # 本公司员工于电话中对您讲"不还就去你公司贴大字报"一事)
    _STAFF_OR_MESSAGE + "[^。！？!?]{0,16}?(?:确实|的确)?(?:说|讲|称)(?:了|过)?[^。！？!?]{0,60}?"
    "(?:一事|这件事|这种话|这样的话|这些话|这类话)",
    # a message, post or person disowned, and what the sentence says of it before
    "[^。！？!?]{0,40}?" + _STAFF_OR_MESSAGE + "[^。！？!?，,]{0,8}?(?:不是|并非|非|不属于)(?:我司|我们|本公司|我们公司|我行|本行|本平台|我们平台)"
    "(?:的)?(?:人员|员工|工作人员|的人)?(?:所)?(?:发|说|打|为|干|做|寄|贴|录|出具)",
    "[^。！？!?]{0,40}?(?:不是|并非|非)(?:我司|本公司|我们公司|我行|本平台)(?:[、和或也]{1,2}(?:不是|并非)?[^。！？!?，,]{1,6}?)?(?:的)?(?:人员|员工|工作人员)?"
    "(?:所为|行为|发出|发送|所发|打的|打来的|发的)",
    # someone else's deed the borrower reported, already done and disowned (您发的截图…说有人把您的
    # 欠款发到了您亲戚群里 这个肯定不是我们公司做的); the collector's own hint (听说有人砸了你家
    # 玻璃，可不是我们干的) and a deed still to come (有人会去你家) stay threats
    "(?:(?<!听)说|反映|投诉|截图|提到)[^。！？!?]{0,8}?(?:有人|别人|他人|其他人|第三方)"
    "(?:(?!会|要|到时|万一|哪天|如果|要是|的话)[^。！？!?]){0,30}?(?:了|过)"
    "(?:(?!会|要|到时|万一|哪天|如果|要是|的话)[^。！？!?]){0,12}?(?<!可)(?:肯定|绝对|确实|真的)?(?:不是|并非)"
    "(?:我们|我司|我们公司|本公司|我行|本行|本平台)(?:公司)?(?:的人)?(?:做|干|发|弄|搞|所为)",
    # a warning not to trust whoever asks for something (请不要相信任何让您转到个人账户的人;
    # 任何让您转到个人账户的都别信)
    "任何[^。！？!?，,]{0,20}?的(?:人|电话|短信|消息|信息|要求|说法)?(?:都|一律|均)?(?:别信|不要信|不要相信|勿信|是诈骗|是骗子|是骗局)",
    "(?:不要|别|切勿|请勿|千万别|千万不要|不可)(?:相信|理会|听信|轻信)(?:任何)?[^。！？!?，,]{0,20}?的(?:人|电话|短信|消息|信息|要求|说法)",
    "凡是[^。！？!?]{0,30}?的[，,]?\\s?(?:您|你)?(?:都|一律|均)?(?:别信|不要信|不要相信|勿信|是诈骗|是骗子|是骗局)",
    # tactics listed and called forbidden (P图、发群这些都是我们公司明令禁止的)
    "[^。！？!?]{0,30}?(?:这些|这类|这种|以上|上述)(?:行为|做法|事情|情况)?(?:都|均|全都)?是?(?:我们|我司|公司|我们公司|本公司)?(?:明令禁止|严令禁止|严禁|禁止|不允许)的?",
    # an apology for the distress a threat caused (非常抱歉让老人受惊了) names the distress, not a threat
    "(?:非常|十分|很|实在)?(?:抱歉|对不起|不好意思)(?:让|使|给)(?:您|你|老人|老人家|孩子|家人|您家人|你家人|家里人|您家里人)[^。！？!?，,]{0,6}?"
    "(?:受惊|受惊吓|担惊受怕|受怕|害怕|吓着|受委屈|困扰|不便)(?:了)?",
    "[^。！？!?]{0,40}?(?:与|跟|和)(?:我司|我们公司|本公司|我行|本平台)(?:无关|没有关系|没关系|无任何关系)",
    "[^。！？!?]{0,40}?(?:短信|电话|消息|信息)[^。！？!?]{0,30}?号码[^。！？!?，,]{0,4}?(?:不是|并非|不属于)(?:我司|我们公司|本公司|我行|本平台|我们平台)(?:的|所有|名下)",
    "[^。！？!?]{0,40}?(?:冒用|冒充|假冒|盗用)(?:我司|我们公司|本公司|我行|本平台|我们)(?:的)?(?:名义|名字|身份|号码)[^。！？!?]{0,40}",
    # someone posing as us, and the tactics they use (有人冒充我司，以"爆通讯录""上门找你"等方式威胁客户)
    "(?:有人|不法分子|骗子|诈骗分子|不少人)(?:冒充|假冒|冒用)(?:我司|我们公司|本公司|我行|本行|本平台|我们|平台)[^。！？!?]{0,60}",
    "(?:有人|不法分子|骗子|诈骗分子)(?:冒充|假冒|冒用)(?:催收|工作人员|客服)[^。！？!?，,]{0,40}",
    "(?:不法分子|骗子|诈骗分子|犯罪分子)(?:声称|自称|谎称|宣称|号称)[^。！？!?]{0,60}",
    "(?:如遇|如有|若有|如果有|遇到|凡有|(?:如|如果|若|一旦)发现有?)(?:人)?(?:自称|冒充|假冒|冒用|以[^。！？!?，,]{1,24}?名义)[^。！？!?]{0,40}",
    # a claim denied as a rule (不是说逾期就会坐牢); a contact called a breach of the rules
    # (晚上十一点联系您是违反我们规定的) — the contact, not the borrower's conduct
    "不是说[^。！？!?，,]{0,12}就(?:会|要|能)[^。！？!?，,]{0,8}",
    "[^。！？!?]{0,24}?(?:联系|致电|来电|拨打|打给|打电话|上门|发短信|发消息)[^。！？!?]{0,6}?(?<![不没])(?:是|属于)(?:违反|违背|不符合)"
    "(?:我们|我行|我司|本公司|公司|银行|监管|相关)?(?:的)?(?:规定|要求|制度|规范)",
    # a staff member's conduct found and called a breach (…还提到要去您单位，这是不符合我行规定的)
    "(?:人员|员工|同事|催收员|专员|坐席|外包|委托机构)[^。！？!?]{0,48}?(?:这是|这|此)?(?:不符合|违反|违背|不合)(?:我行|我司|本公司|公司|银行|监管)?(?:的)?(?:规定|要求|制度|规范)",
    # the legal condition of a criminal charge, stated as one (只有恶意透支才可能涉及刑事责任)
    "只有[^。！？!?]{0,30}才(?:可能|有可能)(?:涉及|构成|承担|追究|被追究|涉嫌)[^。！？!?，,]{0,12}",
    # ... or of enforcement (法院判了以后仍不履行，才有可能被列为失信被执行人)
    "(?:判决|裁决|判了|判下来|判决生效)[^。！？!?]{0,16}?(?:仍|还|依然)?(?:不|拒不|未)履行[^。！？!?，,]{0,6}?[，,]?\\s?(?:法院|人民法院)?(?:才|则|就)?(?:可能|有可能)(?:会)?(?:被|由)?(?:法院|人民法院)?(?:依法)?"
    "(?:列为|列入|纳入|申请|强制执行|被执行|执行|限制|限高|失信|冻结|查封|扣划)[^。！？!?，,]{0,10}",
    # an anti-fraud notice: who never asks for a transfer, and that whoever claims to is a fraud
    # (公检法机关不会通过电话要求您转账, 我们不会让客户往任何个人账户转钱, 凡自称'法院'…均为诈骗)
    _NEVER_ASKS + "(?:通过|以|用|打)(?:短信|电话|微信|QQ|qq|网络|任何)"
    "[^。！？!?]{0,12}?(?:要求|让|叫)[^。！？!?，,]{0,16}?(?:转账|汇款|付款|转钱|打款|缴费|缴款|还款|转到|打到|汇到|转入|存入)"
    "(?:[^。！？!?，,]{0,4}?(?:安全|个人|私人|指定|陌生)(?:账户|账号|银行卡|卡))?",
    _NEVER_ASKS + "(?:要求|让|叫)[^。！？!?，,]{0,8}?(?:往|向|到|转到|打到|汇到|转入)"
    "(?:任何)?(?:的)?(?:个人|私人|陌生|安全|所谓的?安全)(?:账户|账号|银行卡|卡|微信|支付宝|收款码)",
    # ... or charges no fee of any name (不会收取"停催费""结案费"): the list is covered to its end
    "(?:不会|不得|从不|绝不|决不|严禁|禁止)(?:以任何(?:理由|名义))?(?:向(?:您|你|客户|借款人))?(?:收取|索要|加收|额外收取)(?:任何)?[^。！？!?，,]{0,30}",
    "[^。！？!?]{0,60}?(?:凡|凡是|但凡|任何|所有)[^。！？!?]{0,40}?(?:自称|声称|冒充|假冒|冒用)[^。！？!?]{0,50}?"
    "(?:均为|均系|均属|均是|都是|皆为|皆是|一律为|一律是|一律系)(?:电信)?(?:诈骗|骗子|骗局)",
    # words someone said reported as handled (说要去您宿舍闹事的话我们已经提交委托方核查)
    "(?<![我你您话])(?:说|称|扬言)(?:要|会)?[^。！？!?]{0,24}?(?:的话|这种话|这些话)[，,]?\\s?(?:我们|我司|公司)?(?:已经?|已)(?:提交|上报|核查|核实|处理|记录|转交|反馈)",
    # the borrower reporting what someone said would be done (您说上周有人打电话说要去您公司闹)
    "(?:您|你)(?:刚才|刚刚|之前|上次|昨天)?(?:说|反映|提到)[^。！？!?]{0,12}?(?:有人|有别的公司|别的公司|其他公司|有别家|别家|其他平台|有家公司)[^。！？!?]{0,10}?(?:说|扬言|威胁)(?:要|会)?[^。！？!?，,]{0,20}",
    # someone the borrower reports, disowned (您反映有人用私人微信加您要求转账，请注意那不是我司人员)
    "(?:您|你)(?:反映|说|提到|举报)(?:有人|有个人|对方)[^。！？!?]{0,40}[。，,]\\s*(?:请注意|请您注意|提醒您)?[，,]?(?:那|这|对方|此人|该人)?(?:不是|并非|非)(?:我司|我们|本公司|我行)",
    # a rumour quoted and called untrue (网上流传的「逾期会影响孩子上学」均不属实)
    "[“\"「『][^“”\"「」『』]{1,60}[”\"」』](?:的说法|这种说法|这些说法|等说法)?(?:均|都|全|完全|纯属)?(?:不属实|不实|是谣言|为谣言|系谣言|是假的|不是真的|是误传)",
    # a message quoted and called improper (那条"要去宿舍找您"的消息是不当表述)
    "[“\"「][^“”\"「」]{1,40}[”\"」]的?(?:消息|短信|信息|话|表述|说法)(?:是|属于|系)(?:不当|违规|错误|不妥)",
    # the borrower's stated intention acknowledged as a right (您说如果我们上门您就报警，这是您的权利)
    "(?:您|你)(?:刚才|刚刚|之前|上次|昨天)?(?:说|表示|提到)(?:过)?[^。！？!?，,]{0,30}[，,]\\s*(?:这是|这|那是|这个是)(?:您|你)的(?:权利|自由|正当权利)",
    # the borrower's own threat or curse, acknowledged and answered calmly (您说再催就到我们
    # 公司门口拉横幅，您有表达意见的权利; 您说我们全家不得好死，我们理解您的情绪)
    "(?:您|你)(?:刚才|刚刚|之前|上次|昨天)?(?:在语音里|在留言里|在电话里)?(?:说|讲)[^。！？!?]{0,40}?[，,]\\s*(?:但|不过)?"
    "(?:(?:您|你)有(?:表达|说话|发表)(?:意见|看法|不满)?的(?:权利|自由)|我们(?:能|可以)?(?:理解|明白)(?:您|你)的(?:情绪|心情|感受|难处))",
    # a relative's or friend's own offer to pay reported (收到您的留言，说想替他还款): the offer
    # is theirs, not a demand
    "(?:收到(?:您|你)的(?:留言|消息|语音|短信)[，,]?\\s*|(?:您|你)(?:刚才|刚刚|之前|上次|昨天)?)(?:说|提出|表示)(?:想|要|愿意|打算)(?:替|帮|代)(?:他|她)(?:还|偿还|垫)",
    # a borrower's proposal turned down (您说直接转我个人微信更方便，这个真的不行)
    "(?:您|你)(?:刚才|刚刚|之前|上次|昨天)?(?:说|提出|提议|想|要求|问能不能|问可不可以)[^。！？!?]{0,30}?"
    "(?:[，,？?]\\s*(?:但是?|可是)?(?:(?:很|非常)?(?:抱歉|对不起|不好意思)[，,]?)?(?:这个|这样|那样|这|那个)?|(?:这个|这样|那样|那个))(?:真的|真|确实|恐怕|肯定|绝对|是)?"
    "(?:不行|不可以|不能这样|不能这么|做不到|办不到|不允许|不被允许|不合规|违规的|需要(?:您|你)本人(?:授权|同意|确认))",
    # a borrower's question or worry answered no (您问会不会上门？不会的; 您上次通话提到担心
    # 发到朋友圈，请放心，我行严禁…): the question, then the answer, which ends the framing
    "(?:(?:(?:刚才|刚刚|之前|上次|昨天)?(?:在)?(?:电话里|电话中|通话中|通话时))?(?:您|你)(?:提到|说|讲|回复说?|留言说?|反馈说?)?(?:问|担心|害怕|怕|顾虑|关心|想知道|咨询|询问)|(?:" + "|".join(p + t for p in ("您", "你") for t in (
        "刚才", "刚刚", "之前", "上次", "上回", "昨天", "昨日", "前日", "日前", "一直", "前几天", "此前", "在通话中", "在电话里", "在电话中", "通话时",
        "来电", "来信", "留言"))
    + ")[^。！？!?，,]{0,8}?(?:问|担心|害怕|怕|顾虑|关心|想知道|咨询|询问))" + _ANSWERED_NO,
    # … or other borrowers' (近期有用户咨询逾期是否影响社保、医保或子女上学，在此说明：不会)
    "(?:有|不少|很多|部分|一些)(?:用户|客户|借款人|朋友|人)(?:来电|留言)?(?:咨询|询问|问到|问|关心|担心)" + _ANSWERED_NO,
)
# The search for a negator stops at a conditional connective: in 你没有还款就抓你 the
# negation belongs to the condition, not to the threat.
DEFAULT_NEGATION_STOPS = ("就", "的话", "那", "那么", "否则", "不然", "要不然", "便", "则", "才")
# Negators that open a threat instead of a denial: 别怪我们上门, 不要以为我们不敢, 为避免我们联系您的家人.
DEFAULT_NEGATION_BREAKERS = (
    "别怪", "不要怪", "别以为", "不要以为", "别说", "没有好下场", "别逼", "避免我们", "避免我司", "避免我方",
    "莫逼", "莫怪", "莫要逼", "莫以为", "莫说",
    # "don't, when it happens, say…" (莫到时候磕了碰了又说冇人提醒过你) warns, it does not deny
    "莫到时候", "别到时候", "不要到时候", "别到时",
    # "don't wait until … to regret it" (莫等店里出了事才后悔) warns as well
    "莫等", "别等", "不要等", "莫要等",
    # 侬勿要以为阿拉勿会上门: "don't think we won't" announces that we will
    "勿要以为", "覅以为", "唔好以为", "唔好谂住",
    # "don't make us…" announces what will be done (你最好别让我们的人去"关心"她)
    # (a breaker counts as a prefix: 别让我 covers 别让我们 and 别让我们的人)
    "别让我", "别让兄弟", "不要让我们", "不要让我的", "不要让兄弟", "莫让我们",
)


class _Strict(BaseModel):
    # Validators are built on first validation: a scan that loads the pack from the cache
    # validates none (building them at import took ~20 ms).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Scope(_Strict):
    speakers: tuple[Speaker, ...] = ("collector", "unknown")
    channels: tuple[Channel, ...] | None = Field(
        default=None, description="channels the rule applies to; all when omitted"
    )


class Exceptions(_Strict):
    negation: bool = Field(default=True, description="a negator shortly before the match silences it")
    negators: tuple[str, ...] = DEFAULT_NEGATORS
    breakers: tuple[str, ...] = DEFAULT_NEGATION_BREAKERS
    stops: tuple[str, ...] = DEFAULT_NEGATION_STOPS
    window: int = Field(default=4, ge=1, le=20, description="tokens before the match searched for a negator")
    refutations: tuple[str, ...] = DEFAULT_REFUTATIONS
    framings: tuple[str, ...] = Field(
        default=DEFAULT_FRAMINGS,
        description="regular expressions: a sentence that reports, disowns or denies the tactic is silent",
    )
    quotes: bool = Field(default=True, description="a quoted trigger with a reporting cue is silent")
    reporting: tuple[str, ...] = DEFAULT_REPORTING
    phrases: tuple[str, ...] = Field(
        default=(), description="lawful phrasings: when one occurs in the sentence of the match, it is silent"
    )
    patterns: tuple[str, ...] = Field(default=(), description="like phrases, as regular expressions")
    message_phrases: tuple[str, ...] = Field(
        default=(),
        description="lawful phrasings that silence the match anywhere in its utterance "
        "(a consent stated once for the whole message)",
    )


class ExampleRecord(_Strict):
    """An example with metadata, for rules that read more than the words."""

    text: str
    sent_at: str | None = None
    channel: Channel | None = None


Example = str | ExampleRecord


class Examples(_Strict):
    match: tuple[Example, ...] = Field(min_length=1)
    no_match: tuple[Example, ...] = Field(min_length=1)


def _non_empty_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    for term in terms:
        # Invisible characters (a zero-width space) vanish when the term is normalized.
        if not normalize(term).text.strip():
            raise ValueError("empty term")
    return terms


class After(_Strict):
    """Conversation state: the rule applies only after the other party said one of `terms`
    (打错了, 我不是本人, 别再打了 …) or something `patterns` match in an earlier turn."""

    speakers: tuple[Speaker, ...] = ("borrower", "unknown")
    terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = Field(
        default=(), description="regular expressions, for families of sayings (我是他的 + a relation)")
    until: tuple[str, ...] = Field(
        default=(), description="regular expressions: a later turn of the same speakers that matches "
        "one ends the state (the other party names a time to call: 那就周五下午吧)")

    _check_terms = field_validator("terms")(_non_empty_terms)

    @model_validator(mode="after")
    def _something_to_wait_for(self) -> After:
        if not self.terms and not self.patterns:
            raise ValueError("`after` needs `terms` or `patterns`")
        return self


class RuleBase(_Strict):
    id: str = Field(pattern=r"^[A-Z]{2}\d{3}$")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    category: Category
    severity: Severity
    message: str = Field(min_length=1)
    description: str = ""
    legal_basis: tuple[LegalBasis, ...] = Field(min_length=1)
    responses: tuple[str, ...] = Field(min_length=1)
    # Built without validation: validating them here would build the validators at import.
    scope: Scope = Scope.model_construct()
    exceptions: Exceptions = Exceptions.model_construct()
    after: After | None = None
    min_count: int = Field(
        default=1, ge=1, le=50,
        description="fire only from the Nth match in one document on (the same demand repeated)",
    )
    yields: bool = Field(
        default=False,
        description="report nothing where a rule of severity error (not itself yielding) matches "
                    "in the same document: pressure that belongs to the violation named there",
    )
    examples: Examples


class KeywordsRule(RuleBase):
    """Any of the terms, aligned with jieba token boundaries (a term may span several tokens)."""

    kind: Literal["keywords"]
    terms: tuple[str, ...] = Field(min_length=1)

    _check_terms = field_validator("terms")(_non_empty_terms)


class RegexRule(RuleBase):
    """A regular expression (the `regex` package) over the normalized text of one utterance."""

    kind: Literal["regex"]
    pattern: str = Field(min_length=1)
    token_aligned: bool = Field(
        default=False, description="the match must start and end on jieba token boundaries"
    )
    literals: tuple[str, ...] = Field(
        default=(),
        description="strings of which every match contains one, for the prefilter; "
        "derived from the pattern when omitted",
    )


class ProximityRule(RuleBase):
    """One term of every group within a window of `within` tokens, in one sentence."""

    kind: Literal["proximity"]
    groups: tuple[tuple[str, ...], ...] = Field(min_length=2)
    within: int = Field(default=8, ge=2, le=40)
    ordered: bool = Field(default=False, description="groups must occur in the order given")

    @field_validator("groups")
    @classmethod
    def _check_groups(cls, groups: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
        for group in groups:
            if not group:
                raise ValueError("empty group")
            _non_empty_terms(group)
        return groups


_CLOCK = r"^([01]\d|2[0-3]):[0-5]\d$"


class ContactTimeRule(RuleBase):
    """Contact inside the quiet hours (local time of `sent_at` or of a transcript's header).
    `window` overrides the quiet hours configured for the scan (default 22:00–08:00)."""

    kind: Literal["contact_time"]
    window: tuple[str, str] | None = None

    @field_validator("window")
    @classmethod
    def _check_window(cls, window: tuple[str, str] | None) -> tuple[str, str] | None:
        if window is not None:
            for clock in window:
                if not re.match(_CLOCK, clock):
                    raise ValueError(f"expected HH:MM, got {clock!r}")
        return window


class DailyLimitRule(RuleBase):
    """More than `limit` contacts of one channel with one debtor_id in one local day,
    counted across the batch in input order; the contacts over the limit are flagged."""

    kind: Literal["daily_limit"]
    channel: Channel
    limit: int = Field(ge=1)
    connected_only: bool = Field(default=False, description="count only calls the debtor spoke in")
    examples: Examples | None = None  # type: ignore[assignment]  # needs a batch; tested in tests/


TextRule = KeywordsRule | RegexRule | ProximityRule
RuleSpec = Annotated[
    KeywordsRule | RegexRule | ProximityRule | ContactTimeRule | DailyLimitRule,
    Field(discriminator="kind"),
]


class RuleFile(_Strict):
    rules: tuple[RuleSpec, ...] = Field(min_length=1)
