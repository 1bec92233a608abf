"""A borrower's view of a report: the verdict in plain Chinese, what each finding breaks,
the steps to take in order, where to complain, and a draft reply to send.

Everything here is assembled from the findings and the responses of the rule pack;
this module detects nothing.
"""

from __future__ import annotations

from collectlint.models import CATEGORIES, DocumentResult, Finding, Response

# Practical responses that name a place to complain or report.
_CHANNEL_PREFIXES = ("complain-", "report-", "call-", "civil-suit")

# How each category reads in the reply to the collector.
_CONDUCT = {
    "threat_violence": "以人身或财产安全相威胁",
    "intimidation": "以上门、告知家人或单位等方式恐吓施压",
    "harassment": "频繁或在休息时间联系、拒绝后仍继续催讨",
    "insult": "使用侮辱性语言",
    "impersonation": "冒充司法机关、公安、政府或律师",
    "false_legal": "夸大或虚构法律后果",
    "third_party": "向与债务无关的第三人催收或透露我的债务",
    "privacy_exposure": "扬言或实际公开我的个人信息",
    "fee_abuse": "收取合同外费用或要求转入个人账户",
    "identity": "不表明所属机构与工号",
}


def _verdict(findings: list[Finding]) -> str:
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    if errors:
        kinds = "、".join(dict.fromkeys(CATEGORIES[f.category] for f in errors))
        return f"这段催收内容很可能违法违规：发现 {len(errors)} 处明确违规（{kinds}）。"
    if warnings:
        return f"这段催收内容有 {len(warnings)} 处需要注意的地方，可能违规，建议保留证据并核实。"
    return "没有发现违规催收的内容。正常的欠款提醒、征信提示和依法起诉的告知都是允许的。"


def _ordered_responses(findings: list[Finding]) -> tuple[list[Response], list[Response], list[Response]]:
    """(guide steps by section, practical steps, complaint channels), each without repeats."""
    seen: dict[str, Response] = {}
    for f in findings:
        for r in f.responses:
            seen.setdefault(r.id, r)
    guide = sorted((r for r in seen.values() if r.section),
                   key=lambda r: tuple(int(x) for x in (r.section or "0").split(".")))
    channels = [r for r in seen.values() if r.section is None and r.id.startswith(_CHANNEL_PREFIXES)]
    practical = [r for r in seen.values() if r.section is None and r not in channels]
    return guide, practical, channels


def draft_reply(findings: list[Finding]) -> str:
    conduct = "；".join(dict.fromkeys(_CONDUCT[f.category] for f in findings))
    laws = "、".join(dict.fromkeys(b.law for f in findings for b in f.legal_basis[:1]))
    return (
        "您好。关于我的借款，我愿意在合法的框架内协商还款。"
        f"但贵方在联系我时存在以下行为：{conduct}。"
        f"这些做法不符合{laws}等规定。"
        "请立即停止上述行为，今后只通过书面方式与我本人联系，并告知贵方公司全称、委托关系和工号。"
        "我已保存相关录音和截图；如再发生，我将向监管部门投诉。"
        "我希望尽快与贵方商定一个切实可行的还款方案。"
    )


def render(doc: DocumentResult) -> str:
    if doc.status == "error":
        return f"无法读取 {doc.source}：{doc.error}\n"
    findings = doc.findings
    out = [f"【结论】{_verdict(findings)}", ""]
    if not findings:
        return "\n".join(out) + "\n"
    out.append("【发现的问题】")
    for n, f in enumerate(findings, start=1):
        laws = "；".join(f"{b.law}{b.article}" for b in f.legal_basis)
        level = "明确违规" if f.severity == "error" else "需注意" if f.severity == "warning" else "提示"
        out.append(f"{n}. 「{f.match}」（第{f.line}行）— {CATEGORIES[f.category]}，{level}：{f.message}")
        out.append(f"   依据：{laws}")
    guide, practical, channels = _ordered_responses(findings)
    out += ["", "【接下来怎么做】"]
    for n, r in enumerate([*practical, *guide], start=1):
        source = f"（协商指南第{r.section}节）" if r.section else ""
        out.append(f"{n}. {r.title}{source}：{r.advice}")
    if channels:
        out += ["", "【可以向哪里投诉】"]
        out += [f"- {r.title}：{r.advice}" for r in channels]
    out += ["", "【可以发给对方的回复（请按实际情况修改）】", draft_reply(findings)]
    return "\n".join(out) + "\n"
