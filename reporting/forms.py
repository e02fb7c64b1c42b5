
from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from plans.forms import WholeNumberField
from plans.models import Indicator
from portal.forms import SpreadsheetUploadForm, UploadConfirmForm
from reporting.models import Period, Report


def _whole_number(label):
    field = WholeNumberField(label=label, required=False, min_value=0, max_digits=12, decimal_places=0)
    field.widget.attrs.update({"inputmode": "numeric", "class": "form-control text-end", "autocomplete": "off"})
    field.error_messages["max_decimal_places"] = _("Nhập số nguyên.")
    return field


def field_names(indicator):
    """The form fields of an indicator: one for a count, numerator and denominator for a ratio."""
    if indicator.kind == Indicator.Kind.RATIO:
        return (f"n_{indicator.code}", f"d_{indicator.code}")
    return (f"v_{indicator.code}",)


class ReportForm(forms.Form):
    """The figures of one report, one field per indicator (a ratio: numerator and denominator;
    its percentage is computed, never typed), the explanatory note, and the version the page
    was loaded at (optimistic locking: reporting.services.save_values)."""
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Thuyết minh"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for ind in self.indicators:
            if ind.kind == Indicator.Kind.RATIO:
                num, den = field_names(ind)
                self.fields[num] = _whole_number(_("Tử số"))
                self.fields[den] = _whole_number(_("Mẫu số"))
                # the table shows no <label> per input: each says what it is (screen readers)
                self.fields[num].widget.attrs["aria-label"] = f"{_('Tử số')}: {ind.name}"
                self.fields[den].widget.attrs["aria-label"] = f"{_('Mẫu số')}: {ind.name}"
            else:
                (name,) = field_names(ind)
                self.fields[name] = _whole_number(ind.name)
                self.fields[name].widget.attrs["aria-label"] = ind.name

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"

    def clean(self):
        data = super().clean()
        for ind in self.indicators:
            if ind.kind != Indicator.Kind.RATIO:
                continue
            num_name, den_name = field_names(ind)
            if num_name in self.errors or den_name in self.errors:
                continue
            num, den = data.get(num_name), data.get(den_name)
            if (num is None) != (den is None):
                self.add_error(num_name if num is None else den_name, _("Cần nhập cả tử số và mẫu số."))
            elif den is not None and den <= 0:
                self.add_error(den_name, _("Mẫu số phải lớn hơn 0."))
            elif num is not None and num > den:
                self.add_error(num_name, _("Tử số không được lớn hơn mẫu số."))
        return data

    def values(self):
        """{code: {"value": x} or {"numerator": n, "denominator": d}} for services.save_values."""
        data, out = self.cleaned_data, {}
        for ind in self.indicators:
            names = field_names(ind)
            if ind.kind == Indicator.Kind.RATIO:
                out[ind.code] = {"numerator": data.get(names[0]), "denominator": data.get(names[1])}
            else:
                out[ind.code] = {"value": data.get(names[0])}
        return out


class OpenReportForm(forms.Form):
    """The period picker: which period's report of the user's own area to open."""
    ky = forms.ModelChoiceField(label=_("Kỳ báo cáo"), queryset=Period.objects.none(), to_field_name="code",
                                empty_label=None)

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ky"].queryset = Period.objects.filter(pk__in=[p.pk for p in periods]).order_by("year", "kind")
        self.fields["ky"].widget.attrs["class"] = "form-select"


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("Hãy ghi lý do trả lại để người nhập biết cần sửa gì.")},
                              help_text=_("Người nhập liệu sẽ thấy nội dung này ở đầu báo cáo."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(self.fields["comment"].error_messages["required"])
        return comment


class ReportFilterForm(forms.Form):
    ky = forms.ModelChoiceField(label=_("Kỳ báo cáo"), queryset=Period.objects.order_by("-year", "-kind"),
                                to_field_name="code", required=False, empty_label=_("Tất cả các kỳ"))
    trang_thai = forms.ChoiceField(label=_("Trạng thái"), required=False)
    q = forms.CharField(label=_("Đơn vị"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trang_thai"].choices = [("", _("Tất cả"))] + list(Report.Status.choices)


IMPORT_STATUS_CHOICES = [(Report.Status.APPROVED, _("Đã duyệt (số liệu lịch sử)")),
                         (Report.Status.SUBMITTED, _("Chờ duyệt (cấp trên duyệt từng báo cáo)"))]


class FiguresUploadForm(SpreadsheetUploadForm):
    """The upload of a file of report figures (DOMAIN.md §7) with the status its reports get
    (`import_submissions --status`)."""
    background_job = True  # reporting.import_views sends a file of more than JOB_THRESHOLD_ROWS rows to a job
    status = forms.ChoiceField(label=_("Trạng thái của báo cáo được nhập"), choices=IMPORT_STATUS_CHOICES,
                               initial=Report.Status.APPROVED, widget=forms.RadioSelect)


class FiguresConfirmForm(UploadConfirmForm):
    status = forms.ChoiceField(choices=IMPORT_STATUS_CHOICES, widget=forms.HiddenInput)
