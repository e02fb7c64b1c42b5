"""python manage.py createadmin USERNAME --area CODE [--email E] [--name "Họ Tên"]

Creates (or, with --update, changes) a working portal administrator with the administrator
role and an area. `createsuperuser` alone gives an account with no area, which sees nothing.
The password comes from DJANGO_ADMIN_PASSWORD or is asked for on the terminal."""
import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.models import Area, User
from portal.usernames import confusable_with


class Command(BaseCommand):
    help = "Tạo tài khoản quản trị cổng với vai trò Quản trị và địa bàn (mã GSO)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--area", required=True, help="Mã GSO: VN, 2 chữ số (tỉnh), 5 (xã)")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Họ và tên, họ trước")
        parser.add_argument("--update", action="store_true", help="Đổi vai trò, địa bàn, mật khẩu nếu đã có")

    def handle(self, *args, username, area, email, name, update, **options):
        try:
            unit = Area.resolve(area.upper() if area.lower() == "vn" else area)
        except Area.DoesNotExist:
            raise CommandError(f"Không có đơn vị hành chính nào mã “{area}”.") from None
        user = User.objects.filter(username=username).first()
        if user is not None and not update:
            raise CommandError(f"Tài khoản “{username}” đã có; dùng --update để đổi.")
        other = confusable_with(username, exclude_pk=user.pk if user else None)
        if other is not None:
            raise CommandError(f"Tên đăng nhập “{username}” dễ nhầm với tài khoản đã có “{other}”; hãy chọn tên khác.")
        password = os.environ.get("DJANGO_ADMIN_PASSWORD") or self._ask()
        user = user or User(username=username)
        try:
            validate_password(password, user)
        except ValidationError as e:
            raise CommandError("Mật khẩu chưa đạt: " + " ".join(e.messages)) from None
        family, _, given = name.strip().rpartition(" ")
        user.last_name, user.first_name = (family, given) if name else (user.last_name, user.first_name)
        user.email = email or user.email
        user.role, user.area, user.is_active = User.Role.ADMIN, unit, True
        user.must_change_password = False
        user.set_password(password)
        user.save()
        self.stdout.write(f"admin {user.username}: area {unit.code} ({unit.name})")

    def _ask(self):
        if not os.isatty(0):
            raise CommandError("Đặt mật khẩu trong biến DJANGO_ADMIN_PASSWORD (không có bàn phím).")
        first = getpass.getpass("Mật khẩu: ")
        if first != getpass.getpass("Nhập lại: "):
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        return first
