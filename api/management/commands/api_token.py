"""python manage.py api_token USERNAME [--revoke] — makes a new personal API token for the user
and prints it (replacing her old one: only a digest is kept, so an existing token cannot be
shown again); --revoke removes it."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.tokens import issue_token, revoke_token


class Command(BaseCommand):
    help = "Tạo (hoặc thu hồi) mã truy cập API của một người dùng; in mã mới ra màn hình."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Tên đăng nhập")
        parser.add_argument("--revoke", action="store_true", help="Thu hồi mã hiện có")

    def handle(self, *args, username, revoke=False, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"Không có người dùng “{username}”") from None
        if revoke:
            if not revoke_token(user):
                raise CommandError(f"Người dùng “{username}” không có mã truy cập API")
            self.stderr.write(f"Đã thu hồi mã truy cập API của {username}")
            return
        if not user.is_active:
            raise CommandError(f"Tài khoản “{username}” đã bị khóa")
        if user.area_id is None:
            self.stderr.write(f"Lưu ý: tài khoản “{username}” chưa được gán địa bàn; API sẽ từ chối (403).")
        self.stdout.write(issue_token(user))
