"""One way for list pages to sort, paginate and export what they show (issue #16).

A page declares its `Table` (columns, default order) once; `Table.bind(request, rows)` reads
`?sort=`, `?page=`, `?per_page=` and `?format=csv|xlsx` and returns a `BoundTable` the template
renders with `core/_table_head.html` and `core/_table_pager.html`. The page keeps its own filters:
whatever else is in the query string stays in every sort, page and export link, so a sorted,
filtered, paginated view has a stable URL and its export holds exactly the filtered rows (all of
them, not just the page).

Sorting uses the database (`order_by`) for querysets and Python for lists; the primary key is
always the last sort key so pages never overlap. An unknown `sort` or `page` falls back to the
default rather than failing: a stale bookmark still opens the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from . import exports

PAGE_SIZES = (25, 50, 100, 200)
MAX_EXPORT_ROWS = 100_000


@dataclass(frozen=True)
class Column:
    """One column: `key` names it in `?sort=`; `order_by` (ORM paths) makes it sortable on a queryset;
    `value` gives the cell for exports and for sorting a list (a dotted attribute path or a function)."""

    key: str
    label: str
    value: str | Callable[[Any], Any]
    order_by: tuple[str, ...] | None = None
    sortable: bool = True
    shown: bool = True  # False: in exports only (e.g. a machine-readable date the page shows combined)
    exported: bool = True  # False: on the page only (e.g. a live verdict computed for the rows shown)

    def cell(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        current = row
        for part in self.value.split("."):
            current = current.get(part) if isinstance(current, dict) else getattr(current, part, None)
            if current is None:
                return None
        return current() if callable(current) else current


@dataclass(frozen=True)
class Table:
    name: str  # file stem of the exports, e.g. "waivers"
    columns: tuple[Column, ...]
    default_sort: str  # a column key, "-key" for descending
    page_size: int = 50

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key and c.sortable), None)

    def bind(self, request: HttpRequest, rows: QuerySet[Any] | Sequence[Any]) -> BoundTable:
        sort = request.GET.get("sort", "")
        if self.column(sort.removeprefix("-")) is None:
            sort = self.default_sort
        ordered = self._ordered(rows, sort)
        per_page = _int(request.GET.get("per_page"), self.page_size)
        if per_page not in PAGE_SIZES:
            per_page = self.page_size
        return BoundTable(table=self, request=request, sort=sort, rows=ordered, per_page=per_page)

    def _ordered(self, rows: QuerySet[Any] | Sequence[Any], sort: str) -> QuerySet[Any] | list[Any]:
        descending = sort.startswith("-")
        column = self.column(sort.removeprefix("-"))
        assert column is not None  # bind() fell back to the default
        if isinstance(rows, QuerySet):
            paths = column.order_by or ((column.value,) if isinstance(column.value, str) else ())
            keys = [f"-{p}" if descending else p for p in paths]
            return rows.order_by(*keys, "-pk" if descending else "pk")
        return sorted(rows, key=lambda r: _sort_key(column.cell(r)), reverse=descending)


@dataclass
class BoundTable:
    table: Table
    request: HttpRequest
    sort: str
    rows: QuerySet[Any] | list[Any]
    per_page: int
    _page: Page[Any] | None = field(default=None, init=False)

    @property
    def export_format(self) -> str | None:
        fmt = self.request.GET.get("format", "")
        return fmt if fmt in exports.FORMATS else None

    def export_response(self) -> HttpResponse:
        """Every filtered row (not just the page) as CSV or XLSX, through the one export helper."""
        fmt = self.export_format or "csv"
        header = [c.label for c in self.table.columns]
        rows = self.rows[:MAX_EXPORT_ROWS]
        body = exports.table_bytes(
            fmt, header, ([_plain(c.cell(r)) for c in self.table.columns] for r in rows), title=self.table.name
        )
        response = HttpResponse(body, content_type=exports.XLSX_TYPE if fmt == "xlsx" else exports.CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.table.name}.{fmt}"'
        return response

    @property
    def page(self) -> Page[Any]:
        if self._page is None:
            self._page = Paginator(self.rows, self.per_page).get_page(self.request.GET.get("page"))
        return self._page

    @property
    def total(self) -> int:
        return self.page.paginator.count

    def url(self, **changes: Any) -> str:
        """This page's URL with some query parameters changed (None removes one)."""
        params = {k: v for k, v in self.request.GET.items() if v != ""}
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return "?" + urlencode(params) if params else "?"

    @property
    def headers(self) -> list[dict[str, Any]]:
        current = self.sort.removeprefix("-")
        descending = self.sort.startswith("-")
        out = []
        for column in self.table.columns:
            if not column.shown:
                continue
            entry: dict[str, Any] = {"label": column.label, "key": column.key, "url": None, "aria_sort": None}
            if column.sortable:
                is_current = column.key == current
                next_sort = f"-{column.key}" if is_current and not descending else column.key
                entry["url"] = self.url(sort=next_sort, page=None)
                entry["next"] = "descending" if next_sort.startswith("-") else "ascending"
                if is_current:
                    entry["aria_sort"] = "descending" if descending else "ascending"
            out.append(entry)
        return out

    @property
    def pages(self) -> list[dict[str, Any]]:
        """Page links for USWDS pagination: first, last, and two either side of the current page."""
        page = self.page
        last = page.paginator.num_pages
        wanted = sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)})
        links: list[dict[str, Any]] = []
        previous = 0
        for number in wanted:
            if number - previous > 1:
                links.append({"gap": True})
            links.append({"number": number, "url": self.url(page=number), "current": number == page.number})
            previous = number
        return links

    @property
    def previous_url(self) -> str | None:
        return self.url(page=self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def next_url(self) -> str | None:
        return self.url(page=self.page.next_page_number()) if self.page.has_next() else None

    @property
    def export_urls(self) -> list[tuple[str, str]]:
        return [(fmt.upper(), self.url(format=fmt, page=None)) for fmt in exports.FORMATS]

    @property
    def page_sizes(self) -> list[dict[str, Any]]:
        return [{"size": n, "url": self.url(per_page=n, page=None), "current": n == self.per_page} for n in PAGE_SIZES]


def _int(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() and len(text) < 6 else default


def _sort_key(value: Any) -> tuple[int, Any]:
    """None sorts last; text case-insensitively; other values as they are."""
    if value is None or value == "":
        return (1, "")
    if isinstance(value, str):
        return (0, value.casefold())
    return (0, value)


def _plain(value: Any) -> Any:
    """A cell an export can hold: numbers, dates and Decimals as values, model objects as their text
    (core/exports.py writes aware times as UTC)."""
    if value is None or isinstance(value, (str, int, float, Decimal, dt.date, dt.datetime)):
        return value
    return str(value)
