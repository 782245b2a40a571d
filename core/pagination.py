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
    of `queryset` (with its select_related and annotations), in the same order."""

    def __init__(self, queryset, per_page, **kwargs):
        self.rows = queryset
        super().__init__(queryset.values_list("pk", flat=True), per_page, **kwargs)

    def _get_page(self, object_list, number, paginator):
        keys = list(object_list)
        rows = {row.pk: row for row in self.rows.filter(pk__in=keys).order_by()} if keys else {}
        return super()._get_page([rows[k] for k in keys if k in rows], number, paginator)
