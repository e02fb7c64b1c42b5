"""What the issue form warns about before an irreversible "Ban hành" (not errors: the officer
may have reasons, and confirms having read them):

- the issue date comes before the date the figures are counted to (the as-of date);
- the same body has already used the number in the same year (numbers compared as printed,
  "5/BC-HPN" = "05/BC-HPN"; bodies compared without case or spacing);
- the milestone is closed and reports of the area for the window are still not approved
  (draft, submitted or returned): the figures may still change.
"""
from django.utils.translation import gettext as _

from portal.models import Area
from reporting.models import IssuedDocument, Report
from reporting.pdf import date_short, document_number


def _same_text(a, b):
    return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()


def number_taken(number, issuing_body, year, exclude_pk=None):
    """The documents of the same body in the same year that already carry this number."""
    wanted = document_number(number).casefold()
    docs = IssuedDocument.objects.filter(issued_on__year=year).exclude(pk=exclude_pk).only(
        "pk", "number", "issuing_body", "issued_on")
    return [d for d in docs if document_number(d.number).casefold() == wanted
            and _same_text(d.issuing_body, issuing_body)]


def unapproved_reports(area, periods):
    """Reports of the area and the areas inside it, for these periods, not yet approved."""
    return Report.objects.filter(Area.inside_q(area, "area"), period__in=periods).exclude(
        status=Report.Status.APPROVED)


def issue_warnings(*, area, prog, number, issuing_body, issued_on):
    """The warnings (Vietnamese sentences) for a document about to be issued."""
    warnings = []
    if issued_on and issued_on < prog.as_of:
        warnings.append(_("Ngày ban hành %(d)s trước ngày số liệu được tính đến (%(a)s).")
                        % {"d": date_short(issued_on), "a": date_short(prog.as_of)})
    if number and issued_on:
        taken = number_taken(number, issuing_body, issued_on.year)
        if taken:
            warnings.append(_("Số %(n)s đã được %(b)s dùng trong năm %(y)s (văn bản ngày %(d)s).")
                            % {"n": document_number(number), "b": " ".join(issuing_body.split()),
                               "y": issued_on.year, "d": date_short(taken[0].issued_on)})
    if prog.closed:
        count = unapproved_reports(area, prog.periods).count()
        if count:
            warnings.append(_("Mốc %(m)s đã kết thúc nhưng còn %(c)s báo cáo trong kỳ chưa được duyệt: "
                              "số liệu có thể còn thay đổi.") % {"m": prog.milestone, "c": count})
    return warnings
