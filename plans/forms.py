from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from plans.models import Indicator, Plan, TaskGroup, Target
from portal.forms import AreaCodeField, VnDateField
from portal.numbers import fmt_number, parse_number
from portal.scoping import can_see_area, scoped


class VietnameseDecimalField(forms.DecimalField):
    """Takes numbers as Vietnamese write them: "0,3", "1.234,5", "2.000" (two thousand)."""

    # A text box, not <input type="number">: a browser's number input drops "0,3" and "1.234,5".
    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return fmt_number(value)  # shown as typed: 20, 0,3, 2.000
        return value

    def to_python(self, value):
        typed = value
        try:
            if isinstance(value, str):
                value = parse_number(value)  # portal.numbers: finite numbers only
            value = super().to_python(value)
            if value is not None and not value.is_finite():
                raise ValueError(value)
        except (ValueError, forms.ValidationError):
            raise forms.ValidationError(_("“%(value)s” không phải là số hợp lệ (ví dụ: 20 hoặc 0,3)."),
                                        params={"value": typed}) from None
        return value


class WholeNumberField(VietnameseDecimalField):
    """A whole number as Vietnamese write it ("1.234" is one thousand two hundred and
    thirty-four); "12,0" is taken as 12, "12,5" refused. "12a" gets the message every number
    field gives (VietnameseDecimalField): report figures, workforce counts."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and value == value.to_integral_value():
            try:
                value = value.quantize(Decimal(1))
            except InvalidOperation:  # more than Decimal's 28 digits: left as it is, max_digits refuses it
                pass
        return value


class CountField(WholeNumberField):
    """A count kept in an integer column (a cooperative's members and workers); the model turns
    the whole Decimal into an int when it cleans itself."""

    def __init__(self, **kwargs):
        kwargs.setdefault("decimal_places", 0)
        super().__init__(**kwargs)
        self.error_messages["max_decimal_places"] = _("Nhập số nguyên.")
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})


def stated_field(label):
    """Yes / no / not stated: a plan silent on a report is "Không nêu", not "Không"."""
    return forms.TypedChoiceField(label=label, required=False, empty_value=None,
                                  choices=[("", _("Không nêu")), ("True", _("Có")), ("False", _("Không"))],
                                  coerce=lambda value: value == "True")


class PlanForm(forms.ModelForm):
    reports_half_year = stated_field(_("Báo cáo 6 tháng"))
    reports_annual = stated_field(_("Báo cáo năm"))
    area = AreaCodeField(label=_("Địa bàn"), help_text=_(
        "Gõ tên (có hoặc không dấu) rồi chọn; hoặc mã: VN, tỉnh (2 số), huyện (3 số), xã (5 số)."))
    issued_on = VnDateField(label=_("Ngày ban hành"), required=False)

    class Meta:
        model = Plan
        fields = ["key", "kind", "title", "doc_type", "number", "issuer_parent", "issuer", "issued_on",
                  "issued_on_precision", "area", "based_on", "legal_basis", "year_start", "year_end",
                  "reports_half_year", "reports_annual", "half_year_due", "annual_due", "reporting_note",
                  "note", "source_file"]
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 3}),
                   "reporting_note": forms.Textarea(attrs={"rows": 2}),
                   "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].user = user
        based_on = scoped(Plan.objects.all(), user)
        if self.instance.pk:
            based_on = based_on.exclude(pk=self.instance.pk)
        self.fields["based_on"].queryset = based_on
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_area(self):
        area = self.cleaned_data["area"]
        if area is None:
            raise forms.ValidationError(_("Cần nhập mã địa bàn của kế hoạch."))
        if not can_see_area(self.user, area):
            raise forms.ValidationError(_("Địa bàn “%(name)s” nằm ngoài phạm vi quản lý của bạn."),
                                        params={"name": area.name})
        return area

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("year_start"), cleaned.get("year_end")
        if start and end and start > end:
            self.add_error("year_end", _("Năm kết thúc (%(end)s) phải sau hoặc bằng năm bắt đầu (%(start)s).")
                           % {"end": end, "start": start})
        return cleaned


class TargetForm(forms.ModelForm):
    low = VietnameseDecimalField(label=_("Giá trị"), max_digits=14, decimal_places=2)
    high = VietnameseDecimalField(label=_("Cận trên"), max_digits=14, decimal_places=2, required=False)

    class Meta:
        model = Target
        fields = ["indicator", "milestone", "form", "low", "high", "unit", "per_unit", "area_group", "wording"]
        widgets = {"wording": forms.Textarea(attrs={"rows": 2}),
                   "milestone": forms.NumberInput(attrs={"min": 2000, "max": 2100, "style": "width:6rem"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.order_by("order", "code")
    # The rules (range order, percentages, milestone within the plan's years) are Target.clean,
    # which the model form runs; plans.targets.validation_errors holds their wording.


class BaseTargetFormSet(forms.BaseInlineFormSet):
    def clean(self):
        # Before Django's own unique check (super().clean()), which would otherwise catch the
        # duplicate first with a generic message naming the model fields in English.
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or self._should_delete_form(form):
                continue
            c = form.cleaned_data
            key = (c.get("indicator"), c.get("milestone"), c.get("per_unit") or "", c.get("area_group") or "")
            if key[0] is None or key[1] is None:
                continue
            if key in seen:
                form.add_error("indicator", _("Chỉ tiêu này đã có mục tiêu cho mốc %(year)s (dòng %(row)s).")
                               % {"year": key[1], "row": seen[key]})
            else:
                seen[key] = self.forms.index(form) + 1
        # A target of the plan that this formset does not show as an existing row (its
        # management form tampered with: INITIAL_FORMS lowered) must not be created again: the
        # inline formset leaves the plan out of its unique check, and the database would refuse.
        shown = {f.instance.pk for f in self.initial_forms if f.instance.pk}
        others = {(t.indicator_id, t.milestone, t.per_unit or "", t.area_group or "")
                  for t in Target.objects.filter(plan=self.instance).exclude(pk__in=shown)} if self.instance.pk else set()
        for form in self.forms:
            c = getattr(form, "cleaned_data", None)
            if not c or self._should_delete_form(form) or c.get("indicator") is None:
                continue
            key = (c["indicator"].pk, c.get("milestone"), c.get("per_unit") or "", c.get("area_group") or "")
            if key in others:
                form.add_error("indicator", _("Chỉ tiêu này đã có mục tiêu cho mốc %(year)s.") % {"year": key[1]})
        super().clean()


TargetFormSet = inlineformset_factory(Plan, Target, form=TargetForm, formset=BaseTargetFormSet,
                                      extra=1, can_delete=True)


class TaskGroupForm(forms.ModelForm):
    class Meta:
        model = TaskGroup
        fields = ["order", "section", "title", "agencies", "body"]
        widgets = {"agencies": forms.Textarea(attrs={"rows": 2}), "body": forms.Textarea(attrs={"rows": 3}),
                   "order": forms.NumberInput(attrs={"style": "width:5rem"})}


TaskGroupFormSet = inlineformset_factory(Plan, TaskGroup, form=TaskGroupForm, extra=1, can_delete=True)
