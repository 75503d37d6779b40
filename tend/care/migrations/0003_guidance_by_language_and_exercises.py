"""A plan's guidance is kept by language as data ({"en": ..., "es": ...}), so a new
language needs no migration; a session's own guidance is encrypted like its notes. Every
existing text is kept."""

from django.db import migrations, models

import tend.lib.fields


def forward(apps, schema_editor):
    Plan = apps.get_model("care", "AftercarePlan")
    for plan in Plan.objects.all():
        plan.guidance_by_language = {
            code: text
            for code, text in (("en", plan.guidance_en), ("es", plan.guidance_es))
            if text.strip()
        }
        plan.save(update_fields=["guidance_by_language"])
    Session = apps.get_model("care", "Session")
    for session in Session.objects.exclude(guidance="").only("pk", "guidance"):
        Session.objects.filter(pk=session.pk).update(guidance_secret=session.guidance)


def backward(apps, schema_editor):
    Plan = apps.get_model("care", "AftercarePlan")
    for plan in Plan.objects.all():
        plan.guidance_en = plan.guidance_by_language.get("en", "")
        plan.guidance_es = plan.guidance_by_language.get("es", "")
        plan.save(update_fields=["guidance_en", "guidance_es"])
    Session = apps.get_model("care", "Session")
    for session in Session.objects.exclude(guidance_secret="").only("pk", "guidance_secret"):
        Session.objects.filter(pk=session.pk).update(guidance=session.guidance_secret)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0002_followup"),
        ("integration", "0001_exercises"),
    ]

    operations = [
        migrations.AddField(
            model_name="aftercareplan",
            name="guidance_by_language",
            field=tend.lib.fields.EncryptedJSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="session",
            name="guidance_secret",
            field=tend.lib.fields.EncryptedTextField(blank=True, default=""),
        ),
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="aftercareplan", name="guidance_en"),
        migrations.RemoveField(model_name="aftercareplan", name="guidance_es"),
        migrations.RemoveField(model_name="session", name="guidance"),
        migrations.RenameField(
            model_name="aftercareplan", old_name="guidance_by_language", new_name="guidance"
        ),
        migrations.RenameField(
            model_name="session", old_name="guidance_secret", new_name="guidance"
        ),
        migrations.AddField(
            model_name="aftercareplan",
            name="exercises",
            field=models.ManyToManyField(blank=True, related_name="+", to="integration.exercise"),
        ),
    ]
