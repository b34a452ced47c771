"""One way to write dates everywhere (issue #16): ISO 8601, as the office's documents and the API do.
Django otherwise renders an unfiltered date as "Nov. 29, 2026" beside "2026-11-29" from a filter."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
