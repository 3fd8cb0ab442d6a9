"""Browser helpers the browser tests and bench/ui.py share (Playwright pages)."""

from __future__ import annotations

# The box of the first element matching the selector once the app is idle and the
# element has been the same node with the same box for ten animation frames in a row (a
# grid mounted again by a run starts the count again); null until then.
_STEADY = """selector => {
    const app = document.querySelector("[data-testid=stApp]");
    const el = document.querySelector(selector);
    const seen = window.__comptoirSteady || (window.__comptoirSteady = {});
    if (!el || !app || app.getAttribute("data-test-script-state") !== "notRunning") {
        delete seen[selector];
        return null;
    }
    const r = el.getBoundingClientRect();
    const box = [r.x, r.y, r.width, r.height].join(",");
    const last = seen[selector];
    const same = last && last.el === el && last.box === box && r.width > 0 && r.height > 0;
    seen[selector] = {el, box, frames: same ? last.frames + 1 : 0};
    return seen[selector].frames >= 10 ? {x: r.x, y: r.y, width: r.width, height: r.height} : null;
}"""


def steady_box(page, selector: str) -> dict:
    """The box of the first element matching selector once it has stopped changing (a
    condition checked each animation frame, not a fixed pause)."""
    page.evaluate("selector => { delete (window.__comptoirSteady || {})[selector]; }", selector)
    return page.wait_for_function(_STEADY, arg=selector, polling="raf").json_value()
