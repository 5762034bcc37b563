"""The one table format the bench scripts print (and the README copies)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence


def print_table(header: Sequence[str], rows: Iterable[Sequence[str]], *, right: Iterable[int] = ()) -> None:
    """Print ``rows`` under ``header`` in columns as wide as their widest cell.

    Columns whose index is in ``right`` are right-aligned (figures), the rest left-aligned.
    """
    table = [tuple(header)] + [tuple(row) for row in rows]
    right = set(right)
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        cells = (cell.rjust(w) if j in right else cell.ljust(w) for j, (cell, w) in enumerate(zip(row, widths)))
        print("  ".join(cells).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
