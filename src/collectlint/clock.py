"""Local times of contacts, for the quiet-hours and per-day rules. Depends on nothing."""

from __future__ import annotations

import datetime as dt


def parse_timestamp(sent_at: str | None) -> dt.datetime | None:
    """An ISO 8601 timestamp (with or without offset, `Z` allowed); None if it is not one."""
    if not sent_at:
        return None
    try:
        return dt.datetime.fromisoformat(sent_at.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def local_time(sent_at: str | None) -> dt.time | None:
    """Wall-clock time as written: the offset of the timestamp is taken as the debtor's."""
    moment = parse_timestamp(sent_at)
    return moment.time() if moment else None


def local_day(sent_at: str | None) -> str | None:
    moment = parse_timestamp(sent_at)
    return moment.date().isoformat() if moment else None


def in_window(t: dt.time, window: tuple[str, str]) -> bool:
    """Is `t` inside [start, end)? A window may wrap midnight (22:00–08:00)."""
    start, end = (dt.time.fromisoformat(w) for w in window)
    return (start <= t or t < end) if start > end else (start <= t < end)
