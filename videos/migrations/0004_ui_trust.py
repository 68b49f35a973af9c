"""New shops publish by hand (auto-publish off until turned on in Settings); jobs keep the product's photo
from when they were made, so lists show it before the job has fetched anything."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("videos", "0003_sweep_schedule")]

    operations = [
        migrations.AddField(
            model_name="videojob",
            name="product_image_url",
            field=models.URLField(blank=True, default="", max_length=1000),
        ),
        migrations.AlterField(
            model_name="shopsettings",
            name="auto_publish",
            field=models.BooleanField(default=False),
        ),
    ]
