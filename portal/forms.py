import datetime
import json
import re
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.area_search import AmbiguousName, choice, resolve_input, value_of
from portal.models import Area, User
from portal.scoping import can_see_area
from portal.text import nfc, nfkc


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: sai 5 lần liên tiếp "
                           "sẽ bị tạm khóa 15 phút."),
        "inactive": _("Tài khoản này đã bị vô hiệu hóa."),
    }

    def clean_username(self):
        """Django's log-in form sets the field's max_length but never checks it on the server: a
        name longer than any account's reached the lock-out's 255-character column (a 500). No
        account has such a name, so it is simply a wrong log-in, and nothing is recorded."""
        username = self.cleaned_data.get("username") or ""
        if len(username) > User._meta.get_field("username").max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                        params={"username": self.username_field.verbose_name})
        return username


class AreaPickerWidget(forms.TextInput):
    """A text box that static/js/area-picker.js turns into a search-as-you-type list (Tom
    Select, asking ``area_search``). Without JavaScript it stays a text box that takes a code or
    a unit's exact name. ``levels``/``era`` narrow the suggestions (see portal.area_search)."""

    def __init__(self, attrs=None, *, levels=None, era="all"):
        super().__init__(attrs)
        self.levels, self.era = levels, era

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        query = {"era": self.era}
        if self.levels:
            query["level"] = ",".join(str(level) for level in self.levels)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-area-picker"] = f"{reverse('area_search')}?{urlencode(query)}"
        widget_attrs.setdefault("placeholder", _("Gõ tên hoặc mã địa bàn"))
        widget_attrs["autocomplete"] = "off"
        if value:
            try:
                widget_attrs["data-area-picker-option"] = json.dumps(choice(resolve_input(str(value))), ensure_ascii=False)
            except (Area.DoesNotExist, AmbiguousName, ValueError):
                pass
        return context


class AreaCodeField(forms.CharField):
    """An area chosen by name in a picker, or typed by its GSO code ("20", "178", "06040") or its
    exact name ("Xã Hoa Thám", "hoa tham"): the current unit is meant, or the pre-2025 one when
    the code exists only on the old map ("08@2025-06-30" names an old unit whose code lives on).
    A form that knows its user sets ``field.user``: a typed name is then looked for in her scope."""
    widget = AreaPickerWidget
    user = None

    def to_python(self, value):
        value = nfc(super().to_python(value))
        if not value:
            return None
        try:
            return resolve_input(value, user=self.user)
        except AmbiguousName as exc:
            raise forms.ValidationError(_("Có %(n)s đơn vị tên “%(name)s”: hãy chọn trong danh sách hoặc nhập mã."),
                                        params={"n": exc.args[0], "name": value}) from None
        except (Area.DoesNotExist, ValueError):
            raise forms.ValidationError(_("Không có đơn vị hành chính nào mã hoặc tên “%(code)s”."),
                                        params={"code": value}) from None

    def prepare_value(self, value):
        if isinstance(value, int):
            value = Area.objects.filter(pk=value).first()
        return value_of(value) if isinstance(value, Area) else value


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def date_error(text):
    """Why a typed date is refused: a day that does not exist ("31/02/2025") is named as such,
    anything else is shown the dd/mm/yyyy form."""
    match = _DAY_MONTH_YEAR.match(nfkc(text))
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            datetime.date(year, month, day)
        except ValueError:
            return forms.ValidationError(_("Ngày %(date)s không tồn tại."), code="invalid",
                                         params={"date": f"{day:02d}/{month:02d}/{year}"})
    return forms.ValidationError(_("Ngày ghi theo dạng dd/mm/yyyy, ví dụ 17/01/2025."), code="invalid")


class VnDateField(forms.DateField):
    """The one date rule of the portal's forms: written dd/mm/yyyy (ISO also accepted), full-width
    digits read as digits; "31/02/2025" says the day does not exist."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}, format="%d/%m/%Y"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = nfkc(value)
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise date_error(value) from None


class UserForm(SetPasswordMixin, forms.ModelForm):
    area = AreaCodeField(label=_("Địa bàn"), help_text=_(
        "Gõ tên (có hoặc không dấu) rồi chọn; hoặc mã GSO: VN (toàn quốc), 2 chữ số (tỉnh), 3 (huyện cũ), "
        "5 (xã/phường)."))
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1=_("Mật khẩu"), label2=_("Nhập lại mật khẩu"))

    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "email", "position", "role", "area", "is_active"]

    def __init__(self, *args, admin, **kwargs):
        super().__init__(*args, **kwargs)
        self.admin = admin
        self.fields["area"].user = admin
        editing = self.instance.pk is not None
        self.fields["password1"].required = self.fields["password2"].required = not editing
        if editing:
            self.fields["password1"].help_text = _("Để trống nếu không đổi mật khẩu.")
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Lưu"), css_class="btn-portal"))

    def clean_username(self):
        """Refused when it looks like another account's (portal/usernames.py): other case, a
        Cyrillic і for an i, a 1 for an l."""
        from portal.usernames import confusable_with

        username = self.cleaned_data["username"]
        other = confusable_with(username, exclude_pk=self.instance.pk)
        if other is not None:
            raise forms.ValidationError(
                _("Tên đăng nhập “%(name)s” dễ nhầm với tài khoản đã có “%(other)s”; hãy chọn tên khác."),
                code="confusable", params={"name": username, "other": other})
        return username

    def clean_first_name(self):
        return nfc(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return nfc(self.cleaned_data["last_name"])

    def clean_position(self):
        return nfc(self.cleaned_data["position"])

    def clean_area(self):
        area = self.cleaned_data["area"]
        if area and not can_see_area(self.admin, area):
            raise forms.ValidationError(_("Địa bàn này nằm ngoài phạm vi quản lý của bạn."))
        return area

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") or not self.instance.pk:
            self.validate_passwords()
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password1"):
            # set by an administrator: the owner chooses her own at the next log-in
            user.set_password(self.cleaned_data["password1"])
            user.must_change_password = True
        if commit:
            user.save()
        return user


class OwnPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Mật khẩu hiện tại không đúng."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template's form carries ?next
        self.helper.add_input(Submit("save", _("Đổi mật khẩu"), css_class="btn-portal"))

    def save(self, commit=True):
        self.user.must_change_password = False
        return super().save(commit)


class SpreadsheetUploadForm(forms.Form):
    """The upload step of every browser import (cooperatives, report figures, activities,
    allocations, area groups): an .xlsx, no larger than ``max_bytes``, measured before it is
    parsed (portal.spreadsheet_limits: every part inflated once, its rows counted, entity
    declarations refused), so that a file that would expand past the limits is refused in
    milliseconds. ``size.rows`` is what was counted: the views choose a background job on it.
    An import that always runs inside the request (``background_job`` False) takes no more than
    settings.JOB_THRESHOLD_ROWS data rows; one with a job, up to IMPORT_MAX_ROWS."""
    size = None  # the WorkbookSize measured before parsing
    max_bytes = 20 * 1024 * 1024
    background_job = False  # True where the view sends a large file to a job
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self):
        from django.conf import settings

        from portal.spreadsheet_limits import TooLarge, check_workbook, max_rows

        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx (Excel 2007 trở lên). Hãy lưu lại tệp dưới dạng .xlsx."))
        if f.size > self.max_bytes:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": self.max_bytes // (1024 * 1024)})
        try:
            self.size = check_workbook(f, None if self.background_job else min(settings.JOB_THRESHOLD_ROWS, max_rows()))
        except TooLarge as exc:
            raise forms.ValidationError(str(exc)) from exc
        return f


class UploadConfirmForm(forms.Form):
    """The confirmation step: names the upload kept since the preview (our own uuid4 hex)."""
    import_file_name = forms.CharField(widget=forms.HiddenInput)
    original_name = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_import_file_name(self):
        name = self.cleaned_data["import_file_name"]
        if not name.isalnum():  # never a path
            raise forms.ValidationError(_("Phiên nhập không hợp lệ."))
        return name
