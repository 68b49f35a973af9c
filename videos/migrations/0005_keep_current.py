"""Keep videos up to date: the shop's setting, one freshness row per product, and the minute schedule that
starts the remakes whose quiet period is over (videos.jobs.freshness.services.start_due)."""

import django.db.models.deletion
from django.db import migrations, models

NAME = "showreel: keep videos up to date"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.get_or_create(
        name=NAME,
        defaults={"func": "videos.jobs.tasks.keep_current_task", "schedule_type": "I", "minutes": 1,
                  "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shopify_app", "0001_initial"),
        ("videos", "0004_ui_trust"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="shopsettings",
            name="keep_current",
            field=models.CharField(choices=[("off", "Off"), ("ask", "Ask me"), ("auto", "Automatically")],
                                   default="off", max_length=8),
        ),
        migrations.AddField(
            model_name="shopsettings",
            name="keep_current_note",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.CreateModel(
            name="ProductFreshness",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("product_id", models.CharField(max_length=64)),
                ("reason", models.CharField(blank=True, default="", max_length=500)),
                ("changes", models.JSONField(blank=True, default=list)),
                ("stale_since", models.DateTimeField(blank=True, null=True)),
                ("due_at", models.DateTimeField(blank=True, null=True)),
                ("product_updated_at", models.DateTimeField(blank=True, null=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("job", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                          to="videos.videojob")),
                ("regeneration", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                   related_name="+", to="videos.videojob")),
                ("shop", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="product_freshness", to="shopify_app.shop")),
            ],
            options={
                "indexes": [models.Index(fields=["due_at"], name="freshness_due")],
                "constraints": [models.UniqueConstraint(fields=("shop", "product_id"), name="freshness_one_per_product")],
            },
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
