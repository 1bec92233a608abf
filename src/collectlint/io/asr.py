"""JSON transcripts from speech recognition: a list of sentences with a speaker or channel
and begin/end times, in the shapes the major Chinese cloud ASR services return.

Recognised shapes (keys are matched without regard to case):
- Alibaba Cloud file transcription: {"Result": {"Sentences": [{"Text", "ChannelId",
  "SpeakerId", "BeginTime", "EndTime"}]}} (times in ms)
- Tencent Cloud file transcription: {"Response": {"Data": {"ResultDetail": [{"FinalSentence",
  "SpeakerId", "StartMs", "EndMs"}]}}}
- Generic: a list of sentences, or {"sentences"|"segments"|"utterances": [...]}, each with
  "text"|"sentence"|"content", and "speaker"|"role"|"spk"|"speaker_id"|"channel"|"channel_id",
  and "begin"|"start"|"begin_time"|"start_time"|"bg" (ms, or seconds when fractional)
- A single record like a JSONL line ({"text": …, "id": …}) is read as one.

Speaker or channel ids map to roles through `roles` (default: 0 → collector, 1 → borrower,
as in dual-channel call-centre recordings where the agent is the first channel); role
names (坐席, 客户, agent, customer …) go through the speaker-label map. The document text is
the transcript rendered one sentence a line, `[mm:ss] 坐席：…`, and offsets refer to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from collectlint.errors import InputError
from collectlint.models import Speaker

DEFAULT_ROLES: dict[str, Speaker] = {"0": "collector", "1": "borrower"}
_ROLE_WORDS: dict[str, Speaker] = {
    "agent": "collector", "collector": "collector", "staff": "collector",
    "customer": "borrower", "borrower": "borrower", "client": "borrower", "user": "borrower",
}
_TEXT = ("text", "sentence", "finalsentence", "content", "onebest", "transcript")
_WHO = ("speakerid", "speaker_id", "speaker", "role", "spk", "channelid", "channel_id", "channel")
_BEGIN = ("begintime", "begin_time", "begin", "startms", "start_time", "start", "bg")
_LABEL = {"collector": "坐席", "borrower": "客户", "unknown": "未知"}


def _lower_keys(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in obj.items()}


def _sentences(data: Any) -> list[dict[str, Any]] | None:
    if isinstance(data, list):
        return [_lower_keys(s) for s in data if isinstance(s, dict)]
    if not isinstance(data, dict):
        return None
    d = _lower_keys(data)
    for path in (("result", "sentences"), ("response", "data", "resultdetail"), ("sentences",),
                 ("segments",), ("utterances",), ("data", "sentences"), ("result",)):
        node: Any = d
        for key in path:
            node = _lower_keys(node).get(key) if isinstance(node, dict) else None
        if isinstance(node, list):
            return [_lower_keys(s) for s in node if isinstance(s, dict)]
    return None


def _first(sentence: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((sentence[k] for k in keys if sentence.get(k) is not None), None)


def _clock(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    seconds = value if isinstance(value, float) and value < 36000 and value != int(value) else value / 1000
    seconds = int(seconds)
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def is_single_record(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("text"), str)


def render_transcript(data: Any, roles: Mapping[str, Speaker] | None,
                      labels: Mapping[str, Speaker]) -> str:
    """The transcript text, one sentence a line, with speaker labels the parser reads back."""
    sentences = _sentences(data)
    if not sentences:
        raise InputError("JSON is not a transcript: expected a list of sentences with text")
    roles = {**DEFAULT_ROLES, **(roles or {})}
    lines = []
    for s in sentences:
        text = _first(s, _TEXT)
        if not isinstance(text, str):
            continue
        who = _first(s, _WHO)
        if isinstance(who, str) and (who in labels or who.lower() in _ROLE_WORDS):
            role: Speaker = labels.get(who) or _ROLE_WORDS[who.lower()]
        else:
            role = roles.get(str(who), "unknown") if who is not None else "unknown"
        clock = _clock(_first(s, _BEGIN))
        body = " ".join(text.split("\n"))
        lines.append(f"[{clock}] {_LABEL[role]}：{body}" if clock else f"{_LABEL[role]}：{body}")
    if not lines:
        raise InputError("JSON transcript has no sentence with text")
    return "\n".join(lines)
