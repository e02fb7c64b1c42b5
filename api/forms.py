from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _


class RevokeTokenForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Tôi hiểu: hệ thống nào đang dùng mã này sẽ không đọc được số liệu nữa."), required=True,
        error_messages={"required": _("Đánh dấu ô này để xác nhận thu hồi.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's own form, with its button
