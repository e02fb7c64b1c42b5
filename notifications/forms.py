from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class EmailPreferenceForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["email", "email_notifications"]
        labels = {"email": _("Địa chỉ thư điện tử")}
        help_texts = {"email": _("Thư thông báo và nhắc hạn gửi đến địa chỉ này; để trống thì không nhận thư.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
