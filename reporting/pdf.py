"""Progress reports as administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I;
shared/PDF.md), rendered by WeasyPrint.

    document_figures(progress)            -> dict: a JSON-serialisable snapshot of everything
                                             the PDF shows (tables, chart, completeness, texts)
    render_snapshot_pdf(figures, document) -> bytes: renders from the snapshot alone, no query
    render_progress_pdf(progress, document=None) -> bytes: both of the above

``document`` is None for a draft (placeholder number, today's date, no signer, marked
"DỰ THẢO"), or a dict / IssuedDocument-like object with number, place, issued_on,
parent_body, issuing_body, signer_authority, signer_title, signer_name, recipients (one per
line), assessment, difficulties, proposals. An IssuedDocument keeps the snapshot in
``figures``, so that it re-prints exactly as signed whatever reports arrive later.

The font is Liberation Serif (SIL OFL, metric-compatible with Times New Roman), shipped in
static/fonts/ and loaded with @font-face from file:// paths under a family name of its own,
so no system font is ever used and every machine renders the same.
"""
import datetime
import re
from decimal import Decimal
from html import escape
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from plans.targets import describe
from portal.language import in_vietnamese
from portal.numbers import fmt_number
from reporting import rollup

SNAPSHOT_VERSION = 2   # 2: status colours and notes (own targets, units, groups)
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
FONT_FAMILY = "LiberationSerif Portal"   # the shipped files only: no system font has this name
DE_AN_NAME = "Hỗ trợ hợp tác xã do phụ nữ tham gia quản lý, tạo việc làm cho lao động nữ đến năm 2030"
DOC_TYPE_WORDS = {"KH": "Kế hoạch", "QĐ": "Quyết định", "CT": "Chỉ thị", "HD": "Hướng dẫn", "BC": "Báo cáo",
                  "CV": "Công văn", "TB": "Thông báo", "NQ": "Nghị quyết"}
CHART_MAX = 150          # the chart's scale ends at 150 % of the target; longer bars are clipped
DOC_FIELDS = ("number", "place", "issued_on", "parent_body", "issuing_body", "signer_authority",
              "signer_title", "signer_name", "recipients", "assessment", "difficulties", "proposals", "summary")


# Formatting ------------------------------------------------------------------------------

def vn_day_month(day, month):
    """Nghị định 30: days below 10 and months 1 and 2 take a leading zero."""
    return f"{day:02d}", (f"{month:02d}" if month <= 2 else str(month))


def date_long(day):
    """ô 4: "ngày 05 tháng 02 năm 2026"."""
    d, m = vn_day_month(day.day, day.month)
    return f"ngày {d} tháng {m} năm {day.year}"


def date_short(day, precision="day"):
    """In the body: "03/01/2023", "21/3/2023" (same leading-zero rule); month or year only."""
    d, m = vn_day_month(day.day, day.month)
    if precision == "year":
        return f"năm {day.year}"
    if precision == "month":
        return f"tháng {m}/{day.year}"
    return f"{d}/{m}/{day.year}"


def document_number(number):
    """ô 3: "15/BC-HPN"; a number below 10 takes a leading zero ("5/BC-HPN" -> "05/BC-HPN")."""
    number = (number or "").strip()
    head, sep, tail = number.partition("/")
    if head.isdigit() and len(head) == 1:
        head = "0" + head
    return f"{head}{sep}{tail}"


def percent_text(value):
    """45 -> "45 %", 66.666 -> "66,7 %" (one decimal at most); None -> ""."""
    if value is None:
        return ""
    return f"{fmt_number(Decimal(str(value)).quantize(Decimal('0.1')))} %"


def _number(value):
    return rollup.number(value)


def _as_date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _recipient_lines(text):
    """One recipient per line: "- …;" and the last "- Lưu: VT, …." (added when missing)."""
    names = [re.sub(r"^[\s\-–•]+", "", line).strip().rstrip(";.,").strip()
             for line in (text or "").splitlines()]
    names = [n for n in names if n]
    if not any(n.lower().startswith("lưu") for n in names):
        names.append("Lưu: VT")
    lu = [n for n in names if n.lower().startswith("lưu")]
    names = [n for n in names if not n.lower().startswith("lưu")] + lu[-1:]
    return [f"- {n}{'.' if i == len(names) - 1 else ';'}" for i, n in enumerate(names)]


def _paragraphs(text):
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text or "") if p.strip()]


# The snapshot ----------------------------------------------------------------------------

@in_vietnamese
def document_figures(progress):
    """Everything the PDF shows, as plain JSON: rendering it needs no database."""
    area, plan = progress.area, progress.plan
    lines = []
    parent_name = _full_name(progress.plan.area)
    children = progress.children

    def name_of(key):
        return _full_name(area) if key == area.pk else _full_name(children[key])

    for no, line in enumerate(progress.lines, start=1):
        ind, is_ratio = line.indicator, line.indicator.kind == "ratio"
        if line.actual is None:
            actual_text = "—"          # the status column says "Chưa có số liệu"
        elif is_ratio:
            actual_text = f"{fmt_number(line.actual)} %"
        else:
            actual_text = fmt_number(line.actual)
        lines.append({
            "no": no,
            "code": ind.code,
            "name": ind.name,
            "unit": ind.unit,
            "kind": ind.kind,
            "target": describe(line.target) if line.target is not None else "",
            "actual": _number(line.actual),
            "numerator": _number(line.figure.numerator) if is_ratio else None,
            "denominator": _number(line.figure.denominator) if is_ratio else None,
            "actual_text": actual_text,
            "ratio_text": (f"{fmt_number(line.figure.numerator)}/{fmt_number(line.figure.denominator)}"
                           if is_ratio and line.figure.denominator else ""),
            "percent_of_target": _number(line.percent_of_target),
            "percent_text": percent_text(line.percent_of_target),
            "status": line.status,
            "status_label": rollup.status_label(line.status),
            "exceeded": line.exceeded,
            "notes": rollup.line_notes(line, name_of, parent_name),
        })
    tally = {key: sum(1 for l in lines if l["status"] == key) for key in rollup.STATUS_LABELS}
    return {
        "version": SNAPSHOT_VERSION,
        "area": _area_json(area),
        "plan": _plan_json(plan),
        "milestone": progress.milestone,
        "as_of": progress.as_of.isoformat(),
        "window_start": progress.window_start.isoformat(),
        "window_end": progress.window_end.isoformat(),
        "evaluation_date": progress.evaluation_date.isoformat(),
        "include_submitted": progress.include_submitted,
        "closed": progress.closed,
        "summary": _summary(plan, progress.milestone, progress.as_of),
        "counting": _counting_sentence(progress),
        "lines": lines,
        "tally": tally,
        "chart": {"max": CHART_MAX, "bars": [
            {"no": l["no"], "code": l["code"], "label": l["name"], "percent": l["percent_of_target"],
             "text": l["percent_text"], "achieved": l["status"] == rollup.ACHIEVED, "status": l["status"],
             "colour": rollup.STATUS_COLOURS[l["status"]], "status_label": l["status_label"]} for l in lines]},
        "breakdown": _breakdown(progress, lines),
        "completeness": _completeness(progress),
        "tasks": tasks_figures(progress),
    }


def tasks_figures(progress):
    """II.3: the tasks (reporting.tasks) as plain JSON; ``text`` is the paragraph the officer
    may edit before issuing."""
    from reporting.tasks import rollup_for_progress

    t = getattr(progress, "tasks", None) or rollup_for_progress(progress)
    return {
        "text": t.text,
        "due": len(t.due), "done": len(t.done), "late_count": len(t.late), "pending": len(t.pending),
        "late": [{"title": d.task.title, "lead": d.task.lead, "period": d.period_label} for d in t.late],
        "kinds": [{"label": k.label, "count": k.count, "sessions": k.sessions, "participants": k.participants,
                   "women": k.women} for k in t.kinds],
        "budget": [{"label": b["label"], "planned": fmt_number(b["planned"]), "spent": fmt_number(b["spent"])}
                   for b in t.budget],
    }


def _area_json(area):
    name = area.name
    if area.level == 0:
        issuing, parent, place = "ĐOÀN CHỦ TỊCH TRUNG ƯƠNG HỘI LHPN VIỆT NAM", "", "Hà Nội"
    else:
        ancestors = list(area.ancestors())
        province = next((a for a in ancestors if a.level == 1), area if area.level == 1 else None)
        issuing = f"HỘI LHPN {_full_name(area)}".upper()
        up = ancestors[-1] if ancestors else None
        parent = ("HỘI LHPN VIỆT NAM" if up is None or up.level == 0 else f"HỘI LHPN {_full_name(up)}".upper())
        place = province.name if province else name
    return {"code": area.code, "name": name, "full_name": _full_name(area), "level": area.level,
            "issuing_body": issuing, "parent_body": parent, "place": place}


def _in_text(name):
    """"Tỉnh Lạng Sơn" -> "tỉnh Lạng Sơn" inside a sentence (the type word in lower case)."""
    head, _, rest = name.partition(" ")
    return f"{head.lower()} {rest}" if rest and head.lower() in ("tỉnh", "thành", "xã", "phường", "huyện",
                                                                   "quận", "thị", "đặc") else name


def _full_name(area):
    """The unit's name with its type: districts and communes carry it already ("Xã Thất Khê",
    "Thành phố Lạng Sơn"); current provinces do not ("Lạng Sơn" -> "Tỉnh Lạng Sơn")."""
    name = area.name
    if area.level != 1 or name.startswith(("Tỉnh ", "Thành phố ")):
        return name
    return f"{'Tỉnh' if (area.division_type or 'tỉnh') == 'tỉnh' else 'Thành phố'} {name}"


def _plan_json(plan):
    bases = [line.strip().rstrip(";.").strip() for line in plan.legal_basis_lines]
    bases = [b if b.lower().startswith("căn cứ") else f"Căn cứ {b}" for b in bases if b]
    own = _plan_citation(plan)
    if not (plan.number and any(plan.number in b for b in bases)):
        bases.append(f"Căn cứ {own}")
    return {"key": plan.key, "number": plan.number, "title": plan.title, "issuer": plan.issuer,
            "kind": plan.kind, "citation": own, "legal_bases": bases}


def _plan_citation(plan):
    """"Kế hoạch số 235/KH-ĐCT ngày 21/3/2023 của Đoàn Chủ tịch … thực hiện …"."""
    if plan.kind == "de_an":
        head, rest = "Quyết định", f"phê duyệt Đề án “{_de_an_name(plan)}”"
    else:
        head = DOC_TYPE_WORDS.get(plan.doc_type, "")
        title = plan.title.strip()
        if head and title.lower().startswith(head.lower() + " "):
            rest = title[len(head) + 1:]
        else:
            head, rest = title, ""
    text = head
    if plan.number:
        text += f" số {plan.number}"
    if plan.issued_on:
        text += f" ngày {date_short(plan.issued_on)}" if (plan.issued_on_precision or "day") == "day" \
            else f" {date_short(plan.issued_on, plan.issued_on_precision)}"
    if plan.issuer:
        text += f" của {plan.issuer}"
    return f"{text} {rest}".strip()


def _de_an_name(plan):
    for text in [plan.title, *plan.legal_basis_lines]:
        m = re.search(r"Đề án\s*[“\"]([^”\"]+)[”\"]", text)
        if m:
            return m.group(1).strip()
    if plan.kind == "de_an" and plan.title.startswith("Đề án "):
        return plan.title[len("Đề án "):].strip()
    return DE_AN_NAME


def _summary(plan, milestone, as_of):
    """ô 5b: "Kết quả thực hiện Đề án “…” năm 2025" (or "đến ngày …" before the milestone's year)."""
    head = f"Kết quả thực hiện Đề án “{_de_an_name(plan)}”"
    if plan.year_start == plan.year_end or as_of.year >= milestone:
        return f"{head} năm {milestone}"
    return f"{head} đến ngày {date_short(as_of)}"


def _counting_sentence(progress):
    which = ("các báo cáo đã được duyệt và các báo cáo đã gửi đang chờ duyệt (số liệu chưa chính thức)"
             if progress.include_submitted else
             "các báo cáo đã được duyệt (không tính báo cáo đang chờ duyệt, bản nháp hoặc bị trả lại)")
    return (f"Số liệu tổng hợp từ {which} của {_in_text(_full_name(progress.area))} và các đơn vị trực thuộc, "
            f"tính đến ngày {date_short(progress.as_of)}; so với mục tiêu đến năm {progress.milestone}. "
            f"Chỉ tiêu cộng dồn tính từ ngày {date_short(progress.window_start)} đến ngày "
            f"{date_short(progress.window_end)}; chỉ tiêu thời điểm tính tại ngày "
            f"{date_short(progress.evaluation_date)}.")


def _breakdown(progress, lines):
    """II.1: the figure of each unit below (and of the area's own report) per indicator."""
    columns, seen = [], set()
    for line, row in zip(progress.lines, lines):
        if line.indicator.code not in seen:
            seen.add(line.indicator.code)
            columns.append((line, row))
    units = sorted(progress.children.items(), key=lambda kv: (kv[1].level, kv[1].is_old, kv[1].code))
    own = progress.area.pk
    keys = [(own, f"{_full_name(progress.area)} (báo cáo của cấp mình)", False)] if any(
        own in line.children for line, _ in columns) else []
    keys += [(key, _full_name(child), child.is_old) for key, child in units]
    rows, without = [], []
    for key, name, old in keys:
        cells, any_figure = [], False
        for line, _ in columns:
            c = line.children.get(key)
            if c is None or c.actual is None:
                cells.append("—")
            else:
                any_figure = True
                cells.append(f"{fmt_number(c.actual)} %" if line.indicator.kind == "ratio" else fmt_number(c.actual))
        if any_figure:
            rows.append({"name": name, "old": old, "cells": cells})
        else:
            without.append(name)
    return {"columns": [{"no": row["no"], "code": row["code"], "name": row["name"]} for _, row in columns],
            "rows": rows, "without_data": without}


def _completeness(progress):
    """II.2: per period, how many units had to report, on time, late, not sent; and who."""
    from reporting.models import Period, due_date

    plan = progress.plan
    wanted = progress.periods
    if plan.reports_half_year or plan.reports_annual:  # a plan that states neither: both (the default)
        wanted = [p for p in wanted if (p.kind == Period.Kind.HALF_YEAR and plan.reports_half_year)
                  or (p.kind == Period.Kind.ANNUAL and plan.reports_annual)]
    index = {p.pk: i for i, p in enumerate(progress.periods)}
    national = progress.area.level == 0
    periods = []
    for p in wanted:
        i = index[p.pk]
        entry = {"code": p.code, "label": p.label, "due": date_short(due_date(plan, p)),
                 "expected": 0, "on_time": 0, "late": 0, "missing": 0, "pending": 0,
                 "late_units": [], "missing_units": [], "pending_units": []}
        for child, cells in progress.completeness:
            cell = cells[i]
            if national:  # rollup Tally per province
                entry["expected"] += cell.expected
                entry["on_time"] += cell.on_time
                entry["late"] += cell.late
                entry["missing"] += cell.missing
                entry["pending"] += cell.pending
                if cell.missing:
                    entry["missing_units"].append(f"{child.name} ({cell.missing}/{cell.expected})")
                if cell.late:
                    entry["late_units"].append(f"{child.name} ({cell.late})")
                continue
            if cell.status == "n/a":
                continue
            entry["expected"] += 1
            entry[cell.status] += 1
            if cell.status in ("late", "missing", "pending"):
                entry[f"{cell.status}_units"].append(_full_name(child))
        periods.append(entry)
    return {"national": national, "periods": periods}


# Rendering -------------------------------------------------------------------------------

def render_progress_pdf(progress, document=None):
    return render_snapshot_pdf(document_figures(progress), document)


def render_snapshot_pdf(figures, document=None):
    """The PDF from a snapshot (document_figures, possibly read back from JSON) alone."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = render_html(figures, document)
    fonts = FontConfiguration()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)


@in_vietnamese
def render_html(figures, document=None):
    return render_to_string("reporting/pdf/progress.html", _context(figures, document))


def _doc(document):
    if document is None:
        return None
    if isinstance(document, dict):
        return {k: document.get(k) for k in DOC_FIELDS}
    return {k: getattr(document, k, None) for k in DOC_FIELDS}


def _context(figures, document):
    doc = _doc(document)
    area = figures["area"]
    draft = doc is None
    if draft:
        doc = {"number": "", "place": area["place"], "issued_on": datetime.date.today(),
               "parent_body": area["parent_body"], "issuing_body": area["issuing_body"],
               "signer_authority": "", "signer_title": "", "signer_name": "", "recipients": "",
               "assessment": "", "difficulties": "", "proposals": "", "summary": ""}
    issued_on = _as_date(doc["issued_on"]) or datetime.date.today()
    bases = figures["plan"]["legal_bases"]
    narrative = [
        ("1.", "Đánh giá chung", _paragraphs(doc["assessment"])),
        ("2.", "Khó khăn, vướng mắc", _paragraphs(doc["difficulties"])),
        ("3.", "Đề xuất, kiến nghị", _paragraphs(doc["proposals"])),
    ]
    return {
        "f": figures,
        "draft": draft,
        "font_faces": _font_faces(),
        "font_family": FONT_FAMILY,
        "parent_body": (doc["parent_body"] or "").strip().upper(),
        "issuing_body_lines": [l.strip().upper() for l in (doc["issuing_body"] or "").splitlines() if l.strip()],
        "number": "…/BC-…" if draft else document_number(doc["number"]),
        "place": (doc["place"] or area["place"]).strip(),
        "date_long": date_long(issued_on),
        "summary": (doc.get("summary") or figures["summary"]).strip(),
        "legal_bases": [b + ("." if i == len(bases) - 1 else ";") for i, b in enumerate(bases)],
        "lines": figures["lines"],
        "chart_svg": mark_safe(chart_svg(figures["chart"])),
        "tally": figures["tally"],
        "breakdown": figures["breakdown"],
        "completeness": figures["completeness"],
        "tasks": figures.get("tasks"),  # snapshots issued before tasks existed have none
        "tasks_paragraphs": _paragraphs((figures.get("tasks") or {}).get("text")),
        "has_gaps": any(p["late_units"] or p["missing_units"] for p in figures["completeness"]["periods"]),
        "narrative": narrative,
        "recipients": _recipient_lines(doc["recipients"]) if not draft else ["- …;", "- Lưu: VT."],
        "signer_authority": (doc["signer_authority"] or "").strip().upper(),
        "signer_title": (doc["signer_title"] or "").strip().upper(),
        "signer_name": (doc["signer_name"] or "").strip(),
        "generated": date_short(datetime.date.today()),
    }


def _font_faces():
    faces = []
    for style, weight, name in (("normal", 400, "Regular"), ("normal", 700, "Bold"),
                                ("italic", 400, "Italic"), ("italic", 700, "BoldItalic")):
        url = (FONT_DIR / f"LiberationSerif-{name}.ttf").resolve().as_uri()
        faces.append(f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{url}") format("truetype"); '
                     f"font-style: {style}; font-weight: {weight}; }}")
    return mark_safe("\n".join(faces))


def chart_svg(chart):
    """A horizontal bar chart of percent of target per indicator, with a 100 % line; inline SVG
    (WeasyPrint draws it as vectors; no script). Numbers are written with dots for SVG."""
    bars = chart["bars"]
    top = chart["max"]
    width, label_w, value_w, row_h, head, foot = 640, 300, 62, 26, 10, 48
    plot_w = width - label_w - value_w
    height = head + row_h * max(len(bars), 1) + foot

    def x(pct):
        return label_w + plot_w * min(max(pct, 0), top) / top

    font = f'font-family="{FONT_FAMILY}"'
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img">']
    base_y = head + row_h * len(bars)
    for tick in range(0, top + 1, 25):
        tx = x(tick)
        major = tick % 50 == 0
        out.append(f'<line x1="{tx:.1f}" y1="{head - 4}" x2="{tx:.1f}" y2="{base_y}" stroke="#cccccc" '
                   f'stroke-width="{0.8 if major else 0.4}"/>')
        if major:
            out.append(f'<text x="{tx:.1f}" y="{base_y + 16}" text-anchor="middle" font-size="13" {font}>'
                       f'{tick} %</text>')
    for i, bar in enumerate(bars):
        y = head + row_h * i
        label = f'{bar["no"]}. {bar["label"]}'
        if len(label) > 42:
            label = label[:41].rstrip(" ,") + "…"
        out.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="13" {font}>'
                   f'{escape(label)}</text>')
        if bar["percent"] is None:
            out.append(f'<text x="{label_w + 4}" y="{y + 17}" font-size="12" font-style="italic" {font}>'
                       f'chưa có số liệu</text>')
            continue
        pct = float(bar["percent"])
        bw = max(x(pct) - label_w, 0.8)
        # the status badges' colours (a snapshot of version 1 has none: grey shades)
        fill = bar.get("colour") or ("#3a3a3a" if bar["achieved"] else "#a6a6a6")
        out.append(f'<rect x="{label_w}" y="{y + 5}" width="{bw:.1f}" height="{row_h - 10}" fill="{fill}"/>')
        if pct > top:  # clipped: a break mark at the end of the bar
            out.append(f'<path d="M{x(top) - 9:.1f} {y + 3} l6 {row_h - 6} M{x(top) - 4:.1f} {y + 3} '
                       f'l6 {row_h - 6}" stroke="#ffffff" stroke-width="2"/>')
        out.append(f'<text x="{width - 2}" y="{y + 17}" text-anchor="end" font-size="13" {font}>'
                   f'{escape(bar["text"])}</text>')
    hx = x(100)
    out.append(f'<line x1="{hx:.1f}" y1="{head - 8}" x2="{hx:.1f}" y2="{base_y + 2}" stroke="#000000" '
               f'stroke-width="1.6" stroke-dasharray="5 3"/>')
    ly = base_y + 36
    if all(bar.get("colour") for bar in bars) and bars:   # "Đạt", then the other statuses drawn
        shown = {bar["status"] for bar in bars if bar["percent"] is not None} | {rollup.ACHIEVED}
        legend = [(rollup.status_label(k), rollup.STATUS_COLOURS[k]) for k in rollup.STATUS_LABELS if k in shown]
    else:
        legend = [("Đạt mục tiêu", "#3a3a3a"), ("Chưa đạt", "#a6a6a6")]
    lx = 10
    for label, colour in legend:
        out.append(f'<rect x="{lx}" y="{ly - 10}" width="14" height="10" fill="{colour}"/>'
                   f'<text x="{lx + 19}" y="{ly}" font-size="12" {font}>{escape(label)}</text>')
        lx += 19 + 7 * len(label) + 14
    out.append(f'<line x1="{lx}" y1="{ly - 5}" x2="{lx + 22}" y2="{ly - 5}" stroke="#000000" '
               f'stroke-width="1.6" stroke-dasharray="5 3"/>'
               f'<text x="{lx + 27}" y="{ly}" font-size="12" {font}>Mục tiêu</text>')
    out.append("</svg>")
    return "".join(out)
