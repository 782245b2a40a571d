"""Pagination that sorts and counts only the rows' keys, then loads whole rows for one page.

A list page sorted by another table's columns (the tracker by its reports' dates, say) makes
the database join and sort every matching row to find one page. Carrying only the key through
that sort, and then loading the page's rows by key, keeps the wide work (every column, the
correlated subqueries for the latest update) to the rows shown: at national scale the tracker
list's page query went from 26 ms to 9 + 5 ms (bench/staff_load.py). One more query, and the
same whatever the data size.
"""

from django.core.paginator import Paginator


class KeysFirstPaginator(Paginator):
    """`Paginator` over `queryset`'s primary keys, in its order; each page holds whole rows
    of `queryset` (with its select_related and annotations), in the same order.

    Or, with `keys` and `load`: over `keys` (anything that counts and slices the keys in the
    list's order), each page holding what `load(page_keys)` gives as {key: row} (the few
    columns a list shows, say)."""

    def __init__(self, queryset=None, per_page=None, *, keys=None, load=None, **kwargs):
        if load is None:
            load = lambda page_keys: {  # noqa: E731
                row.pk: row for row in queryset.filter(pk__in=page_keys).order_by()
            }
        self.load = load
        if keys is None:
            keys = queryset.values_list("pk", flat=True)
        super().__init__(keys, per_page, **kwargs)

    def _get_page(self, object_list, number, paginator):
        keys = list(object_list)
        rows = self.load(keys) if keys else {}
        return super()._get_page([rows[k] for k in keys if k in rows], number, paginator)
