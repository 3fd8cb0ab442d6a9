"""Where the page's main thread spent an action's time in Chromium: a DevTools trace
summed as the Performance panel does (self time per kind of work).

Used by bench/ui.py --trace: script (the Streamlit front end's JavaScript, React),
style and layout, paint and compositing, garbage collection, other (the event loop's
own share), and how long the thread sat idle waiting (the server, the network).
"""

from __future__ import annotations

import json
from collections import defaultdict

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8"]
KINDS = {
    "script": {
        "FunctionCall",
        "EvaluateScript",
        "v8.compile",
        "v8.compileModule",
        "V8.Execute",
        "v8.run",
        "v8.callFunction",
        "EventDispatch",
        "TimerFire",
        "FireAnimationFrame",
        "RunMicrotasks",
        "FireIdleCallback",
        "XHRReadyStateChange",
        "ParseHTML",
    },
    "style_layout": {
        "UpdateLayoutTree",
        "RecalculateStyles",
        "Layout",
        "HitTest",
        "InvalidateLayout",
        "ScheduleStyleRecalculation",
        "IntersectionObserverController::computeIntersections",
    },
    "paint": {
        "Paint",
        "PrePaint",
        "Layerize",
        "UpdateLayer",
        "UpdateLayerTree",
        "CompositeLayers",
        "Commit",
        "PaintImage",
        "Decode Image",
        "RasterTask",
    },
    "gc": {"MajorGC", "MinorGC", "V8.GCScavenger", "V8.GCFinalizeMC", "BlinkGC.AtomicPhase"},
}
KIND_OF = {name: kind for kind, names in KINDS.items() for name in names}


def main_thread(events: list[dict]) -> tuple[int, int] | None:
    """The (pid, tid) of the page's renderer main thread."""
    for event in events:
        if event.get("name") == "thread_name" and event["args"].get("name") == "CrRendererMain":
            return event["pid"], event["tid"]
    return None


def summarise(trace: bytes, window_ms: float) -> dict[str, float]:
    """Milliseconds of self time per kind on the main thread, and idle = window - busy."""
    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    thread = main_thread(events)
    spans = sorted(
        (
            (e["ts"], e["ts"] + e["dur"], e["name"])
            for e in events
            if e.get("ph") == "X" and "dur" in e and (e["pid"], e["tid"]) == thread
        ),
        key=lambda s: (s[0], -s[1]),
    )
    totals: dict[str, float] = defaultdict(float)
    stack: list[list] = []  # [start, end, kind, child time]

    def close(frame: list) -> None:
        totals[frame[2]] += (frame[1] - frame[0] - frame[3]) / 1000
        if stack:
            stack[-1][3] += frame[1] - frame[0]

    busy = 0.0
    for start, end, name in spans:
        while stack and stack[-1][1] <= start:
            close(stack.pop())
        # A span counts as its own kind, else as the kind of what it runs within.
        kind = KIND_OF.get(name) or (stack[-1][2] if stack else "other")
        if not stack:
            busy += (end - start) / 1000
        stack.append([start, end, kind, 0])
    while stack:
        close(stack.pop())
    summary = {kind: round(totals.get(kind, 0.0), 1) for kind in [*KINDS, "other"]}
    summary["idle"] = round(max(0.0, window_ms - busy), 1)
    return summary
