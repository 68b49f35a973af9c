"""`python manage.py sweep_jobs`: re-queue video jobs whose worker died and hand waiting jobs to the workers
(the qcluster also runs this every minute from a django-q2 schedule)."""

from django.core.management.base import BaseCommand

from videos.jobs.dispatch import sweep


class Command(BaseCommand):
    help = "Re-queue jobs whose worker stopped (lease expired) and dispatch waiting jobs."

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        result = sweep()
        self.stdout.write(f"re-queued {result['requeued']}, dispatched {result['dispatched']}")
