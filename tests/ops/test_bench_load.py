"""The benchmark's figures over several wrk runs: what one run would have printed."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from bench.load import Load, _Run, _summed, percentile, turns


def _expanded(latency: Counter) -> list[int]:
    return sorted(v for v, n in latency.items() for _ in range(n))


def test_percentile_is_wrks_rank_rule():
    # wrk: the smallest value whose cumulative count reaches round(p/100 x count + 0.5), in C
    latency = Counter({1000: 50, 2000: 45, 9000: 4, 50000: 1})
    assert percentile(latency, 50) == 2.0  # rank 51: C rounds 50.5 up
    assert percentile(latency, 49) == 1.0  # rank 50
    assert percentile(latency, 95) == 9.0  # rank 96
    assert percentile(latency, 99) == 50.0  # rank 100
    assert percentile(latency, 100) == 50.0
    assert percentile(Counter(), 99) == 0.0


def test_turns_add_up_requests_seconds_errors_and_latencies():
    fast = _Run(requests=900, seconds=2.0, errors=0, latency=Counter({1000: 900}))
    slow = _Run(requests=100, seconds=2.0, errors=3, latency=Counter({40000: 100}))
    summed = _summed([fast, slow])
    assert summed == Load(requests=1000, seconds=4.0, p50=1.0, p95=40.0, p99=40.0, errors=3,
                          slices=2)
    assert summed.rps == 250.0


@given(st.lists(st.dictionaries(st.integers(1, 10**6), st.integers(1, 50), min_size=1),
                min_size=1, max_size=5),
       st.sampled_from([50, 95, 99]))
def test_merged_percentile_equals_the_percentile_of_all_samples(histograms, p):
    runs = [_Run(sum(h.values()), 1.0, 0, Counter(h)) for h in histograms]
    merged = Counter()
    for r in runs:
        merged.update(r.latency)
    samples = _expanded(merged)
    rank = math.floor(p / 100 * len(samples) + 0.5 + 0.5)
    assert percentile(merged, p) == samples[min(rank, len(samples)) - 1] / 1e3
    assert _summed(runs).requests == len(samples)


def test_turns_last_whole_seconds_and_fill_the_point():
    assert turns(10, 5) == (2, 5)
    assert turns(3, 5) == (1, 3)
    assert turns(6, 5) == (1, 6)
    assert turns(10, 1) == (10, 1)
    assert turns(10, 0) == (10, 1)
