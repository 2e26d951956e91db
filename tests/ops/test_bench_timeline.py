"""bench.timeline reads the workers' records and finds the moments in which no save finished."""

from __future__ import annotations

from bench.timeline import quiet_moments, read_saves


def test_only_saves_are_read_and_the_longest_quiet_moment_comes_first(tmp_path):
    # start, end, cpu, is_save, blocks, waits, preemptions, major faults, gc
    (tmp_path / "worker-11.tsv").write_text(
        "0.000\t0.003\t0.003\t1\t88\t0\t1\t0\t0.0\n"
        "0.003\t0.300\t0.290\t0\t0\t0\t0\t0\t0.0\n"  # the login's POST: not a save
        "0.004\t0.060\t0.012\t1\t2400\t400\t1\t0\t0.0\n")
    (tmp_path / "worker-12.tsv").write_text(
        "0.001\t0.005\t0.004\t1\t88\t0\t0\t0\t0.0\n"
        "0.006\t0.064\t0.004\t1\t96\t9\t0\t0\t0.0\n")
    saves = read_saves(tmp_path)
    assert [s[1] for s in saves] == [0.003, 0.005, 0.060, 0.064]  # in the order they finished
    assert {s[3] for s in saves} == {"11", "12"}
    gap, index = quiet_moments(saves, 1)[0]
    assert round(gap, 3) == 0.055 and saves[index][1] == 0.005
    assert saves[index + 1][4] == 2400  # the save that ended the quiet moment wrote 1.2 MB
