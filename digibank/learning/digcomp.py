"""DigComp 2.2, the European framework of digital competences: five areas, 21
competences (codes 1.1 to 5.4, loaded as data in Dutch, French and English by a
migration) and eight proficiency levels. Courses name the competences they teach with a
target level; the self-assessment (assessments app) rates people per area."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

AREAS: dict[int, Promise] = {
    1: _("Information and data literacy"),
    2: _("Communication and collaboration"),
    3: _("Digital content creation"),
    4: _("Safety"),
    5: _("Problem solving"),
}


class Area(models.IntegerChoices):
    INFORMATION = 1, _("Information and data literacy")
    COMMUNICATION = 2, _("Communication and collaboration")
    CONTENT_CREATION = 3, _("Digital content creation")
    SAFETY = 4, _("Safety")
    PROBLEM_SOLVING = 5, _("Problem solving")


class ProficiencyLevel(models.IntegerChoices):
    FOUNDATION_1 = 1, _("1 – Foundation")
    FOUNDATION_2 = 2, _("2 – Foundation")
    INTERMEDIATE_3 = 3, _("3 – Intermediate")
    INTERMEDIATE_4 = 4, _("4 – Intermediate")
    ADVANCED_5 = 5, _("5 – Advanced")
    ADVANCED_6 = 6, _("6 – Advanced")
    SPECIALISED_7 = 7, _("7 – Highly specialised")
    SPECIALISED_8 = 8, _("8 – Highly specialised")


LEVEL_BANDS: dict[int, Promise] = {
    1: _("Foundation"),
    2: _("Foundation"),
    3: _("Intermediate"),
    4: _("Intermediate"),
    5: _("Advanced"),
    6: _("Advanced"),
    7: _("Highly specialised"),
    8: _("Highly specialised"),
}


def level_band(level: int) -> Promise:
    """The band of a proficiency level: Foundation, Intermediate, Advanced, Highly
    specialised."""
    return LEVEL_BANDS[level]


# (code, area, English, Dutch, French): the reference data of the data migration.
COMPETENCES: list[tuple[str, int, str, str, str]] = [
    (
        "1.1",
        1,
        "Browsing, searching and filtering data, information and digital content",
        "Browsen, zoeken en filteren van data, informatie en digitale inhoud",
        "Naviguer, rechercher et filtrer des données, des informations et des contenus numériques",
    ),
    (
        "1.2",
        1,
        "Evaluating data, information and digital content",
        "Evalueren van data, informatie en digitale inhoud",
        "Évaluer des données, des informations et des contenus numériques",
    ),
    (
        "1.3",
        1,
        "Managing data, information and digital content",
        "Beheren van data, informatie en digitale inhoud",
        "Gérer des données, des informations et des contenus numériques",
    ),
    (
        "2.1",
        2,
        "Interacting through digital technologies",
        "Interageren via digitale technologieën",
        "Interagir par le biais des technologies numériques",
    ),
    (
        "2.2",
        2,
        "Sharing through digital technologies",
        "Delen via digitale technologieën",
        "Partager par le biais des technologies numériques",
    ),
    (
        "2.3",
        2,
        "Engaging in citizenship through digital technologies",
        "Burgerschap uitoefenen via digitale technologieën",
        "S'engager dans la citoyenneté par le biais des technologies numériques",
    ),
    (
        "2.4",
        2,
        "Collaborating through digital technologies",
        "Samenwerken via digitale technologieën",
        "Collaborer par le biais des technologies numériques",
    ),
    ("2.5", 2, "Netiquette", "Netiquette", "Nétiquette"),
    (
        "2.6",
        2,
        "Managing digital identity",
        "Beheren van de digitale identiteit",
        "Gérer son identité numérique",
    ),
    (
        "3.1",
        3,
        "Developing digital content",
        "Ontwikkelen van digitale inhoud",
        "Développer des contenus numériques",
    ),
    (
        "3.2",
        3,
        "Integrating and re-elaborating digital content",
        "Integreren en herwerken van digitale inhoud",
        "Intégrer et réélaborer des contenus numériques",
    ),
    (
        "3.3",
        3,
        "Copyright and licences",
        "Auteursrecht en licenties",
        "Droits d'auteur et licences",
    ),
    ("3.4", 3, "Programming", "Programmeren", "Programmation"),
    ("4.1", 4, "Protecting devices", "Beschermen van apparaten", "Protéger les appareils"),
    (
        "4.2",
        4,
        "Protecting personal data and privacy",
        "Beschermen van persoonsgegevens en privacy",
        "Protéger les données personnelles et la vie privée",
    ),
    (
        "4.3",
        4,
        "Protecting health and well-being",
        "Beschermen van gezondheid en welzijn",
        "Protéger la santé et le bien-être",
    ),
    (
        "4.4",
        4,
        "Protecting the environment",
        "Beschermen van het milieu",
        "Protéger l'environnement",
    ),
    (
        "5.1",
        5,
        "Solving technical problems",
        "Technische problemen oplossen",
        "Résoudre des problèmes techniques",
    ),
    (
        "5.2",
        5,
        "Identifying needs and technological responses",
        "Behoeften en technologische antwoorden identificeren",
        "Identifier les besoins et les réponses technologiques",
    ),
    (
        "5.3",
        5,
        "Creatively using digital technologies",
        "Creatief gebruiken van digitale technologieën",
        "Utiliser les technologies numériques de manière créative",
    ),
    (
        "5.4",
        5,
        "Identifying digital competence gaps",
        "Hiaten in digitale competenties identificeren",
        "Identifier les lacunes en matière de compétences numériques",
    ),
]


class Competence(models.Model):
    """One of the 21 DigComp 2.2 competences, named in Dutch, French and English."""

    code = models.CharField(_("code"), max_length=4, unique=True)
    area = models.PositiveSmallIntegerField(_("area"), choices=Area.choices)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        app_label = "learning"
        ordering = ["position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(area__gte=1, area__lte=5), name="competence_area_known"
            )
        ]
        verbose_name = _("DigComp competence")
        verbose_name_plural = _("DigComp competences")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the current language (Dutch for any other language)."""
        return self.name_in(translation.get_language() or "nl")

    def name_in(self, language: str) -> str:
        language = (language or "nl").split("-")[0]
        return {"fr": self.name_fr, "en": self.name_en}.get(language, self.name_nl)

    @property
    def area_label(self) -> Promise:
        return AREAS[self.area]
