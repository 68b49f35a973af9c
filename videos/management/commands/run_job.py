"""`python manage.py run_job <job id>`: run (or resume) one video job in this process, as a worker would."""

from django.core.management.base import BaseCommand

from videos.jobs.pipeline import run_job


class Command(BaseCommand):
    help = "Run or resume one video job now (claims it with a lease like a worker; safe to repeat)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("job_id")

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003
        self.stdout.write(run_job(options["job_id"]))
