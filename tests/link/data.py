"""A small county for the linkage tests: filler persons (so that u probabilities and the prior
look like a real population) and the crafted hard cases."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from xuncha.identity.idcard import make_id

SEED = 20260415
COUNTY = "511324"  # 仪陇县
HOME = "四川省南充市仪陇县"

ZHANG_LI = make_id(COUNTY, date(1980, 3, 15), 22)
LIU = make_id(COUNTY, date(1975, 6, 9), 31)
WANG = make_id(COUNTY, date(1966, 11, 2), 11)
ZHAO = make_id(COUNTY, date(1971, 4, 18), 13)
LI_MING = make_id(COUNTY, date(1958, 8, 21), 15)
CHEN = make_id(COUNTY, date(1960, 2, 3), 17)
OLD_ZHAO = ZHAO[:6] + ZHAO[8:17]  # 15-digit form
COMPANY = "91511324MA6XXXXX1A"


def swapped(number: str) -> str:
    """Two adjacent digits swapped (positions 14 and 15, which differ here)."""
    i = next(i for i in range(12, 16) if number[i] != number[i + 1])
    return number[:i] + number[i + 1] + number[i] + number[i + 2 :]


def one_digit(number: str) -> str:
    i = 9
    digit = str((int(number[i]) + 3) % 10)
    return number[:i] + digit + number[i + 1 :]


CASES = [
    ("张丽", ZHANG_LI, "女", "1980-03-15", HOME + "新政镇观音村5组49号"),
    ("刘德华", LIU, "男", "1975-06-09", HOME + "金城镇红星村2组8号"),
    ("王强", WANG, "男", "1966-11-02", HOME + "立山镇杨家村9组12号"),
    ("赵敏", ZHAO, "女", "1971-04-18", HOME + "马鞍镇水井村7组20号"),
    ("李明", LI_MING, "男", "1958-08-21", HOME + "双胜镇梨园村3组123号"),
    ("陈刚", CHEN, "男", "1960-02-03", HOME + "度门镇印盒村1组148号"),
]

_SURNAMES = "欧阳司马上官诸葛东方皇甫尉迟公孙慕容长孙宇文"
_GIVEN = "翊珩瑾琰璟琛曦骞湛蔚霁翎绮璇缙瀚岚曜"
_TOWNS = ("永乐镇油房村", "芭蕉镇碑垭村", "大寅镇长岭村", "杨桥镇三合村", "五福镇凤凰村", "铜鼓镇荷花村")


def filler(n: int, rng: random.Random) -> list[list[str]]:
    rows = []
    for k in range(n):
        surname = _SURNAMES[2 * rng.randrange(len(_SURNAMES) // 2) :][:2]
        name = surname + rng.choice(_GIVEN) + rng.choice(_GIVEN)
        birth = date(1940, 1, 1) + timedelta(days=rng.randrange(25_000))
        number = make_id(COUNTY, birth, 100 + k)
        gender = "男" if int(number[16]) % 2 else "女"
        address = f"{HOME}{rng.choice(_TOWNS)}{rng.randrange(1, 12)}组{rng.randrange(1, 150)}号"
        rows.append(["", number, name, gender, birth.isoformat(), address])
    return rows


def write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


SUBSIDY_HEADER = ["program", "recipient", "name", "birth_date", "gender", "address", "amount", "period"]
# one row per hard case; the row number in the file is the list index + 2
SUBSIDIES = [
    ["低保", "", "张莉", "1980-03-15", "女", HOME + "新政镇观音村5组49号", "300", "2024-03"],  # 2 homophone
    ["低保", "", "劉德華", "1975.06", "", "仪陇县金城镇红星村2组8号", "300", "2024-03"],  # 3 traditional, month only
    ["低保", swapped(WANG), "王强", "", "", "", "300", "2024-03"],  # 4 transposed digits
    ["低保", one_digit(WANG), "王强", "", "", "", "300", "2024-03"],  # 5 one wrong digit
    ["低保", OLD_ZHAO, "赵敏", "", "", "", "300", "2024-03"],  # 6 15-digit number
    ["低保", "", "李明", "", "男", "双胜镇梨园村3组123号", "300", "2024-03"],  # 7 abbreviated address
    ["低保", "", "陈刚", "1990-02-03", "男", HOME + "永乐镇油房村3组1号", "300", "2024-03"],  # 8 namesake, other year
    # 9 one wrong digit, but name, birth date, gender and address all agree: the other fields link it
    ["低保", one_digit(LIU), "刘德华", "1975-06-09", "男", HOME + "金城镇红星村2组8号", "300", "2024-03"],
    # 10 a number one digit off 王强's on a row whose other fields are 张丽's: never linked
    ["低保", one_digit(WANG), "张丽", "1980-03-15", "女", HOME + "新政镇观音村5组49号", "300", "2024-03"],
]


def bundle(root: Path, *, fillers: int = 400) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    header = ["person_id", "id_number", "name", "gender", "birth_date", "hukou_address"]
    persons = [header] + [["", n, name, g, b, a] for name, n, g, b, a in CASES] + filler(fillers, rng)
    write(root / "persons.csv", persons)
    write(root / "subsidies.csv", [SUBSIDY_HEADER, *SUBSIDIES])
    write(root / "companies.csv", [["company_id", "name", "status"], [COMPANY, "仪陇县某某建材有限公司", "存续"]])
    write(
        root / "payments.csv",
        [
            ["payer_unit", "payee", "payee_name", "amount", "date"],
            ["U1", COMPANY, "仪陇县某某建材有限公司", "50000", "2024-03-01"],  # 2 a company: no person row
            ["U1", "", "仪陇县某某建材有限公司", "1000", "2024-03-02"],  # 3 a company by name only
            ["U1", CHEN, "陈刚", "800", "2024-03-03"],  # 4 a person by number
        ],
    )
    write(
        root / "inquiries.csv",
        [
            ["date", "asker", "asker_name", "about_person", "content"],
            ["2024-03-05", LI_MING, "李明", "張麗", "过问低保"],
        ],
    )
    return root
