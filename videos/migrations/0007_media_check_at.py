from django.db import migrations, models


class Migration(migrations.Migration):
    """A job waiting for Shopify to process its video without a worker: when it is looked at next."""

    dependencies = [("videos", "0006_retention_schedule")]

    operations = [
        migrations.AddField(
            model_name="videojob",
            name="media_check_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
