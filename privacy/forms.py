import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.forms import VnDateField
from portal.scoping import manageable_users
from privacy.access import GRANTABLE_ROLES
from privacy.models import AccessLog, Grant

MAX_GRANT_DAYS = 366


class LogFilterForm(forms.Form):
    start = VnDateField(label=_("Từ ngày"), required=False)
    end = VnDateField(label=_("Đến ngày"), required=False)
    action = forms.ChoiceField(label=_("Hoạt động"), required=False,
                               choices=[("", _("Tất cả"))] + list(AccessLog.Action.choices))
    who = forms.CharField(label=_("Người thực hiện"), required=False, max_length=150)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data

    def apply(self, entries):
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        tz = timezone.get_current_timezone()
        if data.get("start"):
            entries = entries.filter(at__gte=datetime.datetime.combine(data["start"], datetime.time.min, tz))
        if data.get("end"):
            entries = entries.filter(at__lt=datetime.datetime.combine(data["end"] + datetime.timedelta(days=1),
                                                                      datetime.time.min, tz))
        if data.get("action"):
            entries = entries.filter(action=data["action"])
        if data.get("who"):
            entries = entries.filter(username__icontains=data["who"].strip())
        return entries


class GrantForm(forms.ModelForm):
    class Meta:
        model = Grant
        fields = ["user", "purpose", "until"]
        field_classes = {"until": VnDateField}
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"purpose": _("Vì sao người này cần xem năm sinh, dân tộc của từng người (ghi vào nhật ký)."),
                      "until": _("Tối đa một năm kể từ hôm nay.")}

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = manageable_users(admin).filter(
            role__in=GRANTABLE_ROLES, is_active=True).select_related("area").order_by("area__path", "username")
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.username}) — " \
                                                            f"{u.get_role_display()}, {u.area.name if u.area else ''}"

    def clean_purpose(self):
        purpose = self.cleaned_data["purpose"].strip()
        if len(purpose) < 10:
            raise forms.ValidationError(_("Ghi rõ mục đích (ít nhất 10 ký tự)."))
        return purpose

    def clean_until(self):
        until = self.cleaned_data["until"]
        today = timezone.localdate()
        if until < today:
            raise forms.ValidationError(_("Ngày hết hạn đã qua."))
        if until > today + datetime.timedelta(days=MAX_GRANT_DAYS):
            raise forms.ValidationError(_("Cấp quyền tối đa một năm; khi cần, gia hạn sau."))
        return until
