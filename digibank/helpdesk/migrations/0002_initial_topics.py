"""The help topics seen at Flemish digipunten (DESIGN.md section 7); platform admins
change them in the admin afterwards. (code, Dutch, French, English), in form order."""

from typing import Any

from django.db import migrations

INITIAL_TOPICS: tuple[tuple[str, str, str, str], ...] = (
    ("itsme", "itsme", "itsme", "itsme"),
    ("eid", "eID en pincode/PUK", "eID et code PIN/PUK", "eID and PIN/PUK"),
    ("csam", "CSAM (digitale sleutels)", "CSAM (clés numériques)", "CSAM (digital keys)"),
    ("ebox", "eBox", "eBox", "eBox"),
    (
        "taxes",
        "Belastingen: MyMinfin, Tax-on-web",
        "Impôts : MyMinfin, Tax-on-web",
        "Taxes: MyMinfin, Tax-on-web",
    ),
    (
        "burgerprofiel",
        "Mijn Burgerprofiel en Jobbonus",
        "Mijn Burgerprofiel et Jobbonus",
        "Mijn Burgerprofiel and Jobbonus",
    ),
    (
        "health",
        "Gezondheid: Mijn Gezondheid, ziekenfonds",
        "Santé : Ma Santé, mutualité",
        "Health: Mijn Gezondheid, health insurer",
    ),
    ("banking", "Bankapps", "Applications bancaires", "Banking apps"),
    (
        "work",
        "Werk: VDAB, cv, solliciteren",
        "Emploi : VDAB, CV, candidature",
        "Work: VDAB, CV, applying",
    ),
    (
        "social_security",
        "Sociale zekerheid en pensioen",
        "Sécurité sociale et pension",
        "Social security and pension",
    ),
    (
        "family",
        "Gezin: Groeipakket, school-apps",
        "Famille : Groeipakket, apps scolaires",
        "Family: Groeipakket, school apps",
    ),
    (
        "integration",
        "Inburgering en verblijf",
        "Intégration et séjour",
        "Integration and residence",
    ),
    ("housing", "Wonen en energie", "Logement et énergie", "Housing and energy"),
    ("device_basics", "Basis van het toestel", "Bases de l'appareil", "Device basics"),
    ("email_accounts", "E-mail en accounts", "E-mail et comptes", "E-mail and accounts"),
    ("security", "Veiligheid en fraude", "Sécurité et fraude", "Security and fraud"),
    ("smartphone", "Smartphone en apps", "Smartphone et applications", "Smartphone and apps"),
    (
        "social_media",
        "Sociale media en contact",
        "Réseaux sociaux et contact",
        "Social media and contact",
    ),
    ("other", "Andere", "Autre", "Other"),
)


def load_topics(apps: Any, schema_editor: Any) -> None:
    HelpTopic = apps.get_model("helpdesk", "HelpTopic")
    for position, (code, nl, fr, en) in enumerate(INITIAL_TOPICS, start=1):
        HelpTopic.objects.update_or_create(
            code=code,
            defaults={"name_nl": nl, "name_fr": fr, "name_en": en, "position": position * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0001_initial")]

    operations = [migrations.RunPython(load_topics, migrations.RunPython.noop)]
