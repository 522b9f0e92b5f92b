"""How :func:`grading.monthly.refresh.compute_months` cuts the months it reads (memory is set by a read)."""

from datetime import date

from grading.monthly.refresh import _consecutive

JAN, FEB, MAR, APR, MAY, JUN = (date(2025, m, 1) for m in range(1, 7))


def test_runs_are_consecutive_months_of_at_most_size() -> None:
    # Jan-Mar consecutive, then a gap (Apr missing), then May-Jun; size 2 splits Jan-Mar.
    assert _consecutive([MAR, JAN, FEB, MAY, JUN], 2) == [[JAN, FEB], [MAR], [MAY, JUN]]


def test_runs_stay_within_the_budget_of_registered_complaints() -> None:
    # Registered: Jan 2 + Feb 2 = 4 fits the budget of 4; Mar 3 starts a new run, Apr 1 joins it (3 + 1 = 4);
    # May 5 is above the budget and is read alone; Jun (none registered) cannot join May, already over it.
    weights = {JAN: 2, FEB: 2, MAR: 3, APR: 1, MAY: 5}
    runs = _consecutive([JAN, FEB, MAR, APR, MAY, JUN], 6, weights, budget=4)
    assert runs == [[JAN, FEB], [MAR, APR], [MAY], [JUN]]
