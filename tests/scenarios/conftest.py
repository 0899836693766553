"""`pytest tests/scenarios --write-book` (what `make scenarios` runs) rewrites docs/scenarios.md
from the replays instead of comparing with it."""

import pytest

from tests.scenarios import book

RENDERED: dict[str, str] = {}


def pytest_addoption(parser):
    parser.addoption(
        "--write-book",
        action="store_true",
        default=False,
        help="rewrite docs/scenarios.md from the replays",
    )


@pytest.fixture
def write_book(request) -> bool:
    return request.config.getoption("--write-book")


def pytest_sessionfinish(session, exitstatus):
    if not session.config.getoption("--write-book") or exitstatus != 0:
        return
    missing = [s.id for s in book.SCENARIOS if s.id not in RENDERED]
    if missing:  # a partial run (-k) must not write a partial book
        print(f"\nbook not written: scenarios not replayed: {', '.join(missing)}")
        return
    book.BOOK.write_text(book.page(RENDERED), encoding="utf-8")
    print(f"\nwrote {book.BOOK}")
