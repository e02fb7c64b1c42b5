from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from cooperatives import rules
from cooperatives.models import Cadre, Cooperative, Manager, OcopProduct, Training, Workforce
from cooperatives.selectors import NO, YES, current_communes, scoped_cadres, scoped_managers
from plans.forms import CountField
from portal.forms import AreaCodeField, AreaPickerWidget, VnDateField
from portal.models import Area
from portal.scoping import can_see_area
from portal.text import nfc, nfkc

YES_NO = [("", _("Tất cả")), (YES, _("Có")), (NO, _("Không"))]
MAX_SELECT = 400  # beyond this many communes, the commune is typed as its code


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    return helper


def _in_scope_area(user, area, required=True):
    if area is None:
        if required:
            raise forms.ValidationError(_("Cần nhập mã địa bàn."))
        return None
    if not can_see_area(user, area):
        raise forms.ValidationError(_("Địa bàn “%(name)s” nằm ngoài phạm vi quản lý của bạn."),
                                    params={"name": area.name})
    return area


class CooperativeFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Tên (có hoặc không dấu) hoặc mã số")}))
    area = AreaCodeField(label=_("Địa bàn"), required=False,
                         widget=AreaPickerWidget(era="current", attrs={
                             "class": "form-control", "placeholder": _("Tên hoặc mã tỉnh, xã/phường")}))
    kind = forms.ChoiceField(label=_("Loại hình"), required=False,
                             choices=[("", _("Mọi loại hình"))] + Cooperative.Kind.choices)
    sector = forms.ChoiceField(label=_("Lĩnh vực"), required=False,
                               choices=[("", _("Mọi lĩnh vực"))] + Cooperative.Sector.choices)
    status = forms.ChoiceField(label=_("Tình trạng"), required=False,
                               choices=[("", _("Mọi tình trạng"))] + Cooperative.Status.choices)
    women_managed = forms.ChoiceField(label=_("Do phụ nữ tham gia quản lý"), required=False, choices=YES_NO)
    many_women_jobs = forms.ChoiceField(label=_("Tạo nhiều việc làm cho lao động nữ"), required=False,
                                        choices=YES_NO)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].user = user

    def clean_q(self):
        return nfc(self.cleaned_data["q"])

    def clean_area(self):
        area = _in_scope_area(self.user, self.cleaned_data["area"], required=False)
        if area is not None and area.is_old:
            raise forms.ValidationError(_("Sổ HTX ghi theo xã/phường hiện hành; %(name)s đã ngừng tồn tại — "
                                          "hãy nhập mã tỉnh hoặc mã xã/phường."), params={"name": area.name})
        return area

    @property
    def filters(self):
        """The valid filters (an invalid one is ignored, and shown with its error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if k not in self.errors}


class CommuneField(forms.ModelChoiceField):
    """A current-map commune inside the user's scope, by its code (the select's values are codes,
    so typing "06040" and picking "Xã Thất Khê" are the same answer)."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="code", **kwargs)

    def label_from_instance(self, obj):
        parent = f", {obj.parent.name}" if obj.parent_id else ""
        return f"{obj.name}{parent} ({obj.code})"

    def to_python(self, value):
        return super().to_python(nfkc(value).replace(" ", "") if isinstance(value, str) else value)


class CooperativeForm(forms.ModelForm):
    founded_on = VnDateField(label=_("Ngày thành lập"), required=False)
    founding_supported_on = VnDateField(label=_("Ngày Hội hỗ trợ thành lập"), required=False)
    consolidation_supported_on = VnDateField(label=_("Ngày Hội hỗ trợ củng cố"), required=False)
    status_since = VnDateField(label=_("Tình trạng từ ngày"), required=False)

    class Meta:
        model = Cooperative
        fields = ["code", "name", "kind", "commune", "founded_on", "sector",
                  "hoi_supported_founding", "founding_supported_on",
                  "hoi_supported_consolidation", "consolidation_supported_on", "status", "status_since"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        communes = current_communes(user).select_related("parent")
        many = communes.count() > MAX_SELECT
        self.fields["commune"] = CommuneField(
            communes, label=_("Xã/phường"),
            empty_label=_("— chọn xã/phường —"),
            widget=forms.TextInput(attrs={"placeholder": _("Mã xã/phường, ví dụ 06040")}) if many else forms.Select,
            help_text=_("Nhập mã xã/phường (5 chữ số) theo bản đồ hiện hành.") if many else "",
            error_messages={"invalid_choice": _("Xã/phường này không có trên bản đồ hiện hành hoặc nằm ngoài "
                                                "phạm vi quản lý của bạn.")})
        if self.instance.pk is None and user.area and user.area.level == user.area.Level.COMMUNE:
            self.initial.setdefault("commune", user.area.code)
        elif self.instance.pk:
            self.initial["commune"] = self.instance.commune.code
        if self.instance.pk:  # the registration code is never changed or reused (DOMAIN.md §1)
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Mã số không sửa được sau khi đã ghi.")
        self.helper = _helper()

    def clean_name(self):
        return nfc(self.cleaned_data["name"])

    def clean_code(self):
        return nfkc(self.cleaned_data["code"]).replace(" ", "")  # "０１０００００００１" is 0100000001

    def clean(self):
        cleaned = super().clean()
        code, kind = cleaned.get("code"), cleaned.get("kind")
        if code and kind and "code" not in self.errors:
            problem = rules.registration_code_error(code, kind)
            if problem:
                self.add_error("code", problem[0].upper() + problem[1:] + ".")
        if code and "code" not in self.errors and not self.fields["code"].disabled:
            self._check_code_unused(code)
        return cleaned

    def _check_code_unused(self, code):
        """A code already in the registry: named when its cooperative is inside the user's scope;
        otherwise only refused, so that nothing of another area's cooperative shows."""
        other = (Cooperative.objects.filter(code=code).exclude(pk=self.instance.pk)
                 .select_related("commune").first())
        if other is None:
            return
        if can_see_area(self.user, other.commune):
            self.add_error("code", _("Mã số “%(code)s” đã được dùng cho %(name)s (%(commune)s).")
                           % {"code": code, "name": other.name, "commune": other.commune.name})
        else:
            self.add_error("code", _("Mã số này không dùng được."))


class _ChildForm(forms.ModelForm):
    """A form for a row that belongs to one cooperative (unique checks include it)."""
    unique_message = None
    unique_fields = ()

    def __init__(self, *args, cooperative, **kwargs):
        super().__init__(*args, **kwargs)
        self.cooperative = cooperative
        self.instance.cooperative = cooperative
        self.helper = _helper()

    def clean(self):
        cleaned = super().clean()
        if self.unique_fields and all(cleaned.get(f) not in (None, "") for f in self.unique_fields):
            others = type(self.instance).objects.filter(
                cooperative=self.cooperative, **{f: cleaned[f] for f in self.unique_fields})
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(self.unique_fields[0], self.unique_message % cleaned)
        return cleaned


class WorkforceForm(_ChildForm):
    unique_fields = ("year",)
    unique_message = _("Đã có số liệu năm %(year)s; hãy sửa dòng đó.")

    class Meta:
        model = Workforce
        fields = ["year", "members", "female_members", "workers", "female_workers"]
        # "12a" gets the message of the report form's figures (plans.forms.VietnameseDecimalField)
        field_classes = {name: CountField for name in fields if name != "year"}
        error_messages = {"year": {"invalid": _("Giá trị không hợp lệ: nhập một số nguyên, ví dụ 12.")}}

    def clean(self):
        cleaned = super().clean()
        pairs = [("female_members", "members", _("Số thành viên nữ không được lớn hơn tổng số thành viên.")),
                 ("female_workers", "workers", _("Số lao động nữ không được lớn hơn tổng số lao động."))]
        for part, whole, message in pairs:
            if cleaned.get(part) is not None and cleaned.get(whole) is not None and cleaned[part] > cleaned[whole]:
                self.add_error(part, message)
        return cleaned


class ManagerForm(_ChildForm):
    from_date = VnDateField(label=_("Từ ngày"), required=False)
    to_date = VnDateField(label=_("Đến ngày"), required=False)
    unique_fields = ("full_name", "role")
    unique_message = _("“%(full_name)s” đã có trong danh sách với chức vụ này.")

    class Meta:
        model = Manager
        fields = ["full_name", "gender", "role", "birth_year", "ethnicity", "from_date", "to_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].initial = rules.FEMALE

    def clean_full_name(self):
        return nfc(self.cleaned_data["full_name"])


class OcopProductForm(_ChildForm):
    unique_fields = ("name",)
    unique_message = _("Sản phẩm “%(name)s” đã có.")

    class Meta:
        model = OcopProduct
        fields = ["name", "stars", "year"]

    def clean_name(self):
        return nfc(self.cleaned_data["name"])


class AttendeesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class ManagerAttendeesField(AttendeesField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} — {obj.get_role_display()}, {obj.cooperative.name}"


class CadreAttendeesField(AttendeesField):
    def label_from_instance(self, obj):
        return f"{obj.full_name}{' — ' + obj.position if obj.position else ''} ({obj.area.name})"


class AttendeesForm(forms.Form):
    """Who attended: only the managers and cadres inside the user's scope are offered; ticking
    never touches attendees outside it (a commune ticks hers on the province's course)."""
    managers = ManagerAttendeesField(queryset=None, required=False, label=_("Cán bộ quản lý HTX tham dự"))
    cadres = CadreAttendeesField(queryset=None, required=False, label=_("Cán bộ Hội tham dự"))

    def __init__(self, *args, user, training=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        managers, cadres = scoped_managers(user), scoped_cadres(user).filter(active=True)
        if training is not None and training.area_id:  # people of the course's own area only
            managers = managers.filter(Area.inside_q(training.area, "cooperative__commune"))
            cadres = cadres.filter(Area.inside_q(training.area, "area"))
        self.fields["managers"].queryset = managers
        self.fields["cadres"].queryset = cadres
        if training is not None and training.pk and not self.is_bound:
            self.initial["managers"] = [m.pk for m in training.managers.all()]
            self.initial["cadres"] = [c.pk for c in training.cadres.all()]

    def save_to(self, training):
        for name in ("managers", "cadres"):
            relation = getattr(training, name)
            offered = self.fields[name].queryset
            outside = relation.exclude(pk__in=offered.values("pk"))
            relation.set([*outside, *self.cleaned_data[name]])


class AreaInScopeForm(forms.ModelForm):
    """A model form with an ``area`` typed as a code, prefilled with the user's own area and
    refused outside her scope (trainings, cadres)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].user = user
        if self.instance.pk is None and user.area:
            self.initial.setdefault("area", user.area.code)
        self.helper = _helper()

    def clean_area(self):
        return _in_scope_area(self.user, self.cleaned_data["area"])


class TrainingForm(AreaInScopeForm):
    area = AreaCodeField(label=_("Địa bàn tổ chức"), widget=AreaPickerWidget(era="current"),
                         help_text=_("Gõ tên tỉnh hoặc xã/phường (có hoặc không dấu) rồi chọn; hoặc mã tỉnh (2 số), "
                                     "xã (5 số)."))
    starts_on = VnDateField(label=_("Từ ngày"))
    ends_on = VnDateField(label=_("Đến ngày"))

    class Meta:
        model = Training
        fields = ["title", "starts_on", "ends_on", "organiser", "topic", "area"]

    def clean_title(self):
        return nfc(self.cleaned_data["title"])

    def clean_organiser(self):
        return nfc(self.cleaned_data["organiser"])

    def clean_topic(self):
        return nfc(self.cleaned_data["topic"])


class CadreForm(AreaInScopeForm):
    area = AreaCodeField(label=_("Địa bàn"), widget=AreaPickerWidget(era="current"),
                         help_text=_("Hội LHPN của địa bàn nào (gõ tên hoặc mã tỉnh, xã/phường)."))

    class Meta:
        model = Cadre
        fields = ["full_name", "gender", "area", "position", "works_on_kttt", "active"]

    def clean_full_name(self):
        return nfc(self.cleaned_data["full_name"])

    def clean_position(self):
        return nfc(self.cleaned_data["position"])


class ManagerExportForm(forms.Form):
    """The managers' list as a file: birth year and ethnicity only when asked for, with a
    purpose (recorded in the access log), and only offered to who may see them."""
    fmt = forms.ChoiceField(label=_("Định dạng"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")], initial="xlsx")
    person_fields = forms.BooleanField(label=_("Gồm năm sinh và dân tộc của từng người"), required=False)
    purpose = forms.CharField(label=_("Mục đích sử dụng"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Bắt buộc khi xuất năm sinh, dân tộc; ghi vào nhật ký truy cập dữ liệu cá nhân."))

    def __init__(self, *args, allow_person_fields, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_person_fields:
            del self.fields["person_fields"]
            del self.fields["purpose"]

    def clean(self):
        data = super().clean()
        if data.get("person_fields") and len((data.get("purpose") or "").strip()) < 10:
            self.add_error("purpose", _("Ghi rõ mục đích (ít nhất 10 ký tự) khi xuất năm sinh, dân tộc."))
        return data


class PersonalDataEraseForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Ví dụ: theo đơn yêu cầu của bà … ngày …; ghi vào nhật ký."))
    confirm = forms.BooleanField(label=_("Tôi hiểu: họ tên, năm sinh, dân tộc sẽ bị xóa vĩnh viễn, kể cả trong lịch sử; "
                                         "số đếm của HTX giữ nguyên."))

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 5:
            raise forms.ValidationError(_("Ghi rõ lý do."))
        return reason
