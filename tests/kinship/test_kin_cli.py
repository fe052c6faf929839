"""``xuncha kin``: the JSON-lines format, the Chinese table and the exit code."""

from __future__ import annotations

import json

import pytest

from xuncha.kinship.cli import kin_command


def _lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_json_line_is_exactly_the_documented_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert kin_command(["岳父"], as_json=True) == 0
    assert _lines(capsys) == [
        '{"term": "岳父", "chains": ["w,f"], "category": "in_law", "categories": ["in_law"], "statutory": true}'
    ]


def test_json_ambiguous_and_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    assert kin_command(["大伯", "表哥", "不认识的人", "阿姨"], as_json=True) == 1
    records = [json.loads(line) for line in _lines(capsys)]
    assert records[0] == {
        "term": "大伯",
        "chains": ["h,ob", "f,ob"],
        "category": "ambiguous",
        "categories": ["in_law", "collateral3"],
        "statutory": True,
    }
    assert records[1]["category"] == "collateral3"
    assert records[1]["chains"] == ["f,xs,s", "m,xb,s", "m,xs,s"]
    assert records[2] == {
        "term": "不认识的人",
        "chains": [],
        "category": "unknown",
        "categories": [],
        "statutory": False,
    }
    assert records[3]["category"] == "ambiguous" and records[3]["statutory"] is False


def test_json_non_statutory_is_false(capsys: pytest.CaptureFixture[str]) -> None:
    assert kin_command(["叔公", "妻子的表姐的丈夫"], as_json=True) == 0
    records = [json.loads(line) for line in _lines(capsys)]
    assert [r["category"] for r in records] == ["other_kin", "other_kin"]
    assert not any(r["statutory"] for r in records)


def test_chinese_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert kin_command(["岳父", "表弟", "叔公", "配偶", "父亲", "大伯"], as_json=False) == 0
    out = capsys.readouterr().out
    for text in ("称谓", "亲属链", "是否法定回避", "近姻亲", "三代以内旁系血亲", "其他亲属"):
        assert text in out
    assert "夫妻关系" in out and "直系血亲" in out and "有歧义" in out
    assert kin_command(["xyz"], as_json=False) == 1
    assert "无法识别" in capsys.readouterr().out


def test_the_click_command_is_wired() -> None:
    from click.testing import CliRunner

    from xuncha.cli import main

    result = CliRunner().invoke(main, ["kin", "岳父", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["category"] == "in_law"
