"""Search keys again, now that folding also handles letters Unicode does not decompose
(ı, ł, ø, ß, æ, œ): 'Yılmaz' is found by 'yilmaz'."""

from django.db import migrations

BATCH = 2000
KEY_FIELDS = ["given_key", "family_key", "family_tail_key", "phone_digits", "phone_reversed"]


def refold(apps, schema_editor):
    from digibank.people.keys import search_keys

    Participant = apps.get_model("people", "Participant")
    last_id = 0
    while True:
        batch = list(
            Participant.objects.filter(id__gt=last_id)
            .order_by("id")
            .only("id", "given_name", "family_name", "phone", *KEY_FIELDS)[:BATCH]
        )
        if not batch:
            return
        changed = []
        for participant in batch:
            keys = search_keys(
                given_name=participant.given_name,
                family_name=participant.family_name,
                phone=participant.phone,
            )
            if any(getattr(participant, field) != value for field, value in keys.items()):
                for field, value in keys.items():
                    setattr(participant, field, value)
                changed.append(participant)
        Participant.objects.bulk_update(changed, KEY_FIELDS)
        last_id = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [("people", "0002_search_indexes")]
    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
