"""Compare looks: a set of look previews (videos/looks/models.py)."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('shopify_app', '0001_initial'),
        ('videos', '0007_media_check_at'),
    ]

    operations = [
        migrations.CreateModel(
            name='LookSet',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('product_id', models.CharField(max_length=64)),
                ('product_title', models.CharField(blank=True, default='', max_length=255)),
                ('product_image_url', models.URLField(blank=True, default='', max_length=1000)),
                ('options', models.JSONField(blank=True, default=dict)),
                ('instruction', models.TextField(blank=True, default='')),
                ('templates', models.JSONField(default=list)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('making', 'Making'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', max_length=8)),
                ('error_message', models.TextField(blank=True, default='')),
                ('inputs', models.JSONField(blank=True, null=True)),
                ('looks', models.JSONField(blank=True, default=dict)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('shop', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='look_sets', to='shopify_app.shop')),
            ],
            options={
                'ordering': ['-created_at'],
                'indexes': [models.Index(fields=['shop', 'created_at'], name='lookset_shop_created')],
            },
        ),
    ]
