"""ui.feedback: ratings are stored with question, answer and citations, and export as JSON Lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from qa.schema import Answer, Citation
from ui import feedback


def _answer() -> Answer:
    cite = Citation(1, "001.txt:0012:abc", "001.txt", "关于加快新一代信息技术的实施意见", "三 > 10", "首轮流片费用40%的补助",
                    100, 111, 0.83, issuer="郑州市人民政府", date="2022-06-01", region="郑州市")
    return Answer("那上限呢？", "单个企业每年补助总额不超过500万元[1]。", True, [cite], ["注意有效期"],
                  {"total": 12.5}, rewritten_question="首轮流片补助上限是多少")


def test_record_and_export_roundtrip(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "feedback.sqlite3"
    first = feedback.record(db, _answer(), 1, "  很准确 ")
    refusal = Answer("深圳市首轮流片补助多少", "知识库未覆盖深圳市。", False)
    second = feedback.record(db, refusal, -1)
    assert second > first

    out = tmp_path / "export" / "feedback.jsonl"
    assert feedback.export_jsonl(db, out) == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["rating"] for r in lines] == [1, -1]
    up = lines[0]
    assert up["comment"] == "很准确"
    assert up["question"] == "那上限呢？" and up["rewritten_question"] == "首轮流片补助上限是多少"
    assert "500万元" in up["answer"] and up["answerable"] is True
    assert up["citations"][0]["quote"] == "首轮流片费用40%的补助" and up["citations"][0]["start"] == 100
    assert up["created_at"]
    assert lines[1]["answerable"] is False and lines[1]["citations"] == []
    assert "知识库未覆盖" in out.read_text(encoding="utf-8")  # UTF-8, not \\u escapes


def test_export_to_stream_and_empty_store(tmp_path: Path) -> None:
    buf = io.StringIO()
    assert feedback.export_jsonl(tmp_path / "missing.sqlite3", buf) == 0
    assert buf.getvalue() == ""
    feedback.record(tmp_path / "f.sqlite3", _answer(), -1, "引用不对")
    assert feedback.export_jsonl(tmp_path / "f.sqlite3", buf) == 1
    assert json.loads(buf.getvalue())["comment"] == "引用不对"


def test_rating_must_be_plus_or_minus_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        feedback.record(tmp_path / "f.sqlite3", _answer(), 0)
