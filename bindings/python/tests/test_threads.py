"""Calls are thread-safe and release the GIL while linting."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import composeguard

from conftest import ROOT, corpus_files

TEXTS = [(ROOT / "examples" / "compose.yaml").read_text(encoding="utf-8")] + [
    p.read_bytes().decode("utf-8", "surrogateescape") for p in corpus_files()[:40]
]


def test_same_results_from_many_threads() -> None:
    serial = [composeguard.lint(t).diagnostics for t in TEXTS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda t: composeguard.lint(t).diagnostics, TEXTS * 10))
    assert parallel == serial * 10
    with ThreadPoolExecutor(max_workers=4) as pool:
        docs = list(pool.map(lambda _: (composeguard.rules(), composeguard.explain("no-healthcheck")), range(50)))
    assert all(d == docs[0] for d in docs)


def test_gil_is_released_while_linting() -> None:
    text = "services:\n" + "".join(f"  s{i}:\n    image: nginx:1.27\n    environment: [A=1, B=2]\n" for i in range(4_000))
    started = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:

        def work() -> float:
            started.set()
            t0 = time.perf_counter()
            composeguard.lint(text)
            return time.perf_counter() - t0

        future = pool.submit(work)
        started.wait()
        ticks = [time.perf_counter()]
        while not future.done():
            ticks.append(time.perf_counter())
        duration = future.result()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    # Holding the GIL would stall this loop for the whole run; released, it keeps ticking.
    assert duration > 0.05, f"lint too fast ({duration:.3f}s) to measure"
    assert max(gaps) < duration / 2, f"the loop stalled {max(gaps):.3f}s of a {duration:.3f}s lint"
