"""Median wall time in milliseconds, shared by the benchmark peers (bench/peer.py in each package)."""
import statistics
import time


def median_ms(fn, warmup=10, reps=50):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)
