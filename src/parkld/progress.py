"""The one progress bar, on standard error (tqdm is not a dependency; this is all we need).

``label [#####.....] 5/10 unit``, redrawn in place. It is drawn only when enabled — by default
when its stream is a terminal: a log or CI gets the notes, one line each, not hundreds of
redraws. Used by the Wikidata client (batches) and ``parkld publish`` (triples); it has the
``begin``/``advance``/``note`` methods :class:`parkld.publish.Progress` asks for.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """A bar of *total* steps; silent unless enabled and given more than one step."""

    def __init__(
        self,
        total: int = 0,
        label: str = "",
        *,
        unit: str = "",
        enabled: bool | None = None,
        stream: TextIO | None = None,
        width: int = 30,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.unit = unit
        self.wanted = self.stream.isatty() if enabled is None else enabled
        self.width = width
        self.total = total
        self.done = 0
        self._last = 0.0
        self._open = False  # the bar's line is drawn and waits for its end

    @property
    def enabled(self) -> bool:
        # One step is not a "long run": drawing a bar for it is only noise.
        return self.wanted and self.total > 1

    def begin(self, total: int) -> None:
        """*total* steps are about to be taken."""
        self.total = total
        self._draw(force=True)

    def advance(self, steps: int = 1) -> None:
        """Record finished steps and redraw (at most ten times a second, and at the end)."""
        self.done = min(self.total, self.done + steps)
        self._draw()

    def note(self, message: str) -> None:
        """``… message`` on its own line (always), then the bar again."""
        if self._open:
            self.stream.write("\r\x1b[K")
        self.stream.write(f"… {message}\n")
        self._open = False
        self._draw(force=True)

    def end(self) -> None:
        """End the bar's line (call it in a ``finally``: an error may interrupt the run)."""
        if self._open:
            self.stream.write("\n")
            self._open = False
        self.stream.flush()

    def _draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        finished = self.done == self.total
        if not self.enabled or not (force or finished or now - self._last >= 0.1):
            return
        self._last = now
        filled = self.width * self.done // max(self.total, 1)
        bar = "#" * filled + "." * (self.width - filled)
        label = f"{self.label} " if self.label else ""
        unit = f" {self.unit}" if self.unit else ""
        self.stream.write(f"\r{label}[{bar}] {self.done}/{self.total}{unit}")
        self._open = True  # ended by end(), so notes can still come above a finished bar
        self.stream.flush()
