"""Real-world phrasings from the field, read as the crew meant them.

One table: what was typed (and where), and what must come out. Fields not named in the
expectation are not checked, except that no phrasing here may be refused.
"""

from decimal import Decimal

import pytest

from rules.grammar.parsed import ReportContext
from rules.grammar.report import parse_report
from rules.grammar.status import StatusIntent
from rules.vocabulary import UpdateKind

UPDATE = ReportContext.UPDATE
POST = ReportContext.POST
THREAD = ReportContext.THREAD_REPLY
ASSIGNMENT = ReportContext.ASSIGNMENT_REPLY

D = Decimal
PHRASINGS = [
    # (text, context, project key, expected fields)
    (
        "TWR-42 60% formwork done, 12 m3 poured",
        UPDATE,
        None,
        {
            "keys": ("TWR-42",),
            "percent": D(60),
            "quantity": D(12),
            "unit": "m³",
            "note": "formwork done, poured",
            "kind": UpdateKind.PROGRESS,
        },
    ),
    (
        "twr-42 60 % done on L3 formwork, 12m3 poured, crew 6",
        UPDATE,
        None,
        {"percent": D(60), "quantity": D(12), "manpower": 6, "note": "on L3 formwork, poured"},
    ),
    (
        "TWR-42 60%,12m3,crew 6,8h",
        UPDATE,
        None,
        {"percent": D(60), "quantity": D(12), "manpower": 6, "hours": D(8), "note": ""},
    ),
    ("TWR-42 12m3,6 workers", UPDATE, None, {"quantity": D(12), "manpower": 6}),
    ("tw-7 2.5t rebar fixed", UPDATE, None, {"keys": ("TW-7",), "quantity": D("2.5"), "unit": "t"}),
    ("TWR-42 12m³ slab L3", UPDATE, None, {"unit": "m³", "note": "slab L3"}),
    ("TWR-42 40m² tiling lobby", UPDATE, None, {"quantity": D(40), "unit": "m²"}),
    ("TWR-42 300 lm pipe laid", UPDATE, None, {"quantity": D(300), "unit": "m"}),
    ("TWR-42 20 bags cement used", UPDATE, None, {"unit": "bags", "note": "cement used"}),
    ("TWR-42 12 sheets plywood", UPDATE, None, {"unit": "sheets", "note": "plywood"}),
    ("TWR-42 12mm rebar 2 t tied", UPDATE, None, {"quantity": D(2), "note": "12mm rebar tied"}),
    ("TWR-42 crew of 8, 9 hrs", UPDATE, None, {"manpower": 8, "hours": D(9)}),
    ("TWR-42 6 men 8h", UPDATE, None, {"manpower": 6, "hours": D(8)}),
    (
        "TWR-42 cost:1500 scaffold hire",
        UPDATE,
        None,
        {"cost": D(1500), "kind": UpdateKind.COST, "note": "scaffold hire"},
    ),
    ("TWR-42 $1,500 for pump rental", UPDATE, None, {"cost": D(1500), "currency": "$"}),
    (
        "TWR-42 15,000,000 VND xi măng",
        UPDATE,
        None,
        {"cost": D(15_000_000), "currency": "VND", "note": "xi măng"},
    ),
    (
        "TWR-42 đổ bê tông sàn tầng 3 xong 80%",
        UPDATE,
        None,
        {"percent": D(80), "note": "đổ bê tông sàn tầng 3 xong"},
    ),
    ("TWR-42 Khu A3 đã đổ 12 m3", UPDATE, None, {"quantity": D(12), "note": "Khu A3 đã đổ"}),
    (
        "TWR-42 60% tầng 3 khu Đông, 4 thợ",
        UPDATE,
        None,
        {"percent": D(60), "note": "tầng 3 khu Đông, 4 thợ"},
    ),
    ("TWR-42 done ✅", UPDATE, None, {"status": StatusIntent.DONE, "note": ""}),
    ("TWR-42 all done 💪", UPDATE, None, {"status": StatusIntent.DONE}),
    (
        "TWR-42 finished, site cleaned",
        UPDATE,
        None,
        {"status": StatusIntent.DONE, "note": "site cleaned"},
    ),
    ("TWR-42 100%!!", UPDATE, None, {"status": StatusIntent.DONE, "kind": UpdateKind.DONE}),
    (
        "TWR-42 blocked - crane broken",
        UPDATE,
        None,
        {"status": StatusIntent.BLOCKED, "reason": "crane broken"},
    ),
    (
        "TWR-42 stuck, no cement 😩",
        UPDATE,
        None,
        {"status": StatusIntent.BLOCKED, "reason": "no cement 😩"},
    ),
    (
        "TWR-42 waiting for rebar delivery",
        UPDATE,
        None,
        {"status": StatusIntent.BLOCKED, "reason": "waiting for rebar delivery"},
    ),
    (
        "TWR-42 started today, crew 4",
        UPDATE,
        None,
        {"status": StatusIntent.STARTED, "manpower": 4, "note": "today"},
    ),
    (
        "TWR-42 resumed after rain, 30%",
        UPDATE,
        None,
        {"status": StatusIntent.UNBLOCKED, "percent": D(30), "kind": UpdateKind.UNBLOCKED},
    ),
    ("42 50% slab", UPDATE, "TWR", {"keys": ("TWR-42",), "percent": D(50), "note": "slab"}),
    ("#42 50%", POST, "TWR", {"keys": ("TWR-42",), "percent": D(50)}),
    ("#42 and #43 rebar delivered", POST, "TWR", {"keys": ("TWR-42", "TWR-43")}),
    ("TWR-42, TWR-42 60%", UPDATE, None, {"keys": ("TWR-42",)}),
    ("TWR–42 60%", UPDATE, None, {"keys": ("TWR-42",)}),
    (
        "<@U0BOB|bob> TWR-42 is 70% now",
        POST,
        "TWR",
        {"percent": D(70), "note": "@bob is now"},
    ),
    (
        "TWR-42 pour at 7:30 tmrw, 2026-12-04 inspection",
        UPDATE,
        None,
        {"note": "pour at 7:30 tmrw, 2026-12-04 inspection", "kind": UpdateKind.NOTE},
    ),
    ("TWR-42   L3 slab 60%   ", UPDATE, None, {"note": "L3 slab"}),
    ("TWR-42 60 PERCENT, 8 HRS", UPDATE, None, {"percent": D(60), "hours": D(8)}),
    ("TWR-42 ~60% approx", UPDATE, None, {"percent": D(60), "note": ""}),
    ("TWR-42: 60% – formwork", UPDATE, None, {"percent": D(60), "note": "formwork"}),
    ("ok 👍", ASSIGNMENT, None, {"status": StatusIntent.ACK, "kind": UpdateKind.ACK}),
    ("on it boss", ASSIGNMENT, None, {"status": StatusIntent.ACK, "note": "boss"}),
    ("40% so far, 2 t", THREAD, None, {"keys": (), "percent": D(40), "quantity": D(2)}),
    (
        "rebar & mesh in, 4 &amp; 5 tomorrow",
        THREAD,
        None,
        {"note": "rebar & mesh in, 4 & 5 tomorrow"},
    ),
    ("lunch at 12?", POST, "TWR", {"keys": (), "kind": UpdateKind.NOTE}),
]


@pytest.mark.parametrize(("text", "context", "project_key", "expected"), PHRASINGS)
def test_it_reads_field_phrasings_as_the_crew_meant_them(text, context, project_key, expected):
    parsed = parse_report(text, context=context, project_key=project_key)

    actual = {name: getattr(parsed, name) for name in expected}
    assert actual == expected
    assert parsed.problems == ()
