"""The agreement period: project years (12 months from the start date), calendar years and quarters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Span:
    start: dt.date
    end: dt.date  # inclusive

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def covers(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class Period:
    """An agreement's or a delaftale's period as written: a draft may leave its end open (no 'til' yet)."""

    start: dt.date
    end: dt.date | None  # inclusive; None while the end is open

    def covers(self, other: Period) -> bool:
        """Whether `other` lies inside; an open end is tested only by its start."""
        return self.start <= other.start and (self.end is None or other.end is None or other.end <= self.end)


def period(data: dict[str, Any]) -> Period:
    """A Period from a content mapping with 'fra' and, unless it is open, 'til'."""
    end = data.get("til")
    return Period(dt.date.fromisoformat(data["fra"]), dt.date.fromisoformat(end) if end else None)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return dt.date(year, month, min(day.day, last))


def project_years(period: Span) -> list[Span]:
    """Year 1 runs 12 months from the start; the last year ends with the period."""
    years = []
    start = period.start
    while start <= period.end:
        end = min(add_months(start, 12) - dt.timedelta(days=1), period.end)
        years.append(Span(start, end))
        start = end + dt.timedelta(days=1)
    return years


def calendar_years(period: Span) -> list[Span]:
    """Every calendar year the period touches, cut to the period: 2021-03-01..2025-02-28 touches five."""
    return [Span(max(period.start, dt.date(year, 1, 1)), min(period.end, dt.date(year, 12, 31)))
            for year in range(period.start.year, period.end.year + 1)]


def years(period: Period, calendar: bool, count: int) -> list[Span]:
    """The years a budget is given in: calendar years, or project years (the default); `count` of them from the
    start when the period's end is open."""
    end = period.end or (dt.date(period.start.year + count - 1, 12, 31) if calendar
                         else add_months(period.start, 12 * count) - dt.timedelta(days=1))
    whole = Span(period.start, end)
    return calendar_years(whole) if calendar else project_years(whole)


def year_label(year: Span) -> str:
    """'2021/22' for a project year across two calendar years, else '2021'."""
    if year.start.year == year.end.year:
        return str(year.start.year)
    return f"{year.start.year}/{str(year.end.year)[2:]}"


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def span(self) -> Span:
        start = dt.date(self.year, 3 * self.number - 2, 1)
        return Span(start, add_months(start, 3) - dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.number}. kvt. {self.year}"

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """'2021-K3' (as written in content)."""
        year, number = text.split("-K")
        return cls(int(year), int(number))


def quarters(period: Span) -> list[Quarter]:
    """Every calendar quarter the period touches."""
    out = []
    q = Quarter.of(period.start)
    while q.span.start <= period.end:
        out.append(q)
        q = Quarter(q.year + (q.number == 4), q.number % 4 + 1)
    return out


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
