"""The progress page's three big tables — the units below the area, the trend by period and who
has reported — as rows of ready-made cells.

They are the page's hottest loops: nationally about a hundred units × a dozen indicators, and
34 provinces × 16 periods at the 2030 scale. Each cell is formatted here once, with its
labels looked up once per page (not per cell), and handed to the template as one safe string,
so that the template renders a row with a handful of nodes instead of a dozen tags and filters
per cell (measured with scripts/bench_progress.py: docs/performance.md, "Measured"). Every value put into a cell
goes through ``_e`` (the standard library's ``html.escape``, quotes included: what Django's
``escape`` does, without its lazy-string wrapper per call). The rules (which status a
unit gets, whom it is judged against) stay in reporting.rollup; this module only presents them.
"""
from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.numbers import fmt_number
from portal.scoping import can_see_area
from reporting import rollup

STATUS_CLASS = rollup.STATUS_CLASS


def _labels():
    """Status labels in the active language, once per page."""
    return {status: rollup.status_label(status) for status in STATUS_CLASS}


def _e(value):
    return escape(str(value))


def _unlocalized(value):
    return "" if value is None else str(value)


def children_rows(prog, user, query, lagging_only=False):
    """(rows, rows without data): one row per unit below the area, in map order; ``row["cells"]``
    follow ``prog.lines``. A unit is judged only against its own target (its allocation, a
    percentage target as written, its group's target); otherwise its figure is shown plain with
    its share. Rows without any figure are collapsed on the page ("N đơn vị chưa có số liệu");
    ``lagging_only`` keeps the units behind or not achieved on some indicator."""
    labels = _labels()
    contribution_title = _("phần đóng góp vào kết quả chung")
    url = reverse("progress:area", args=["__code__"])
    suffix = f"?{query}" if query else "?"
    columns = [(line, line.indicator.label, line.indicator.kind == "ratio") for line in prog.lines]
    rows, without_data = [], []
    for key, child in sorted(prog.children.items(), key=lambda kv: (kv[1].level, kv[1].is_old, kv[1].code)):
        cells, statuses, has_any = [], [], False
        for line, column_label, ratio in columns:
            c = line.children.get(key)
            has = c is not None and c.actual is not None
            judged = has and c.status in rollup.JUDGED
            if judged:
                statuses.append(c.status)
            has_any = has_any or has
            cells.append(_child_cell(c, has, judged, ratio, column_label, labels, contribution_title))
        href = ""
        if can_see_area(user, child):
            href = url.replace("__code__", child.code) + suffix
            if child.valid_to:
                href += f"&hieu_luc={child.valid_to.isoformat()}"
        row = {"area": child, "href": href, "cells": _join(cells)}
        if not has_any:
            without_data.append(row)
        elif not lagging_only or rollup.is_lagging(statuses):
            rows.append(row)
    return rows, without_data


def _child_cell(c, has, judged, ratio, column_label, labels, contribution_title):
    if has:
        css = STATUS_CLASS[c.status] if judged else "light border"
        label = labels[c.status]
        text = f"{fmt_number(c.actual, 2)} %" if ratio else fmt_number(c.actual)
        value = _unlocalized(c.actual)
    else:
        css, label, text, value = "secondary", labels[rollup.NO_DATA], "—", ""
    share = ""
    if has and c.contribution is not None:
        share = (f'<div class="small text-body-secondary" title="{_e(contribution_title)}">'
                 f'{fmt_number(c.contribution, 1)} %</div>')
    label = _e(label)
    return (f'<td class="num" data-label="{_e(column_label)}" data-value="{value}"><div><span class="badge '
            f'text-bg-{css}" title="{label}">{_e(text)}<span class="visually-hidden"> ({label})</span></span>'
            f'{share}</div></td>')


def trend_rows(prog, periods):
    """One row per indicator: its figure for each period in ``periods`` (a ratio as its
    percentage), as cells."""
    rows = []
    for line in prog.lines:
        ratio = line.indicator.kind == "ratio"
        cells = []
        for period in periods:
            f = line.trend.get(period)
            text = "" if f is None else (f"{fmt_number(f.percent, 2)} %" if ratio else fmt_number(f.value))
            cells.append(f'<td class="num" data-label="{_e(period)}">{_e(text)}</td>')
        rows.append({"label": line.indicator.label, "name": line.indicator.name, "cells": _join(cells)})
    return rows


def completeness_rows(prog, national):
    """One row per unit below the area (or the area itself): for each period of the window,
    whether it reported on time, late or not yet — nationally, per province, how many of its
    units did."""
    texts = {"on_time": _e(_("Đúng hạn")), "late": _e(_("Muộn")), "missing": _e(_("Chưa gửi")),
             "pending": _e(_("Chưa đến hạn"))}
    on_time_word, late_word, missing_word = _e(_("đúng hạn")), _e(_("muộn")), _e(_("chưa gửi"))
    not_due_word = _e(_("chưa đến hạn"))
    css = {"on_time": "table-success", "late": "table-warning", "missing": "table-danger", "pending": ""}
    rows = []
    for child, cells in prog.completeness:
        out = []
        for period, c in zip(prog.periods, cells):
            code = _e(period.code)
            if national:
                late = f' <span class="text-danger">({c.late} {late_word})</span>' if c.late else ""
                title = f"{on_time_word} {c.on_time}, {late_word} {c.late}, {missing_word} {c.unsent}"
                if c.pending:
                    title += f" ({not_due_word})"
                out.append(f'<td data-label="{code}" class="text-center{" table-warning" if c.missing else ""}" '
                           f'title="{title}">{c.on_time + c.late}/{c.expected}{late}</td>')
            elif c.status in texts:
                out.append(f'<td data-label="{code}" class="text-center {css[c.status]}">{texts[c.status]}</td>')
            else:
                out.append(f'<td data-label="{code}" class="text-center text-body-secondary">—</td>')
        rows.append({"name": child.name, "cells": _join(out)})
    return rows


def _join(cells):
    """A row's cells as one string, printed as is by the template (every value in it went
    through ``_e``; the rest is this module's own markup)."""
    return mark_safe("".join(cells))
