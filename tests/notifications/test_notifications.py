"""Notifications: who gets what, once — a report sent for review goes to the reviewers of the
level above, a return or an approval to the people who wrote it, an issued document to the
area's leaders; an e-mail copy unless turned off; the bell's count; the list marks read."""
import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from portal.models import User
from reporting import services
from tests.conftest import make_user
from tests.reporting.helpers import THAT_KHE, submitted

pytestmark = pytest.mark.django_db
K = Notification.Kind


def _of(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    return list(qs.filter(kind=kind) if kind else qs)


@pytest.fixture
def emails(users):
    for key, user in users.items():
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    return users


def test_a_submitted_report_goes_to_the_province_reviewers_only(emails, django_capture_on_commit_callbacks):
    users = emails
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted(THAT_KHE, "2025", users["commune_editor"])
    [note] = Notification.objects.all()
    assert note.recipient == users["province_reviewer"] and note.kind == K.REPORT_SUBMITTED
    assert note.text == "Xã Thất Khê gửi báo cáo năm 2025 chờ duyệt."
    assert note.url == reverse("reporting:detail", args=[report.pk])
    # by e-mail too, to the reviewer only
    assert [m.to for m in mail.outbox] == [["minh@example.vn"]]
    assert "Xã Thất Khê gửi báo cáo năm 2025 chờ duyệt." in mail.outbox[0].subject
    assert reverse("reporting:detail", args=[report.pk]) in mail.outbox[0].body


def test_without_reviewers_in_the_province_the_national_reviewers_hear(users):
    users["province_reviewer"].delete()
    national = make_user("tw_kd", User.Role.REVIEWER, "VN")
    submitted(THAT_KHE, "2025", users["commune_editor"])
    assert [n.recipient for n in Notification.objects.all()] == [national]


def test_the_sender_is_never_told_of_her_own_report(users):
    # the province's own report, sent by its administrator: the national level reviews it
    national = make_user("tw_kd", User.Role.REVIEWER, "VN")
    submitted("20", "2025", users["province_admin"])
    assert [n.recipient for n in Notification.objects.all()] == [national]
    assert not _of(users["province_admin"]) and not _of(users["province_reviewer"])


def test_return_and_approval_go_to_the_author_with_the_comment(emails, django_capture_on_commit_callbacks):
    users = emails
    lan, minh = users["commune_editor"], users["province_reviewer"]
    report = submitted(THAT_KHE, "2025", lan)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(report, user=minh, comment="Số việc làm mới chưa khớp danh sách")
    [returned] = _of(lan)
    assert returned.kind == K.REPORT_RETURNED
    assert returned.text == ("minh trả lại báo cáo năm 2025 của Xã Thất Khê: "
                             "“Số việc làm mới chưa khớp danh sách”")
    assert [m.to for m in mail.outbox] == [["lan@example.vn"]]
    assert not _of(minh, K.REPORT_RETURNED)
    report.refresh_from_db()
    services.submit(report, user=lan)
    services.approve(report, user=minh)
    assert [n.kind for n in _of(lan)] == [K.REPORT_APPROVED, K.REPORT_RETURNED]
    assert len(_of(minh, K.REPORT_SUBMITTED)) == 2  # each sending, once


def test_email_off_keeps_the_bell_but_sends_no_mail(emails, django_capture_on_commit_callbacks):
    minh = emails["province_reviewer"]
    minh.email_notifications = False
    minh.save()
    with django_capture_on_commit_callbacks(execute=True):
        submitted(THAT_KHE, "2025", emails["commune_editor"])
    assert len(_of(minh)) == 1
    assert mail.outbox == []


def test_nothing_is_sent_when_the_change_rolls_back(emails, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            submitted(THAT_KHE, "2025", emails["commune_editor"])
            raise RuntimeError
    assert callbacks == [] and mail.outbox == [] and not Notification.objects.exists()


def test_a_mail_server_that_refuses_does_not_break_the_workflow(emails, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted(THAT_KHE, "2025", emails["commune_editor"])
    report.refresh_from_db()
    assert report.status == "submitted" and len(_of(emails["province_reviewer"])) == 1


def test_an_issued_document_goes_to_the_leaders_of_its_area(users, client_for):
    from tests.reporting.factories import report
    from tests.reporting.test_documents import FORM, issue_url

    other_leader = make_user("hanoi_ld", User.Role.LEADER, "01")
    report("06040", "2025", HTX_MOI=6)
    response = client_for(users["province_reviewer"]).post(issue_url(), FORM)
    assert response.status_code == 302
    [note] = Notification.objects.all()
    assert note.recipient == users["province_leader"] and note.kind == K.DOCUMENT_ISSUED
    assert note.text == "Đã ban hành văn bản 15/BC-HPN (Lạng Sơn, ngày 05/02/2026)."
    assert note.url == response.url
    assert not _of(other_leader)


def test_notify_with_a_key_sends_once(users):
    lan = users["commune_editor"]
    assert len(notify([lan, lan], K.REMINDER, "a", key="k1")) == 1
    assert notify([lan], K.REMINDER, "a again", key="k1") == []
    assert len(notify([lan], K.REMINDER, "b")) == 1 and len(notify([lan], K.REMINDER, "b")) == 1  # no key: each time
    assert Notification.objects.filter(recipient=lan).count() == 3


def test_inactive_users_are_not_notified(users):
    minh = users["province_reviewer"]
    minh.is_active = False
    minh.save()
    assert notify([minh], K.REMINDER, "x") == []


# The bell and the list -------------------------------------------------------------------

def test_the_bell_shows_the_unread_count_and_the_list_marks_read(users, client_for):
    lan = users["commune_editor"]
    notify([lan], K.REPORT_RETURNED, "Minh trả lại nhật ký hoạt động", "/bao-cao/")
    notify([lan], K.REPORT_APPROVED, "Đã duyệt")
    notify([users["province_reviewer"]], K.REPORT_SUBMITTED, "Không phải của Lan")
    client = client_for(lan)
    home = client.get(reverse("home")).content.decode()
    assert 'id="bell-count">2<' in home
    page = client.get(reverse("notifications:list"))
    body = page.content.decode()
    assert "Minh trả lại nhật ký hoạt động" in body and "Không phải của Lan" not in body
    assert body.count(">mới<") == 2
    assert 'id="bell-count"' not in body  # read once shown
    assert not Notification.objects.filter(recipient=lan, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=users["province_reviewer"], read_at__isnull=True).count() == 1
    again = client.get(reverse("notifications:list")).content.decode()
    assert ">mới<" not in again


def test_the_bell_costs_one_query_per_page(users, client_for, django_assert_num_queries):
    from django.test.utils import CaptureQueriesContext
    from django.db import connection

    lan = users["commune_editor"]
    client = client_for(lan)
    with CaptureQueriesContext(connection) as none:
        client.get(reverse("map"))
    for i in range(5):
        notify([lan], K.REMINDER, f"n{i}")
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("map"))
    assert len(five) == len(none)
    assert sum("notifications_notification" in q["sql"] for q in five.captured_queries) == 1


def test_empty_list_in_vietnamese(users, client_for):
    body = client_for(users["province_leader"]).get(reverse("notifications:list")).content.decode()
    assert "Chưa có thông báo nào." in body


def test_each_user_turns_email_off_for_herself(users, client_for):
    lan = users["commune_editor"]
    client = client_for(lan)
    assert client.get(reverse("notifications:settings")).status_code == 200
    response = client.post(reverse("notifications:settings"), {"email": "lan@example.vn"})  # box unticked
    assert response.status_code == 302
    lan.refresh_from_db()
    assert lan.email_notifications is False and lan.email == "lan@example.vn"
    assert User.objects.get(username="minh").email_notifications is True
