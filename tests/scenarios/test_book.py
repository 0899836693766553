"""Replay every scenario of the book through the API and compare with docs/scenarios.md."""

import difflib

import pytest

from tests.scenarios import book
from tests.scenarios.conftest import RENDERED
from tests.scenarios.replay import Replay, render_scenario


@pytest.fixture(autouse=True)
def photo_storage(settings, tmp_path):
    settings.PHOTO_STORAGE_DIR = tmp_path / "photos"


@pytest.mark.parametrize("scenario", book.SCENARIOS, ids=[s.id for s in book.SCENARIOS])
def test_scenario_replays_as_the_book_says(db, scenario, write_book):
    records = Replay(scenario).run()  # asserts each step's stated expectations as it goes
    rendered = render_scenario(scenario, records)
    RENDERED[scenario.id] = rendered
    if write_book:
        return
    checked_in = book.sections(book.BOOK.read_text(encoding="utf-8")).get(scenario.id)
    assert checked_in is not None, f"{scenario.id} is not in {book.BOOK}: run `make scenarios`"
    if checked_in != rendered:
        diff = "\n".join(
            difflib.unified_diff(
                checked_in.splitlines(), rendered.splitlines(), "book", "replay", lineterm=""
            )
        )
        pytest.fail(
            f"behaviour differs from {book.BOOK.name} (`make scenarios` if intended):\n{diff}"
        )


def test_the_book_lists_exactly_the_scenarios_and_its_header_is_current(write_book):
    ids = [s.id for s in book.SCENARIOS]
    assert len(ids) == len(set(ids)), "scenario ids must be unique"
    assert len(ids) >= 40
    if write_book:
        return  # the page is being rewritten from these very scenarios
    text = book.BOOK.read_text(encoding="utf-8")
    assert text.startswith(book.header()), "the book's header is stale: run `make scenarios`"
    assert list(book.sections(text)) == ids, "the book's scenarios differ: run `make scenarios`"
