"""The activity form: the tasks offered are those of the plans covering the unit; the period
follows from the date and must be one the unit may still change."""
from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from cooperatives.models import Cooperative, Training
from portal.scoping import scoped
from reporting import activities
from reporting.models import Activity


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ActivityForm(forms.ModelForm):
    held_on = forms.DateField(label=_("Ngày thực hiện"), input_formats=["%d/%m/%Y", "%Y-%m-%d"],
                              widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
                              error_messages={"invalid": _("Ngày ghi theo dạng dd/mm/yyyy.")})
    files = MultipleFileField(label=_("Ảnh, quyết định (PDF, JPEG, PNG)"), required=False)

    class Meta:
        model = Activity
        fields = ["task", "kind", "title", "held_on", "place", "sessions", "participants", "women",
                  "cooperatives_reached", "training", "cooperative", "spent_province", "spent_national",
                  "spent_other", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        area = self.instance.area if self.instance.pk else user.area
        self.area = area
        self.fields["task"].queryset = activities.tasks_for(area)
        self.fields["task"].label_from_instance = lambda t: f"{t.group.plan.number or t.group.plan.key} — {t.title[:120]}"
        self.fields["place"].queryset = scoped(type(area).objects.all(), user).order_by("level", "code")
        self.fields["training"].queryset = scoped(Training.objects.all(), user)
        self.fields["cooperative"].queryset = scoped(Cooperative.objects.all(), user)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        errors = [e for e in (activities.attachment_error(f) for f in files) if e]
        if errors:
            raise forms.ValidationError(errors)
        return files

    def clean(self):
        data = super().clean()
        if data.get("women") is not None and data.get("participants") is not None \
                and data["women"] > data["participants"]:
            self.add_error("women", _("Số nữ không được lớn hơn số người tham dự."))
        day = data.get("held_on")
        if day:
            period = activities.period_of(day, self.area)
            if period is None:
                self.add_error("held_on", activities.period_refusal(day, self.area))
            else:
                reason = activities.locked_reason(self.area, period)
                if reason:
                    self.add_error("held_on", reason)
        if data.get("kind") == Activity.Kind.TRAINING and not data.get("sessions"):
            self.add_error("sessions", _("Lớp tập huấn cần số lớp."))
        return data
