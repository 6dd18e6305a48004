"""Shared pieces of the answering engine (:mod:`assistant.qa.engine`) and its route modules: the question
regexes, the :class:`Scope` a question is answered in, and small text helpers used by several routes.

Kept in one module that imports no route module, so that the route mixins never import ``engine`` or each
other; ``engine`` re-exports the public names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..documents import Document

FINDINGS_RE = re.compile(r"(不一致|问题|错误|差错|异常|疑点|矛盾|有误|不符|对不上|勾稽)")
FINDINGS_ASK_RE = re.compile(r"(哪些|什么|有没有|有无|是否|列出|几处|多少处|几个|存在)")
CHECK_RE = re.compile(r"(复核|核对|核实|核算|验证|校验|对不对|是否正确|算得对|算对|重新计算|复算)")
COMPARE_RE = re.compile(r"(最高|最低|最多|最少|最大|最小|垫底|倒数第一|最差|最好|排第一|第一名|排名|排第|前[三五十]|后[三五]|哪个项目|哪些项目|哪一个|哪项)")
OP_SHARE = re.compile(r"(除以|÷|占比|占.{0,12}(比例|比重|百分之|百分比|多少%|的%|几成)|比重|比例)")
OP_RATIO = re.compile(r"(几倍|多少倍|倍数|是.{0,10}的.{0,3}倍)")
OP_SUM = re.compile(r"(加起来|加一块|加一起|加在一起|合在一起|加上|总共|之和|总和|一共|共计|合起来|加总|相加|两项合计|合计是多少|合计多少|合计$|合计为多少|总计$)")
OP_DIFF = re.compile(r"(减去|减掉|扣掉|相差|差额|差多少|差几|差了?多大|(增加|减少|增长|下降|变化|变动)了?多少|差了|多多少|少多少|高多少|低多少|多了|少了|差距|超出|节约|结余多少|还剩|没花完|没用完|"
                     r"没执行|未执行|尚未执行|没花|未花|剩余多少|剩下多少|比.{1,20}(多|少|高|低))")
ORG_RE = re.compile(r"([\u4e00-\u9fff]{2,10}?(局|委(?![员托])|办(?![公理法事])|(?<![全内外总])部(?![门分署])|中心|厅|管委会|开发区|"
                    r"高新区|新区))")

NOT_FOUND_PREFIX = "资料库中没有找到"
CHANGE_Q_RE = re.compile(r"(比|较|与|跟|和)(上年|去年|上一年度?|上年度)|同比|上年(多|少|增|减)")
GENERIC_TERMS = ("支出", "收入", "资金", "经费", "实际", "实际支出")  # operand words that name no subject of their own
NUMERIC_Q_RE = re.compile(r"多少|几(个|项|人|批|次|家|辆|位|名|场|成|分)|是几|百分之几|占比|比例|比重|金额|总额|数额|万元|几$")
WHICH_OF_TWO_RE = re.compile(r"(哪个|哪一个|哪项|哪一项|哪块|哪一块|哪边|谁)(的)?([\u4e00-\u9fff]{0,4}?|[\u4e00-\u9fff]{0,6}率|完成(?:年初|全年)?预算的?(?:比例|百分比))(更|比较)?(高|低|多|少|大|小|快|慢)|"
                             r"(高|低|多|少|大|小|快|慢)还是(高|低|多|少|大|小|快|慢)")
# “还有多少没执行”, “预算还剩多少没花”: budget minus what was spent, the two columns implied
IMPLIED_REMAIN_RE = re.compile(r"(没用掉|没花出去|没花掉|未用掉|结余了?多少|余下|没执行|未执行|尚未执行|没有执行|还剩|剩下|剩余|没花|未花|没有花|没用完|未用完|没支出|未支出|没支付|未支付|没付|没拨付|未拨付)")
RANK_ROWS_RE = re.compile(r"哪(一|个|些)?(明细|具体|细项)?(类|项|种|款|笔|科目|资产|支出)|哪(一|个|些)?(明细|细项)|什么(支出|资产|科目)|"
                          r"(科目|类|款)[^，,。？?]{0,3}哪(个|一个)")
# “花在哪了”, “主要干嘛用了”: what the money was used for
USAGE_RE = re.compile(r"花在哪|花到哪|用在哪|用到哪|用哪了|用于什么|用途|干什么用|做什么用|干嘛用|干啥用|干嘛了|干啥了|用来干|拿来干|用来做|"
                      r"花在了?什么|用在了?什么|主要用于")
GROWTH_WHY_RE = re.compile(r"(翻了?一?番|翻了?[一两二几]?倍|增长了?一倍|增加了?一倍|成倍)")
WHY_RE = re.compile(r"(为什么|为何|为啥|咋会|咋就|原因|理由|措施|建议|哪些问题|什么问题|怎么|如何|做法|经验)")
BUDGET_WORD_RE = re.compile(r"(?<!一般公共)(?<!基金)(?<!资本经营)预算(?!执行率|完成率)")
GRADE_Q_RE = re.compile(r"(评级|评价等级|等级|评价结果|评定为|定级)")
GRADE_SENT_RE = re.compile(r"(绩效评级|评价等级|评价级别|评级|等级|评价结果)\s*(?:为|是|评定为|：|:)\s*[“\"「]?\s*(优秀|优|良好|良|中等|中|合格|不合格|差)\s*[”\"」]?")
SECTION_INLINE = {
    "problem": r"(存在的?(主要)?问题|主要问题|问题及原因)\s*[:：]",
    "measure": r"(改进措施|整改措施|有关建议|意见建议|改进建议|对策建议)[^。；]{0,8}[:：]",
}
# questions that ask for one part of an evaluation (its problems, its measures): (question words, heading words,
# headings to skip, extra query words)
SECTION_ASKS = {
    "problem": (r"问题|不足|短板|薄弱|毛病|缺陷|欠缺", r"问题|不足", r"整改|建议|措施|对策", "存在的问题 主要问题 问题及原因分析"),
    "measure": (r"措施|建议|改进|对策|整改|怎么改|如何改|下一步|打算怎么|准备怎么", r"措施|建议|改进|对策|整改", r"问题",
                "改进措施 意见建议 下一步 对策"),
}
OP_WORDS_RE = re.compile(r"(多出来|多出|超出了|超出|超了|超过了|那项|这项|那一项|这一项|除以|多还是少|少还是多|高还是低|低还是高|大还是小|小还是大|还是|一共|合计|加起来|之和|总和|共计|合起来|加总|相加|相差|差额|差多少|差了|多多少|少多少|高多少|低多少|"
                         r"减掉|减去|还剩多少|还剩|剩多少|两类|三类|几类|花得|用得|花的|没花出去|没花掉|没用掉|未用掉|保留[一两二三四0-9]位小数|保留整数|四舍五入|精确到[^，,。？?]{0,4}|比重|两块|三块|几块|这几项|三项|之间|差几个点|差几个百分点|差多少个百分点|差几分|差多少|差了?多少|差几|高几个百分点|低几个百分点|高了|低了|多了|少了|多|少|高|低|几个百分点|百分点|是多少|多少|几倍|"
                         r"的百分比|百分比|的比例|比例|占比|百分之几|两项|两个|(?<=[个两几这那些])项目(?!支出)|项目(?=[，,？?|]))")


@dataclass
class Scope:
    docs: list[Document]
    named: bool
    note: str = ""
    prior_of: int | None = None  # the year asked is the year before this report's (2023年… of a 2024 report)


# ---------------------------------------------------------------------- helpers
def _cut(text: str, n: int = 120) -> str:
    t = re.sub(r"\s+", " ", text or "").strip()
    return t if len(t) <= n else t[:n] + "……"


def _is_num_text(text: str) -> bool:
    from ..numbers import parse_number

    return parse_number(text) is not None
