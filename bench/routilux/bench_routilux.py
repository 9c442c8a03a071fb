"""Times routilux's Python ExecutionTracker on the benchmark's call sequence.

One execution is record_routine_start, record_event, record_routine_end,
spread over ten routines, as the TypeScript side records it. Prints one JSON
object on standard output.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import sys
import time
from importlib import metadata

from routilux.execution_tracker import ExecutionTracker

ROUTINES = [f"routine-{i}" for i in range(10)]
QUERIED_ROUTINE = ROUTINES[3]


def record(tracker: ExecutionTracker, start: int, stop: int) -> None:
    routines = ROUTINES
    count = len(routines)
    for index in range(start, stop):
        routine_id = routines[index % count]
        tracker.record_routine_start(routine_id, {"index": index})
        tracker.record_event(
            routine_id, "output", routines[(index + 1) % count], {"rows": 1}
        )
        tracker.record_routine_end(routine_id, "completed")


def time_executions(rounds: int, per_round: int) -> list[float]:
    """Nanoseconds per execution, per round, after one warm-up round."""
    results = []
    for round_index in range(rounds + 1):
        tracker = ExecutionTracker(flow_id="bench")
        started = time.perf_counter_ns()
        record(tracker, 0, per_round)
        elapsed = time.perf_counter_ns() - started
        if round_index > 0:
            results.append(elapsed / per_round)
    return results


def time_query(executions: int, calls: int) -> tuple[list[float], float]:
    """Nanoseconds per get_routine_performance call at `executions`."""
    tracker = ExecutionTracker(flow_id="bench")
    started = time.perf_counter()
    record(tracker, 0, executions)
    record_seconds = time.perf_counter() - started
    tracker.get_routine_performance(QUERIED_ROUTINE)
    results = []
    for _ in range(calls):
        started_ns = time.perf_counter_ns()
        tracker.get_routine_performance(QUERIED_ROUTINE)
        results.append(float(time.perf_counter_ns() - started_ns))
    return results, record_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--per-round", type=int, default=10_000)
    parser.add_argument("--query-size", type=int, default=100_000)
    parser.add_argument("--query-calls", type=int, default=30)
    args = parser.parse_args()

    gc.collect()
    execution_rounds = time_executions(args.rounds, args.per_round)
    gc.collect()
    query_calls, record_seconds = time_query(args.query_size, args.query_calls)

    json.dump(
        {
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "routilux": metadata.version("routilux"),
            "execution": {
                "per_round": args.per_round,
                "ns_rounds": execution_rounds,
                "ns": statistics.median(execution_rounds),
            },
            "query": {
                "routine": QUERIED_ROUTINE,
                "executions": args.query_size,
                "record_seconds": record_seconds,
                "ns_calls": query_calls,
                "ns": statistics.median(query_calls),
            },
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
