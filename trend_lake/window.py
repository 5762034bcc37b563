"""A window of time over the posts, by when each was created (TikTok's ``createTime``, the
lake's ``timestamp`` column, UNIX seconds): the one parser of ``since`` / ``until`` that the
sounds, the sound service, the API and the lake page all read (issue 21, D6).

    query = parse_window(since="30d", until=None)      # None when neither is given; LakeError names the field
    window = query.resolve(newest=newest_post(table))  # Window(since_s, until_s, anchor_s)
    window.mask(table.column("timestamp"))              # which rows were created inside it
    within(sql, window)                                 # the same window over the ``metadata`` view

What a value may be:

* ``YYYY-MM-DD``: that day in UTC. As ``since`` it starts the window at its midnight; as
  ``until`` the day is inside the window (it ends at the next midnight): "until 2021-05-31"
  counts the 31st, as a creator reads it.
* an ISO date-time (``2021-05-31T12:00``, ``…Z`` or ``…+02:00``; no offset means UTC): that instant;
  ``since`` includes it, ``until`` ends just before it.
* ``Nh`` (1–720) or ``Nd`` (1–365; ``7D`` too): a length of time counted back. A relative ``since`` counts
  back from ``until``; a relative ``until`` from the anchor.

The anchor ("now" for a relative window) is the newest post's creation time in the catalog the
request reads, not the wall clock: the lake holds dated scrapes (the shared exports end in 2025),
and "the last 30 days" of a scrape from last year is what a creator means, not an empty list.
One anchor for the whole catalog, not per hashtag, so two hashtags asked over ``30d`` are
compared over the same dates; the studio's demo posts (dated by us, not by TikTok) set it only when
no other post is dated (``newest_post(besides=…)``). An empty catalog falls back to the wall clock
(nothing is counted either way). The resolved window says which anchor it used (``to_dict``).

Spaces around a value are dropped and an empty value is not given (what a blank form field sends);
anything else off ``VALUE_PATTERN`` is refused. A window is ``since ≤ createTime < until``; with ``until`` alone it reaches back to the first post;
a post with no creation time is in no window. Bounds are whole seconds computed here and written
into SQL as integers: no part of the caller's text reaches a query.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ._types import LakeError

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

#: The relative units and the most of each a window may count back (a year).
UNITS = {"h": (3_600, 720), "d": (86_400, 365)}
#: Dates outside these years are typos, not TikTok posts (TikTok, as musical.ly, began in 2014).
FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_CHARS = 40
CREATED = "timestamp"  # the lake's column for TikTok's createTime
#: The shape of a value (spaces around it allowed, empty: not given), as a regular expression that
#: Python and JSON Schema (ECMA-262) read alike: the API document's pattern (web/openapi.py). The
#: parser then checks what a shape cannot say: the day exists, the year, the length's range.
VALUE_PATTERN = (r"^ *(?:[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
                 r"(?:Z|[+-][0-9]{2}:[0-9]{2})?)?|[0-9]{1,4}[dDhH])? *$")
_SHAPE = re.compile(VALUE_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_DAY_S = 86_400


@dataclass(frozen=True)
class _Bound:
    """One parsed value: ``relative_s`` seconds back, or the instant ``at_s`` (``day``: it was a date)."""

    text: str
    relative_s: int | None = None
    at_s: int | None = None
    day: bool = False

    def until_s(self) -> int:
        """As an ``until``: the exclusive end (a date's next midnight)."""
        return self.at_s + _DAY_S if self.day else self.at_s


@dataclass(frozen=True)
class Window:
    """A resolved window: ``since_s <= createTime < until_s`` (``since_s`` None: from the first post),
    and ``anchor_s``, the newest post's creation time a relative bound counted back from (None when
    none did, or the catalog had no dated post and the wall clock stood in)."""

    since_s: int | None
    until_s: int
    anchor_s: int | None = None

    @property
    def length_s(self) -> int | None:
        return None if self.since_s is None else self.until_s - self.since_s

    def previous(self) -> "Window":
        """The window of the same length just before this one (what "rising" compares with)."""
        if self.since_s is None:
            raise LakeError("since", "since: a window with no start has no window before it; give since as well")
        return Window(self.since_s - self.length_s, self.since_s, self.anchor_s)

    def mask(self, created: "pa.ChunkedArray | pa.Array | np.ndarray") -> "np.ndarray":
        """Which of ``created`` (UNIX seconds, nulls allowed) fall inside the window (bool per value)."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(created, np.ndarray):
            created = pa.array(created)
        inside = pc.less(created, self.until_s)
        if self.since_s is not None:
            inside = pc.and_(inside, pc.greater_equal(created, self.since_s))
        return pc.fill_null(inside, False).to_numpy(zero_copy_only=False).astype(bool)

    def where_sql(self, column: str = CREATED) -> str:
        """The window as an SQL condition on ``column`` (ours, never the caller's: an identifier)."""
        if not column.replace("_", "").replace(".", "").isalnum():
            raise LakeError("column", f"column: {column!r} is not a column name")
        until = f"{column} < {int(self.until_s)}"
        return until if self.since_s is None else f"{column} >= {int(self.since_s)} AND {until}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``since``/``until`` in ISO (UTC; ``until`` is the first second after the
        window), ``days`` (its length; None without a start), ``relative_to`` (the anchor)."""
        return {"since": iso(self.since_s), "until": iso(self.until_s),
                "days": None if self.length_s is None else round(self.length_s / _DAY_S, 4),
                "relative_to": iso(self.anchor_s)}


@dataclass(frozen=True)
class WindowQuery:
    """``since`` / ``until`` as asked, checked; ``resolve`` turns them into a ``Window``."""

    since: _Bound | None
    until: _Bound | None

    def resolve(self, *, newest: int | None) -> Window:
        """The window, a relative bound counted back from ``newest`` (the newest post's creation
        time; None: the wall clock). A ``LakeError`` on ``since`` when it does not come before ``until``."""
        anchored = newest is not None
        end = (int(newest) if anchored else int(time.time())) + 1  # the newest post is inside
        until = self.until
        until_s = end if until is None else end - until.relative_s if until.relative_s is not None else until.until_s()
        since = self.since
        since_s = (None if since is None else until_s - since.relative_s if since.relative_s is not None
                   else since.at_s)
        if since_s is not None and since_s >= until_s:
            raise LakeError("since", f"since: {since.text} is not before until "
                                     f"({(until.text if until else 'the newest post')}: {iso(until_s)})")
        uses_anchor = until is None or until.relative_s is not None
        return Window(since_s, until_s, (end - 1) if anchored and uses_anchor else None)


def parse_window(*, since: Any = None, until: Any = None) -> WindowQuery | None:
    """``since`` and ``until`` as the API and pages take them (see the module); None when neither
    is given (an empty string is not given). A ``LakeError`` names the field at fault."""
    bounds = {name: _bound(name, raw) for name, raw in (("since", since), ("until", until))}
    if bounds["since"] is None and bounds["until"] is None:
        return None
    query = WindowQuery(bounds["since"], bounds["until"])
    first, last = query.since, query.until
    if first and last and first.at_s is not None and last.at_s is not None and first.at_s >= last.until_s():
        raise LakeError("since", f"since: {first.text} is not before until ({last.text})")
    return query


def newest_post(table: "pa.Table", *, besides: tuple[str, ...] = ()) -> int | None:
    """The newest creation time among ``table``'s rows (its ``timestamp`` column), None with none.

    ``besides``: profiles whose posts set the anchor only when no other post is dated (the sounds'
    demo, whose made-up dates must not move the window over a creator's own imports)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if CREATED not in table.column_names or table.num_rows == 0:
        return None
    created = table.column(CREATED)
    if besides and "profile" in table.column_names:
        others = pc.fill_null(pc.invert(pc.is_in(table.column("profile"), value_set=pa.array(list(besides)))), True)
        value = pc.max(pc.filter(created, others)).as_py()
        if value is not None:
            return int(value)
    value = pc.max(created).as_py()
    return None if value is None else int(value)


def within(sql: str, window: Window | None, *, view: str = "metadata") -> str:
    """``sql`` (a SELECT, not itself a WITH) run over only the ``view`` rows created in ``window``:
    a common table expression of the same name stands in for the view (DuckDB reads the view
    inside it). The query itself is unchanged, so a chart's SQL stays the SQL it shows."""
    if window is None:
        return sql
    return f"WITH {view} AS (SELECT * FROM {view} WHERE {window.where_sql()}) {sql}"


def iso(seconds: int | None) -> str | None:
    """UNIX seconds as ``2021-05-31T00:00:00Z``."""
    if seconds is None:
        return None
    return (_EPOCH + timedelta(seconds=int(seconds))).strftime("%Y-%m-%dT%H:%M:%SZ")


def _bound(name: str, raw: Any) -> _Bound | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise LakeError(name, f"{name}: a date such as 2021-05-01, a date-time or 7d, not {type(raw).__name__}")
    if len(raw) > MAX_CHARS:
        raise LakeError(name, f"{name}: longer than {MAX_CHARS} characters")
    text = raw.strip(" ")
    shown = repr(text)
    if not _SHAPE.fullmatch(raw):
        raise LakeError(name, f"{name}: {shown} is not a date (2021-05-01), a date-time (2021-05-01T12:00Z) "
                              f"or a length back ({', '.join(f'1{u}–{m}{u}' for u, (_, m) in UNITS.items())})")
    if not text:
        return None
    unit = text[-1].lower()
    if unit in UNITS:
        seconds, most = UNITS[unit]
        amount = int(text[:-1])
        if not 1 <= amount <= most:
            raise LakeError(name, f"{name}: {shown} must be 1{unit} to {most}{unit}")
        return _Bound(text, relative_s=amount * seconds)
    try:
        if "T" in text:
            moment, is_day = datetime.fromisoformat(text), False
            moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
        else:
            day = date.fromisoformat(text)
            moment, is_day = datetime(day.year, day.month, day.day, tzinfo=timezone.utc), True
    except ValueError:
        raise LakeError(name, f"{name}: {shown} is not a date (there is no such day or time)") from None
    except OverflowError:  # an offset past the last representable year
        raise LakeError(name, f"{name}: {shown} is outside the years {FIRST_YEAR}–{LAST_YEAR}") from None
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise LakeError(name, f"{name}: {shown} is outside the years {FIRST_YEAR}–{LAST_YEAR}")
    return _Bound(text, at_s=int((moment - _EPOCH).total_seconds()), day=is_day)
