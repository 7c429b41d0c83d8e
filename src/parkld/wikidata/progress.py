"""A small progress bar on standard error (tqdm is not a dependency; this is all we need)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``label [#####.....] 5/10`` redrawn in place; silent unless enabled and given >1 step."""

    def __init__(
        self,
        total: int,
        label: str,
        *,
        enabled: bool = True,
        stream: TextIO | None = None,
        width: int = 30,
    ) -> None:
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        # One step is not a "long run": drawing a bar for it is only noise.
        self.enabled = enabled and total > 1
        self.width = width
        self.done = 0
        self._last = 0.0

    def advance(self, steps: int = 1) -> None:
        """Record finished steps and redraw (at most ten times a second, and at the end)."""
        self.done = min(self.total, self.done + steps)
        now = time.monotonic()
        if self.enabled and (self.done == self.total or now - self._last >= 0.1):
            self._last = now
            filled = self.width * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (self.width - filled)
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}{end}")
            self.stream.flush()

    def close(self) -> None:
        """End the line if the bar was left unfinished (an error interrupted the run)."""
        if self.enabled and 0 < self.done < self.total:
            self.stream.write("\n")
            self.stream.flush()
