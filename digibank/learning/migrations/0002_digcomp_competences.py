"""Load the 21 DigComp 2.2 competences in Dutch, French and English."""

from typing import Any

from django.db import migrations

# A copy of digcomp.COMPETENCES as it was when this migration was written.
COMPETENCES = [
    ("1.1", 1, "Browsing, searching and filtering data, information and digital content",
     "Browsen, zoeken en filteren van data, informatie en digitale inhoud",
     "Naviguer, rechercher et filtrer des données, des informations et des contenus numériques"),
    ("1.2", 1, "Evaluating data, information and digital content",
     "Evalueren van data, informatie en digitale inhoud",
     "Évaluer des données, des informations et des contenus numériques"),
    ("1.3", 1, "Managing data, information and digital content",
     "Beheren van data, informatie en digitale inhoud",
     "Gérer des données, des informations et des contenus numériques"),
    ("2.1", 2, "Interacting through digital technologies",
     "Interageren via digitale technologieën",
     "Interagir par le biais des technologies numériques"),
    ("2.2", 2, "Sharing through digital technologies",
     "Delen via digitale technologieën",
     "Partager par le biais des technologies numériques"),
    ("2.3", 2, "Engaging in citizenship through digital technologies",
     "Burgerschap uitoefenen via digitale technologieën",
     "S'engager dans la citoyenneté par le biais des technologies numériques"),
    ("2.4", 2, "Collaborating through digital technologies",
     "Samenwerken via digitale technologieën",
     "Collaborer par le biais des technologies numériques"),
    ("2.5", 2, "Netiquette", "Netiquette", "Nétiquette"),
    ("2.6", 2, "Managing digital identity", "Beheren van de digitale identiteit",
     "Gérer son identité numérique"),
    ("3.1", 3, "Developing digital content", "Ontwikkelen van digitale inhoud",
     "Développer des contenus numériques"),
    ("3.2", 3, "Integrating and re-elaborating digital content",
     "Integreren en herwerken van digitale inhoud",
     "Intégrer et réélaborer des contenus numériques"),
    ("3.3", 3, "Copyright and licences", "Auteursrecht en licenties",
     "Droits d'auteur et licences"),
    ("3.4", 3, "Programming", "Programmeren", "Programmation"),
    ("4.1", 4, "Protecting devices", "Beschermen van apparaten", "Protéger les appareils"),
    ("4.2", 4, "Protecting personal data and privacy",
     "Beschermen van persoonsgegevens en privacy",
     "Protéger les données personnelles et la vie privée"),
    ("4.3", 4, "Protecting health and well-being", "Beschermen van gezondheid en welzijn",
     "Protéger la santé et le bien-être"),
    ("4.4", 4, "Protecting the environment", "Beschermen van het milieu",
     "Protéger l'environnement"),
    ("5.1", 5, "Solving technical problems", "Technische problemen oplossen",
     "Résoudre des problèmes techniques"),
    ("5.2", 5, "Identifying needs and technological responses",
     "Behoeften en technologische antwoorden identificeren",
     "Identifier les besoins et les réponses technologiques"),
    ("5.3", 5, "Creatively using digital technologies",
     "Creatief gebruiken van digitale technologieën",
     "Utiliser les technologies numériques de manière créative"),
    ("5.4", 5, "Identifying digital competence gaps",
     "Hiaten in digitale competenties identificeren",
     "Identifier les lacunes en matière de compétences numériques"),
]  # fmt: skip


def load(apps: Any, schema_editor: Any) -> None:
    Competence = apps.get_model("learning", "Competence")
    for position, (code, area, en, nl, fr) in enumerate(COMPETENCES, start=1):
        Competence.objects.update_or_create(
            code=code,
            defaults={
                "area": area,
                "name_en": en,
                "name_nl": nl,
                "name_fr": fr,
                "position": position,
            },
        )


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("learning", "Competence").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
