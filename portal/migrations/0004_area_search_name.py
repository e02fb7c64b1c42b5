from django.db import migrations, models


def fill_search_names(apps, schema_editor):
    from portal.text import search_key

    Area = apps.get_model("portal", "Area")
    rows = list(Area.objects.only("pk", "name"))
    for area in rows:
        area.search_name = search_key(area.name)
    Area.objects.bulk_update(rows, ["search_name"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0003_email_notifications'),
    ]

    operations = [
        migrations.AddField(
            model_name='area',
            name='search_name',
            field=models.CharField(blank=True, editable=False, max_length=120),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
    ]
