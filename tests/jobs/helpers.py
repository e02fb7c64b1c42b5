"""Following a response to the job it started: jobs run inside the request (the immediate
backend) once the test's transaction "commits" (django_capture_on_commit_callbacks)."""
from django.urls import resolve, reverse

from jobs.models import Job


def immediate_jobs(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def run_job_of(client, url, capture):
    """GETs ``url`` (which starts a job), runs the job, and returns it (finished)."""
    with capture(execute=True):
        response = client.get(url)
    assert response.status_code == 302, response.status_code
    match = resolve(response.url)
    assert match.view_name == "jobs:detail", response.url
    return Job.objects.get(pk=match.kwargs["pk"])


def job_file(client, job):
    """The bytes of a finished job's file, downloaded as its owner does."""
    assert job.state == Job.State.SUCCEEDED, job.error
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    return b"".join(download.streaming_content)
