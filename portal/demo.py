"""Demo accounts, one per role (bootstrap --demo). The password is printed by bootstrap."""
from portal.models import Area, User

DEMO_PASSWORD = "DeAn01@demo"

# username, role, area code, area valid on, full name, position
DEMO_USERS = [
    ("quantri", User.Role.ADMIN, "VN", None, "Nguyễn Thị Thảo", "Quản trị hệ thống"),
    ("kiemduyet", User.Role.REVIEWER, "20", None, "Trần Văn Minh",
     "Ban Hỗ trợ phụ nữ phát triển kinh tế, Hội LHPN tỉnh Lạng Sơn"),
    ("lanhdao", User.Role.LEADER, "20", None, "Hoàng Thị Hương", "Phó Chủ tịch Hội LHPN tỉnh Lạng Sơn"),
    ("nhaplieu", User.Role.DATA_ENTRY, "06040", None, "Lý Thị Lan", "Cán bộ Hội LHPN xã Thất Khê"),
    ("nhaplieu_huyen", User.Role.DATA_ENTRY, "178", "2025-06-30", "Vy Thị Mai",
     "Cán bộ Hội LHPN thành phố Lạng Sơn (trước 1/7/2025)"),
]


def ensure_demo_users():
    import datetime

    rows = []
    for username, role, code, on, full_name, position in DEMO_USERS:
        area = Area.resolve(code, on=datetime.date.fromisoformat(on) if on else None)
        last, _, first = full_name.rpartition(" ")
        user, created = User.objects.get_or_create(username=username, defaults={
            "role": role, "area": area, "first_name": first, "last_name": last, "position": position})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        rows.append((user, created))
    return rows
