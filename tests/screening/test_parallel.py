"""Screening ahead in a forked worker gives exactly the in-process results, in order."""

from __future__ import annotations

import pickle

from adwarden.pipeline import Screener
from adwarden.screening.parallel import ScreeningPipeline
from tests.factories import post, risky_post


def test_screenings_survive_pickling(shared_screener: Screener) -> None:
    s = shared_screener.screen(risky_post())
    again = pickle.loads(pickle.dumps(s))
    assert again == s
    assert again.extraction.phones[0].attrs == s.extraction.phones[0].attrs


def test_worker_results_equal_in_process_results_in_order(shared_screener: Screener) -> None:
    batches = [([post(f"p-{b}-{i}", body=f"Item {i}, call 206-555-01{i:02d}") for i in range(5)] + [risky_post()],
                b) for b in range(6)]
    with ScreeningPipeline[int](shared_screener, workers=1, ahead=2) as pipe:
        forked = [(tag, [s.verdict for s in scr], [s.identifiers for s in scr]) for _, scr, tag in pipe.run(batches)]
    with ScreeningPipeline[int](shared_screener, workers=0) as pipe:
        local = [(tag, [s.verdict for s in scr], [s.identifiers for s in scr]) for _, scr, tag in pipe.run(batches)]
    assert [t for t, _, _ in forked] == list(range(6))
    assert forked == local
