"""Rendered files past SHOWREEL_RETENTION_DAYS are removed once a day (videos.jobs.retention), by the
django-q2 cluster's scheduler."""

from django.db import migrations

NAME = "showreel: remove old rendered files"


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME, defaults={"func": "videos.jobs.tasks.retention_task", "schedule_type": "D", "repeats": -1})


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("videos", "0005_keep_current"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
