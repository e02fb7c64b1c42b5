"""Issuing the progress report as an administrative document, and reprinting it.

The officer sets what a document needs beyond the figures (number and symbol, place and date,
signer and title, recipients, narrative); the portal then renders it and keeps it as issued —
the figures snapshot, the text and the PDF bytes — so it prints again unchanged after later
reports arrive (DOMAIN.md §5, shared/PDF.md)."""
import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from portal.scoping import get_scoped_or_404, require_role, scoped
from portal.text import quote_or_control
from reporting import notices
from reporting.models import IssuedDocument
from reporting.pdf import document_figures, render_snapshot_pdf
from reporting.progress_views import _area, progress_for

DEFAULT_RECIPIENTS = "Như trên\nThường trực Hội LHPN tỉnh\nLưu: VT"


class IssueForm(forms.ModelForm):
    issued_on = forms.DateField(label=gettext_lazy("Ngày ban hành"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                                widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
                                error_messages={"invalid": gettext_lazy("Ngày ghi theo dạng dd/mm/yyyy.")})
    tasks_text = forms.CharField(label=gettext_lazy("Kết quả thực hiện nhiệm vụ (mục II.3)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 5}),
                                 help_text=gettext_lazy("Soạn sẵn từ số liệu hoạt động; sửa được trước khi ban hành."))

    class Meta:
        model = IssuedDocument
        fields = ["number", "place", "issued_on", "parent_body", "issuing_body", "signer_authority",
                  "signer_title", "signer_name", "recipients", "assessment", "difficulties", "proposals"]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 4}), "assessment": forms.Textarea(attrs={"rows": 4}),
                   "difficulties": forms.Textarea(attrs={"rows": 3}), "proposals": forms.Textarea(attrs={"rows": 3}),
                   "issuing_body": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"number": gettext_lazy("Ví dụ 15/BC-HPN"),
                      "recipients": gettext_lazy("Mỗi nơi nhận một dòng; dòng cuối là “Lưu: VT, …”."),
                      "issuing_body": gettext_lazy("Có thể ghi hai dòng, ví dụ ỦY BAN NHÂN DÂN / TỈNH LẠNG SƠN.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if quote_or_control(number):
            raise forms.ValidationError(_("Số, ký hiệu không được có dấu nháy, xuống dòng hay ký tự điều khiển "
                                          "(ví dụ đúng: 15/BC-HPN)."))
        if "/" not in number:
            raise forms.ValidationError(_("Số, ký hiệu ghi dạng 15/BC-HPN (số / ký hiệu)."))
        return number


@require_http_methods(["GET", "POST"])
def issue(request, code):
    area = _area(request, code)
    require_role(request.user, review=True)
    _choice, prog = progress_for(request, area, include_submitted=False)  # an issued document: approved only
    figures = document_figures(prog)
    initial = {"place": figures["area"]["place"], "issued_on": datetime.date.today(),
               "parent_body": figures["area"]["parent_body"], "issuing_body": figures["area"]["issuing_body"],
               "signer_authority": "TM. BAN THƯỜNG VỤ", "signer_title": "PHÓ CHỦ TỊCH",
               "recipients": DEFAULT_RECIPIENTS, "tasks_text": figures["tasks"]["text"]}
    form = IssueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            doc = form.save(commit=False)
            doc.area, doc.plan, doc.milestone, doc.created_by = area, prog.plan, prog.milestone, request.user
            figures["tasks"]["text"] = form.cleaned_data["tasks_text"].strip()
            doc.figures = figures
            doc.pdf = render_snapshot_pdf(figures, doc)
            doc.save()
            notices.document_issued(doc)
        messages.success(request, _("Đã ban hành văn bản %(n)s.") % {"n": doc.number})
        return redirect("documents:detail", pk=doc.pk)
    return render(request, "reporting/issue_form.html", {
        "nav": "progress", "area": area, "prog": prog, "form": form, "query": request.GET.urlencode(),
        "breadcrumbs": [(area.name, reverse("progress:area", args=[area.code]) + "?" + request.GET.urlencode()),
                        (_("Ban hành văn bản"), None)]})


@require_safe
def document_list(request):
    docs = scoped(IssuedDocument.objects.select_related("area", "plan").defer("pdf", "figures"), request.user)
    page = Paginator(docs, 25).get_page(request.GET.get("page"))
    return render(request, "reporting/document_list.html", {
        "nav": "progress", "page": page, "breadcrumbs": [(_("Văn bản đã ban hành"), None)]})


@require_safe
def document_detail(request, pk):
    doc = get_scoped_or_404(IssuedDocument.objects.select_related("area", "plan", "created_by").defer("pdf"),
                            request.user, pk=pk)
    return render(request, "reporting/document_detail.html", {
        "nav": "progress", "doc": doc,
        "breadcrumbs": [(_("Văn bản đã ban hành"), reverse("documents:list")), (doc.number, None)]})


@require_safe
def document_pdf(request, pk):
    """The PDF exactly as issued (stored bytes), whatever has been reported since."""
    doc = get_scoped_or_404(IssuedDocument.objects.all(), request.user, pk=pk)
    name = doc.number.replace("/", "-")
    return HttpResponse(bytes(doc.pdf), content_type="application/pdf",
                        headers={"Content-Disposition": content_disposition_header(False, f"{name}.pdf")})
