"""Several tills at once: run one action from many threads, collect every outcome."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Outcomes:
    """What each attempt gave: a result, an expected refusal, or anything else."""

    done: list[object] = field(default_factory=list)
    refused: list[BaseException] = field(default_factory=list)
    others: list[BaseException] = field(default_factory=list)


def at_once(
    workers: int,
    attempts: int,
    act: Callable[[], object],
    refusals: tuple[type[BaseException], ...],
) -> Outcomes:
    """workers threads released together, each calling act() attempts times."""
    outcomes = Outcomes()
    guard = threading.Lock()
    start = threading.Barrier(workers)

    def worker() -> None:
        start.wait()
        for _ in range(attempts):
            try:
                made = act()
            except refusals as refusal:
                with guard:
                    outcomes.refused.append(refusal)
            except BaseException as exc:  # noqa: BLE001 - every other failure must be seen
                with guard:
                    outcomes.others.append(exc)
            else:
                with guard:
                    outcomes.done.append(made)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
