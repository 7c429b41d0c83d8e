"""The one progress bar (parkld.progress): what it writes on a terminal and off one."""

from __future__ import annotations

import io

from parkld.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_is_redrawn_in_place_and_notes_go_above_it() -> None:
    out = Terminal()
    bar = ProgressBar(unit="triples", stream=out, width=4)
    bar.begin(4)
    bar.note("graph a swapped in")
    bar.advance(4)
    bar.note("graph b unchanged")
    bar.end()
    assert out.getvalue() == (
        "\r[....] 0/4 triples"
        "\r\x1b[K… graph a swapped in\n"
        "\r[....] 0/4 triples"
        "\r[####] 4/4 triples"
        "\r\x1b[K… graph b unchanged\n"
        "\r[####] 4/4 triples"
        "\n"
    )


def test_off_a_terminal_only_the_notes_are_written() -> None:
    out = io.StringIO()
    bar = ProgressBar(unit="triples", stream=out)
    bar.begin(10)
    bar.advance(5)
    bar.note("graph a swapped in")
    bar.advance(5)
    bar.end()
    assert out.getvalue() == "… graph a swapped in\n"


def test_an_enabled_bar_with_a_label_ends_its_line_even_when_interrupted() -> None:
    out = io.StringIO()
    bar = ProgressBar(3, "Wikidata facts", enabled=True, stream=out, width=3)
    bar.advance()
    bar.end()
    assert out.getvalue() == "\rWikidata facts [#..] 1/3\n"


def test_one_step_draws_nothing() -> None:
    out = Terminal()
    bar = ProgressBar(1, "one batch", stream=out)
    bar.advance()
    bar.end()
    assert out.getvalue() == ""
