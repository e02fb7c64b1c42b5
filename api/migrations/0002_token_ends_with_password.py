from django.db import migrations, models


def mark_existing_tokens(apps, schema_editor):
    """Tokens made before this release keep working under the password their user has now."""
    from api.tokens import password_mark

    ApiToken = apps.get_model("api", "ApiToken")
    for token in ApiToken.objects.select_related("user"):
        token.password_mark = password_mark(token.user.password)
        token.save(update_fields=["password_mark"])


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_api_tokens'),
    ]

    operations = [
        migrations.AddField(
            model_name='apitoken',
            name='password_mark',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(mark_existing_tokens, migrations.RunPython.noop),
    ]
