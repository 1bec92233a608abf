"""Transcripts exported by speech recognition with numbered speakers and no roles
(说话人1, 发言人 2, Speaker 1), as text exports of meeting and call recognition tools write
them: the speaker and perhaps the time on a line, the words after a colon or on the lines
below.

    发言人1 00:00
    喂，您好，请问是张先生吗？我是安信资产的，工号1023。

    发言人2 00:04
    对，什么事？

Which number is the collector is not written anywhere; it is read from what each speaker
says: the collector names a company, a 工号 and the debt, the other party asks who is
calling or says there is no money. When the words do not tell (a tie, or no cue at all),
every speaker stays `unknown`, which the collector's rules still read: a finding is not
lost for want of a role, at the risk of reading the other party too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from collectlint.models import Speaker, Utterance

# A speaker line: the numbered speaker, perhaps a time (00:04, 00:01:23, in brackets or
# not), then a colon and the words, or the words after a space, or nothing (the words
# follow on the next lines).
_SPEAKER_LINE = re.compile(
    r"[ \t\u3000]*(说话人|发言人|讲话人|角色|speaker|spk)[ \t\u3000]*(\d{1,2})"
    r"(?:[ \t\u3000]*[\[（(]?[ \t\u3000]*(\d{1,2}:\d{2}(?::\d{2})?)[ \t\u3000]*[\]）)]?)?"
    r"(?:[ \t\u3000]*[：:][ \t\u3000]*|[ \t\u3000]+|$)(.*)",
    re.IGNORECASE,
)
_OPENINGS = ("说话人", "发言人", "讲话人", "角色",
             "Speaker", "speaker", "SPEAKER", "spk", "Spk", "SPK")
_BLANK = " \t\u3000\r\n"


def may_be_diarized(text: str) -> bool:
    """Whether the first line, or the line after a header, opens with a numbered speaker:
    a test of two C-level calls for nearly every text (a search of the whole text for the
    speaker words cost 24 ns a character, a tenth of a scan at 2 % candidate sentences)."""
    first = text.lstrip(_BLANK)
    if first.startswith(_OPENINGS):
        return True
    i = first.find("\n") + 1
    if i == 0:
        return False
    while i < len(first) and first[i] in _BLANK:
        i += 1
    return first.startswith(_OPENINGS, i)


# What a collector says and the other party does not, and the reverse; counted per speaker.
_COLLECTOR_CUES = re.compile(
    "我是|我们是|我这边是|这里是|工号|贷后|催收|委托|逾期|欠款|借款|账单|本金|罚息|违约金|"
    "分期|减免|结清|征信|还款日|应还|待还|您的账户|你的账户|处理一下|尽快处理")
_OTHER_PARTY_CUES = re.compile(
    "没钱|打错了|我不是|不是本人|别再打|别打了|不要再打|哪位|谁啊|你是谁|哪里的|什么事|"
    "宽限|发工资|我会还|我尽快|我不认识")


def diarized_turns(
    text: str, labels: Mapping[str, Speaker], is_header: Callable[[str], bool],
) -> list[Utterance] | None:
    """The turns of a transcript with numbered speakers, one utterance per line of words,
    each with its speaker's role; None when `text` is not one (fewer than two speaker lines,
    or words before the first). `labels` may name a numbered speaker's role (说话人1 =
    collector in the settings), which then stands; `is_header` tells a header line (the
    time of the call) that may come first."""
    lines = text.split("\n")
    turns: list[tuple[str, int, int, str, str | None]] = []  # speaker, line, start, words, time
    speaker: str | None = None
    pending: str | None = None  # the time of a speaker line whose words come below it
    speaker_lines = 0
    start = 0
    for number, line in enumerate(lines, start=1):
        at, start = start, start + len(line) + 1
        if not line.strip():
            continue
        m = _SPEAKER_LINE.match(line)
        if m is not None:
            speaker = f"{m.group(1)}{m.group(2)}".lower()
            speaker_lines += 1
            words, words_at, stamp = m.group(4).rstrip(), at + m.start(4), m.group(3)
        elif speaker is None:
            if is_header(line.rstrip("\r")):
                continue
            return None  # words before any speaker: not such a transcript
        else:
            lead = len(line) - len(line.lstrip(" \t\u3000"))
            words, words_at, stamp = line[lead:].rstrip(), at + lead, pending
        pending = None
        if words:
            turns.append((speaker, number, words_at, words, stamp))
        elif m is not None:
            pending = stamp
    if speaker_lines < 2 or not turns:
        return None
    roles = _roles(turns, labels)
    return [Utterance(i, roles[who], at, at + len(words), words, number, stamp)
            for i, (who, number, at, words, stamp) in enumerate(turns)]


def _roles(turns: list[tuple[str, int, int, str, str | None]],
           labels: Mapping[str, Speaker]) -> dict[str, Speaker]:
    """Each numbered speaker's role: as `labels` names it, else the collector is the one
    speaker whose words hold clearly more collector cues than the others'; the rest are the
    other party. No clear collector: every unnamed speaker is `unknown`."""
    score: dict[str, int] = {}
    for who, _, _, words, _ in turns:
        score[who] = (score.get(who, 0) + len(_COLLECTOR_CUES.findall(words))
                      - len(_OTHER_PARTY_CUES.findall(words)))
    by_name = {name.lower(): role for name, role in labels.items()}
    named = {who: by_name[who] for who in score if who in by_name}
    if "collector" in named.values():
        return {who: named.get(who, "borrower") for who in score}
    ranked = sorted((s, who) for who, s in score.items() if who not in named)
    if ranked and ranked[-1][0] >= 1 and (len(ranked) == 1 or ranked[-1][0] > ranked[-2][0]):
        collector = ranked[-1][1]
        return {who: named.get(who, "collector" if who == collector else "borrower")
                for who in score}
    return {who: named.get(who, "unknown") for who in score}
