"""The derived columns' date rule, held to an independent oracle: EDTF level 0 bounds against Python's calendar."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest

from vostochny_summit.derive import edtf_bounds


@pytest.mark.parametrize("year", [1, 1900, 2000, 2023, 2024, 9999])
def test_a_month_spans_its_first_to_its_last_day(year):
    for month in range(1, 13):
        last = calendar.monthrange(year, month)[1]
        assert edtf_bounds(f"{year:04d}-{month:02d}") == (dt.date(year, month, 1), dt.date(year, month, last))


def test_days_years_and_intervals():
    assert edtf_bounds("2023-09-13") == (dt.date(2023, 9, 13),) * 2
    assert edtf_bounds("2023") == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert edtf_bounds("2023-02/2024-02") == (dt.date(2023, 2, 1), dt.date(2024, 2, 29))
    for bad in ("2023-13", "2023-02-30", "2023-00"):
        with pytest.raises(ValueError):
            edtf_bounds(bad)
