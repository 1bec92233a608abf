import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collectlint.io.encoding import decode
from collectlint.io.readers import DocumentReader
from collectlint.io.transcript import TranscriptParser


def test_labels_and_timestamps_give_speakers_and_offsets():
    text = "[00:00:02] 坐席：喂，是王先生吗？\n客户：是我。\n00:01:05 催收员：请尽快还款"
    utterances, labelled, *_ = TranscriptParser().parse(text)
    assert labelled
    assert [u.speaker for u in utterances] == ["collector", "borrower", "collector"]
    assert [u.time for u in utterances] == ["00:00:02", None, "00:01:05"]
    for u in utterances:
        assert text[u.start:u.end] == u.text
    assert utterances[0].text == "喂，是王先生吗？"
    assert [u.line for u in utterances] == [1, 2, 3]


def test_unlabelled_lines_continue_the_previous_speaker():
    utterances, *_ = TranscriptParser().parse("客户：我没钱\n真的没钱\n坐席：理解")
    assert [u.speaker for u in utterances] == ["borrower", "borrower", "collector"]


def test_no_labels_means_one_message_of_the_default_speaker():
    utterances, labelled, *_ = TranscriptParser().parse("您的账单已逾期。\n请尽快还款。")
    assert not labelled
    assert {u.speaker for u in utterances} == {"collector"}


@pytest.mark.parametrize("text", [
    "催收 喂 黄先生吗\n客户 哪个\n催收 你那个钱拖好久了",
    "坐席\u3000您好，请问是何先生吗\n\n  客户  是我",
    "通话时间：2026-11-20 10:15\n催收员 喂 你好\n客户 嗯",
    "[坐席] 喂，请问是何先生吗\n[客户] 是我",
    "【催收】喂 黄先生吗\n【客户】：哪个",
])
def test_a_transcript_exported_without_colons_keeps_its_speakers(text):
    utterances, labelled, *_ = TranscriptParser().parse(text)
    assert labelled
    assert [u.speaker for u in utterances][:2] == ["collector", "borrower"]
    assert all(text[u.start:u.end] == u.text and not u.text.startswith(("催收", "客户", "坐席"))
               for u in utterances)


@pytest.mark.parametrize("text", [
    "客户 您好，您的账单已逾期，请尽快还款。",  # one line: a message
    "客户 您好，您的账单已逾期。\n请尽快还款。",  # not every line opens with a label
    "催收 提醒您\n催收 今天还款",  # one party only
    "【客服】您好，您的账单已逾期，请尽快还款。",  # a sender's name in brackets
    "【客服】您好，您的账单已逾期。\n【客服】请尽快还款。",
])
def test_a_message_that_opens_with_a_label_word_stays_one_message(text):
    utterances, labelled, *_ = TranscriptParser().parse(text)
    assert not labelled
    assert {u.speaker for u in utterances} == {"collector"}


def test_custom_label_map():
    parser = TranscriptParser({"AI": "collector", "客人": "borrower"})
    utterances, *_ = parser.parse("AI：您好\n客人：你好")
    assert [u.speaker for u in utterances] == ["collector", "borrower"]


def test_decode_utf8_bom_and_gb18030():
    text = "还款提醒：您已逾期"
    assert decode(b"\xef\xbb\xbf" + text.encode()) == text
    assert decode(text.encode("gb18030")) == text
    assert decode(text.encode("gbk")) == text


def test_jsonl_records_keep_ids_order_and_metadata(tmp_path):
    path = tmp_path / "batch.jsonl"
    rows = [
        {"id": "a", "text": "你好", "channel": "sms", "collector_id": "C1", "campaign": "M1"},
        {"text": "第二条"},
        {"id": 7, "text": "催收员：请还款\n客户：好", "speaker": "unknown"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    docs = list(DocumentReader().read_file(path))
    assert [d.id for d in docs] == ["a", f"{path}:2", "7"]
    assert docs[0].collector_id == "C1" and docs[0].metadata == {"campaign": "M1"}
    assert docs[2].channel == "call"
    assert [u.speaker for u in docs[2].utterances] == ["collector", "borrower"]


def test_bad_jsonl_lines_become_error_documents_and_the_rest_is_read(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "text": "你好"}\nnot json\n{"id": "x"}\n[1]\n{"text": "末尾"}\n',
                    encoding="utf-8")
    docs = list(DocumentReader().read_file(path))
    assert len(docs) == 5
    assert [d.error is None for d in docs] == [True, False, False, False, True]
    assert "invalid JSON" in docs[1].error
    assert docs[2].id == "x" and "text" in docs[2].error


def test_directories_are_read_recursively_in_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("二", encoding="utf-8")
    (tmp_path / "1.txt").write_text("一", encoding="utf-8")
    (tmp_path / "skip.bin").write_bytes(b"\x00\x01")
    docs = list(DocumentReader().read_paths([str(tmp_path)]))
    assert [d.text for d in docs] == ["一", "二"]


def test_binary_and_missing_files_are_error_documents(tmp_path):
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\xff\x00")
    docs = list(DocumentReader().read_paths([str(binary), str(tmp_path / "missing.txt")]))
    assert [d.error for d in docs] == ["binary content (NUL bytes); expected text", "no such file"]


def test_gb18030_jsonl_is_read_line_by_line(tmp_path):
    path = tmp_path / "gbk.jsonl"
    lines = ['{"id": "a", "text": "请尽快还款"}', '{"id": "b", "text": "你等着"}']
    path.write_bytes("\n".join(lines).encode("gb18030"))
    assert [d.text for d in DocumentReader().read_file(path)] == ["请尽快还款", "你等着"]


def test_an_oversized_document_is_an_error_and_the_batch_goes_on(tmp_path, monkeypatch):
    from collectlint.io import readers

    monkeypatch.setattr(readers, "MAX_DOCUMENT_BYTES", 1000)
    path = tmp_path / "big.jsonl"
    path.write_text('{"id": "a", "text": "一"}\n{"id": "big", "text": "' + "长" * 5000 + '"}\n{"id": "c", "text": "三"}\n',
                    encoding="utf-8")
    docs = list(DocumentReader().read_file(path))
    assert [d.error is None for d in docs] == [True, False, True]
    assert "larger than" in docs[1].error and docs[2].id == "c"
    big = tmp_path / "big.txt"
    big.write_text("长" * 5000, encoding="utf-8")
    [doc] = DocumentReader().read_file(big)
    assert "larger than" in doc.error


def test_undecodable_jsonl_line_is_an_error_of_its_own(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"id": "a", "text": "ok"}\n\xff\xfe\xfd\x80\n{"id": "c", "text": "ok"}\n')
    docs = list(DocumentReader().read_file(path))
    assert [d.error is None for d in docs] == [True, False, True]


@pytest.mark.parametrize(("text", "speakers"), [
    ("客户：喂\n催收员小李：今天必须还", ["borrower", "collector"]),
    ("客户2：喂\n坐席A：今天必须还", ["borrower", "collector"]),
    ("借款人：喂\n催收员（工号1023）：今天必须还", ["borrower", "collector"]),
    ("家属：喂\n催收人员：今天必须还", ["borrower", "collector"]),
    ("Customer: hello\nAgent: 今天必须还", ["borrower", "collector"]),
])
def test_labels_with_a_number_or_name_and_more_role_names(text, speakers):
    utterances, labelled, *_ = TranscriptParser().parse(text)
    assert labelled and [u.speaker for u in utterances] == speakers
    assert utterances[-1].text == "今天必须还"


@pytest.mark.parametrize("text", ["客户您好：您的借款已逾期，请尽快处理。", "借款人张三：限你三日内还清。",
                                  "借款人张某：限你三日内还清。", "催收部门：您的借款已逾期。"])
def test_a_message_that_opens_with_a_salutation_or_sender_is_not_a_call(text):
    utterances, labelled, *_ = TranscriptParser().parse(text)
    assert not labelled and [u.text for u in utterances] == [text]


def test_header_time_line_is_metadata_not_a_turn():
    text = "通话时间：2026-11-20 23:15:00\n坐席：你好\n客户：你好"
    transcript = TranscriptParser().parse(text)
    assert transcript.time == "2026-11-20T23:15:00"
    assert [u.text for u in transcript.utterances] == ["你好", "你好"]
    doc = DocumentReader().from_text(text)
    assert doc.sent_at == "2026-11-20T23:15:00" and doc.channel == "call"


@pytest.mark.parametrize("header", [
    "通话时间：2026年11月20日 23:15", "来电时间：2026/11/20 23:15", "【通话记录 2026-11-20 23:15】",
    "2026-11-20 23:15:00", "[录音时间: 2026.11.20 23:15]"])
def test_header_lines_in_the_usual_formats_give_the_time(header):
    transcript = TranscriptParser().parse(f"{header}\n坐席：你好\n客户：你好")
    assert transcript.time is not None and transcript.time.startswith("2026-11-20T23:15")
    assert [u.text for u in transcript.utterances] == ["你好", "你好"]


@pytest.mark.parametrize(("text", "time"), [
    ("【安信资产】2026-03-04 23:47 王先生，您的欠款今日仍未处理。", "2026-03-04T23:47:00"),
    ("【安信资产】王先生，您的欠款今日仍未处理。2026-03-04 23:47", "2026-03-04T23:47:00"),
    ("王先生，您的欠款今日仍未处理。（发送于2026年3月4日 02:14）", "2026-03-04T02:14:00"),
    ("【安信资产】（发送时间：2026-03-04 23:10）王先生，您的欠款今日仍未处理。", "2026-03-04T23:10:00"),
    ("王先生，您的欠款今日仍未处理。\n2026/3/4 23:47:05", "2026-03-04T23:47:05"),
    ("【安信资产】王先生，您的欠款今日仍未处理。发送时间：2026年3月4日 23点47分", "2026-03-04T23:47:00"),
    # times the message speaks of are not its send time
    ("【安信资产】请于2026-03-04 23:59前还款。", None),
    ("【安信资产】2026-03-04 23:59前请完成还款。", None),
    ("【安信资产】王先生，还款截止时间：2026-03-04 23:59", None),
    ("【安信资产】王先生，还款截止 2026-03-04 23:59", None),
    ("【XX银行】系统将于2026-03-04 23:00至次日02:00维护。", None),
    ("【安信资产】2026-13-04 23:47 请完成还款。", None),  # no such day
])
def test_a_message_shows_its_send_time_at_its_start_or_end(text, time):
    assert TranscriptParser().parse(text).time == time
    if time is not None:
        assert DocumentReader().from_text(text).sent_at == time


@pytest.mark.parametrize(("text", "clock"), [
    ("睡了吗？没睡就回个话。（23:48）", "23:48:00"),
    ("【安信资产】07:40 王先生，您的欠款今日仍未处理。", "07:40:00"),
    ("【安易贷】（发送时间 23:48）孙女士，请于明早九点前处理逾期账单。", "23:48:00"),
    # a screenshot's header: label, sender's number, a relative day, then the sender's name
    ("[截图OCR] 1069 5521 0873  昨天 02:14 【安信资产】王先生，您的欠款已逾期。", "02:14:00"),
    ("昨天 23:10 【XX银行】您的账单已出。", "23:10:00"),
    ("【安信资产】王先生，您的欠款已逾期。 3-4 23:47", "23:47:00"),
    ("【安信资产】王先生，您的欠款已逾期。（3月4日 23时47分）", "23:47:00"),
    ("【安信资产】王先生，请于3-4 23:59前还款。", None),
    ("昨天 23:10 您来电表示下周还款，我们已记录。", None),  # a time the message speaks of
    ("1069 5521 0873  昨天 凌晨2:14 【安信资产】王先生，您的欠款已逾期。", "02:14:00"),
    ("1069 5521 0873 晚上11:20 【安信资产】王先生，您的欠款已逾期。", "23:20:00"),
    ("1069 5521 0873  2月3日 02:14 【安信资产】王先生，您的欠款已逾期。", "02:14:00"),
    ("[截图OCR] 安信资产 昨天 02:14 【安信资产】王先生，您的欠款已逾期。", "02:14:00"),
    ("【XX银行】（时间：18:00前）请完成还款。", None),
    ("【XX资产】时间：22:30 地点：本公司调解室，请准时参加还款协商。", None),  # an appointment
    ("【XX银行】18:00前请完成还款。", None),
    ("【XX银行】9:00-18:00为人工服务时间。", None),
    ("【XX银行】您好，人工服务时间为9:00-21:00", None),
])
def test_a_message_may_show_its_send_time_without_a_date(text, clock):
    doc = DocumentReader().from_text(text)
    assert doc.clock_time == clock and doc.sent_at is None


def test_a_call_takes_its_time_only_from_a_header_line():
    text = "坐席：王先生，请于2026-03-04 23:59前还款\n客户：好的 2026-03-04 23:47"
    assert TranscriptParser().parse(text).time is None


@pytest.mark.parametrize(("text", "clock"), [
    ("[23:41:07] 催收员：喂，睡了没？\n[23:41:10] 客户：几点了", "23:41:07"),
    ("催收员：[07:12:03] 喂\n客户：[07:12:09] 嗯", "07:12:03"),
    ("[00:00:03] 催收员：喂\n[00:00:10] 客户：嗯", None),  # offsets into the recording
    ("[00:41:07] 催收员：喂\n[00:41:10] 客户：嗯", None),  # an excerpt 41 minutes in
    ("[22:15] 催收员：喂\n[22:19] 客户：嗯", None),  # minutes and seconds, or a time: unknown
])
def test_per_turn_stamps_an_hour_or_more_in_are_the_time_of_day(text, clock):
    doc = DocumentReader().from_text(text)
    assert doc.clock_time == clock and doc.sent_at is None
    assert DocumentReader().from_text(text, sent_at="2026-11-20T10:00:00").clock_time is None


def test_bad_sent_at_is_an_input_error(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text('{"id": "x", "text": "你好", "sent_at": "yesterday"}\n', encoding="utf-8")
    [doc] = DocumentReader().read_file(path)
    assert "sent_at" in doc.error


def test_alibaba_style_asr_json(tmp_path):
    path = tmp_path / "call.json"
    path.write_text(json.dumps({"TaskId": "t", "Result": {"Sentences": [
        {"Text": "喂，是王先生吗", "ChannelId": 0, "BeginTime": 440, "EndTime": 3420},
        {"Text": "是我", "ChannelId": 1, "BeginTime": 3500, "EndTime": 5000},
        {"Text": "明天就去你单位", "ChannelId": 0, "BeginTime": 65000, "EndTime": 69000}]}},
        ensure_ascii=False), encoding="utf-8")
    [doc] = DocumentReader().read_file(path)
    assert doc.error is None and doc.channel == "call"
    assert [(u.speaker, u.text, u.time) for u in doc.utterances] == [
        ("collector", "喂，是王先生吗", "00:00"), ("borrower", "是我", "00:03"),
        ("collector", "明天就去你单位", "01:05")]


def test_tencent_style_asr_json_with_role_map(tmp_path):
    path = tmp_path / "call.json"
    path.write_text(json.dumps({"Response": {"Data": {"ResultDetail": [
        {"FinalSentence": "你好", "SpeakerId": 1, "StartMs": 0},
        {"FinalSentence": "你等着", "SpeakerId": 0, "StartMs": 1200}]}}}, ensure_ascii=False),
        encoding="utf-8")
    [doc] = DocumentReader(asr_roles={"1": "collector", "0": "borrower"}).read_file(path)
    assert [u.speaker for u in doc.utterances] == ["collector", "borrower"]


def test_generic_asr_list_with_role_names_and_bad_json(tmp_path):
    path = tmp_path / "call.json"
    path.write_text(json.dumps([{"text": "您好", "role": "agent", "start": 1.5},
                                {"text": "嗯", "role": "客户", "start": 3.0}], ensure_ascii=False),
                    encoding="utf-8")
    [doc] = DocumentReader().read_file(path)
    assert [u.speaker for u in doc.utterances] == ["collector", "borrower"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"foo": 1}', encoding="utf-8")
    [doc] = DocumentReader().read_file(bad)
    assert "not a transcript" in doc.error


def test_csv_rows_with_a_text_column(tmp_path):
    path = tmp_path / "sms.csv"
    path.write_text("编号,短信内容,Channel,collector_id,campaign\nr1,你这个老赖,sms,C1,M1\nr2,,sms,C2,M1\n",
                    encoding="utf-8-sig")
    docs = list(DocumentReader().read_file(path))
    assert [d.id for d in docs] == ["r1", "r2"]
    assert docs[0].text == "你这个老赖" and docs[0].collector_id == "C1"
    assert docs[0].metadata == {"campaign": "M1"}
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("id,text\na,请尽快还款\n".encode("gb18030"))
    assert [d.text for d in DocumentReader().read_file(gbk)] == ["请尽快还款"]
    none = tmp_path / "none.csv"
    none.write_text("a,b\n1,2\n", encoding="utf-8")
    [doc] = DocumentReader().read_file(none)
    assert "no text column" in doc.error


def _lines_one_by_one(data: bytes, limit: int) -> list[tuple[int, bytes | None]]:
    """The reference: every line of `data` on its own, as a JSONL reader sees it."""
    lines = data.split(b"\n")
    ended = data.endswith(b"\n")
    if ended:
        lines.pop()
    out = []
    for k, line in enumerate(lines):
        if not line.strip():
            continue
        ends_with_break = ended or k < len(lines) - 1
        kept = line.rstrip(b"\r") if ends_with_break else line
        out.append((k + 1, None if len(line) > limit else kept))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"{}", b"x" * 7, b"\xe4\xbd\xa0", b"", b" ", b"\r", b"y" * 30]),
                max_size=12).map(b"\n".join),
       st.booleans(), st.integers(1, 40))
def test_blocks_of_lines_give_the_lines_one_by_one(data, final_break, block_bytes):
    """However a file falls into blocks (any block size, lines longer than a block or
    over the document limit, CRLF, blank lines, no final line break), the lines and
    their numbers are those of reading it line by line."""
    import io

    from collectlint.io import readers

    data += b"\n" if final_break else b""
    limit = 20
    original, readers.MAX_DOCUMENT_BYTES = readers.MAX_DOCUMENT_BYTES, limit
    try:
        got = []
        for number, block in readers._line_blocks(io.BytesIO(data), block_bytes):
            got.extend([(number, None)] if block is None else readers.block_lines(block, number))
    finally:
        readers.MAX_DOCUMENT_BYTES = original
    assert got == _lines_one_by_one(data, limit)


def test_a_large_jsonl_file_is_read_in_blocks_with_the_right_line_numbers(tmp_path):
    from collectlint.io.readers import raw_inputs

    path = tmp_path / "batch.jsonl"
    records = [json.dumps({"text": f"第{i}条 请按时还款"}, ensure_ascii=False)
               for i in range(500)]
    lines = [*records[:250], "", *records[250:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raws = list(raw_inputs([str(path)], block_bytes=2000))
    assert len(raws) > 5 and {r.kind for r in raws} == {"lines"}
    docs = [d for r in raws for d in DocumentReader().documents(r)]
    # ids default to file:line; the blank line 251 is skipped, so record 250 is on line 252
    assert [d.id for d in docs][249:251] == [f"{path}:250", f"{path}:252"]
    assert [d.text for d in docs] == [json.loads(r)["text"] for r in records]


_NO_COLON = st.text(alphabet=st.sampled_from(list("坐席客户催收员借款人还钱 \t\u3000\r\n[]【】（）0123456789.,-年月日号时分AaZz还款短信")),
                    max_size=80)


@given(_NO_COLON)
def test_a_text_without_colon_parses_as_the_line_pattern_reads_it(text):
    parser = TranscriptParser()
    for speaker in ("collector", "unknown"):
        assert parser._parse_without_colon(text, speaker) == parser._parse_lines(text, speaker)
    assert parser.parse(text) == parser._parse_lines(text, "collector")


_LINES = st.lists(
    st.tuples(
        st.sampled_from(["", " ", "[00:01:02] ", "23:41:07 ", "通话时间：2026-11-20 23:15\n"]),
        st.sampled_from(["坐席", "客户", "催收员", "催收", "借款人", "借款人张某", "催收员小李", "客户2",
                         "A", "通知", "", "客户说", "坐席 "]),
        st.sampled_from(["：", ":", " ：", "", "：:"]),
        st.sampled_from(["", " ", "\u3000", "[00:00:05]", "12:00:01 ", "\r"]),
        st.text(alphabet=st.sampled_from(list("您好还钱：:[]0123 \r逾期坐席")), max_size=12),
    ).map("".join),
    max_size=8,
).map("\n".join)


@settings(max_examples=400)
@given(_LINES)
def test_plain_label_lines_read_without_the_line_pattern_as_with_it(text):
    """Lines of a label, its colon and words are read without the line pattern; every
    other line with it. Reading every line with the pattern gives the same transcript."""
    from collectlint.io import transcript

    class Everything:
        def __contains__(self, item):
            return True

    parser = TranscriptParser()
    quick = parser._parse_lines(text, "collector")
    kept = transcript._NOT_PLAIN_AFTER_COLON
    transcript._NOT_PLAIN_AFTER_COLON = Everything()  # no line takes the quick way
    try:
        assert parser._parse_lines(text, "collector") == quick
    finally:
        transcript._NOT_PLAIN_AFTER_COLON = kept


@pytest.mark.parametrize("text", [
    "说话人1：喂，张先生吗？我是安信资产的，工号1023。\n说话人2：是我，什么事？\n说话人1：您的借款逾期了，今天能处理一下吗？",
    "发言人1 00:00\n喂，张先生吗？我是安信资产的，工号1023。\n\n发言人2 00:04\n是我，什么事？\n\n"
    "发言人1 00:07\n您的借款逾期了，\n今天能处理一下吗？",
    "说话人 2 00:00 喂 谁啊\n说话人 1 00:02 我是XX消费金融贷后的 您的借款逾期了\n说话人 2 00:05 我没钱",
    "Speaker 1: 这里是XX银行信用卡中心，您的账单逾期了。\nSpeaker 2: 哪位？\nSPEAKER 1: 请尽快处理一下。",
    "通话时间：2026-11-20 10:15\n角色1：您好，我是XX消费金融的，工号L5502。\n角色2：什么事？",
])
def test_numbered_speakers_get_roles_from_what_they_say(text):
    utterances, labelled, *_ = TranscriptParser().parse(text)
    assert labelled
    for u in utterances:
        assert text[u.start:u.end] == u.text
        assert not u.text.startswith(("说话人", "发言人", "Speaker", "SPEAKER", "角色"))
        # the collector names a company or the debt; the other party asks who is calling
        assert u.speaker == ("borrower" if u.text.startswith(("是我", "喂 谁", "我没钱", "哪位", "什么事"))
                             else "collector")


def test_numbered_speakers_carry_the_time_of_their_line():
    text = "发言人1 00:00\n喂，我是安信资产的。\n\n发言人2 00:04\n谁啊？\n发言人1 00:06 您的借款逾期了。"
    utterances, *_ = TranscriptParser().parse(text)
    assert [u.time for u in utterances] == ["00:00", "00:04", "00:06"]


def test_numbered_speakers_without_a_telling_word_stay_unknown_unless_named():
    text = "说话人1：喂\n说话人2：喂？\n说话人1：听得到吗"
    utterances, labelled, *_ = TranscriptParser().parse(text)
    assert labelled and {u.speaker for u in utterances} == {"unknown"}
    named = TranscriptParser({"说话人2": "collector"}).parse(text).utterances  # the settings name one
    assert [u.speaker for u in named] == ["borrower", "collector", "borrower"]


@pytest.mark.parametrize("text", [
    "角色1一直没说话，请问这个怎么处理？",  # a message that mentions one
    "您好，下面是录音：\n说话人1：喂\n说话人2：喂",  # words before the first speaker
    "说话人1：您的账单已逾期，请尽快还款。",  # one speaker line
])
def test_text_that_only_mentions_a_numbered_speaker_is_a_message(text):
    utterances, labelled, *_ = TranscriptParser().parse(text)
    assert not labelled and {u.speaker for u in utterances} == {"collector"}


def test_a_numbered_borrower_repeating_a_threat_is_not_a_finding():
    from collectlint import Linter

    text = ("说话人1：喂，我是安信资产的，工号1023，您的借款逾期了。\n"
            "说话人2：你们上次说要爆我通讯录，还说要打断我的腿？\n"
            "说话人1：没有的事，我们不会那样做，您可以申请分期。")
    report = Linter().scan(text)
    assert report.documents[0].channel == "call" and report.findings == []
    threat = text.replace("没有的事，我们不会那样做，您可以申请分期。", "再不还钱，找人打断你的腿。")
    assert {f.speaker for f in Linter().scan(threat).findings} == {"collector"}


def test_a_header_time_before_numbered_speakers_is_read():
    text = "通话时间：2026-11-20 23:15\n说话人1：喂，我是安信资产的。\n说话人2：这么晚了谁啊？"
    transcript = TranscriptParser().parse(text)
    assert transcript.time == "2026-11-20T23:15:00"
    assert [u.speaker for u in transcript.utterances] == ["collector", "borrower"]
