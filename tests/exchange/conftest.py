"""A small bundle with departmental tables: the lead's county data plus subsidies and payroll."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

COUNTY = Path(__file__).parent.parent / "screening" / "data" / "county"

SUBSIDIES = """项目,身份证号,姓名,金额,期间,审批单位,地址,来源
低保,511324197503081237,王明,500,2024-03,U1,某村,民政局
特困,,张三,abc,2024-04,U1,某村,
低保,P-K1,刘芳,300,2024年5月,U1,,
"""

PAYROLL = """单位,身份证号,姓名,期间,金额
U1,511324197503081237,王明,2024-03,8000
U1,,李四,2024-03,6000
"""


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    out = tmp_path / "bundle"
    shutil.copytree(COUNTY, out)
    (out / "subsidies.csv").write_text(SUBSIDIES, encoding="utf-8")
    (out / "payroll.csv").write_text(PAYROLL, encoding="utf-8")
    return out


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


def add_row(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")
