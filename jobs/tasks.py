"""The one task of the portal's queue: run a Job (jobs.services.run)."""
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend


@task(takes_context=True)
def run_job(context, job_id):
    from jobs import services

    immediate = isinstance(task_backends[context.task_result.backend], ImmediateBackend)
    services.run(job_id, heartbeat=not immediate)
