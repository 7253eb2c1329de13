"""The questionnaire: 16 plain-language statements over the five DigComp 2.2 areas, in
Dutch, French and English. Platform admins change them later in the admin."""

from typing import Any

from django.db import migrations

# (area, position, English, Dutch, French)
STATEMENTS = [
    # 1 Information and data literacy (1.1 browsing, 1.2 evaluating, 1.3 managing)
    (
        1,
        1,
        "I can search for information online, for example with a search engine.",
        "Ik kan informatie zoeken op het internet, bijvoorbeeld met een zoekmachine.",
        "Je peux chercher des informations sur internet, par exemple avec un moteur de "
        "recherche.",
    ),
    (
        1,
        2,
        "I can tell if a website or a message can be trusted.",
        "Ik kan zien of ik een website of een bericht kan vertrouwen.",
        "Je peux voir si un site web ou un message est fiable.",
    ),
    (
        1,
        3,
        "I can save files and photos and find them again later.",
        "Ik kan bestanden en foto's bewaren en later terugvinden.",
        "Je peux enregistrer des fichiers et des photos et les retrouver plus tard.",
    ),
    # 2 Communication and collaboration (2.1 interacting, 2.2 sharing, 2.3 citizenship,
    # 2.4 collaborating)
    (
        2,
        1,
        "I can send and read messages by e-mail or in a chat app.",
        "Ik kan berichten sturen en lezen met e-mail of met een chatapp.",
        "Je peux envoyer et lire des messages par e-mail ou dans une application de chat.",
    ),
    (
        2,
        2,
        "I can share a file, a photo or a link with someone.",
        "Ik kan een bestand, een foto of een link met iemand delen.",
        "Je peux partager un fichier, une photo ou un lien avec quelqu'un.",
    ),
    (
        2,
        3,
        "I can use online services of the government, for example with itsme or my eID.",
        "Ik kan online diensten van de overheid gebruiken, bijvoorbeeld met itsme of mijn eID.",
        "Je peux utiliser les services publics en ligne, par exemple avec itsme ou ma carte "
        "eID.",
    ),
    (
        2,
        4,
        "I can join a video call and talk with other people.",
        "Ik kan meedoen aan een videogesprek en praten met andere mensen.",
        "Je peux participer à un appel vidéo et parler avec d'autres personnes.",
    ),
    # 3 Digital content creation (3.1 developing, 3.2 re-elaborating, 3.3 copyright)
    (
        3,
        1,
        "I can write and change a simple text, for example a letter or a CV.",
        "Ik kan een eenvoudige tekst schrijven en aanpassen, bijvoorbeeld een brief of een cv.",
        "Je peux écrire et modifier un texte simple, par exemple une lettre ou un CV.",
    ),
    (
        3,
        2,
        "I can take a photo or make a short video and change it a little.",
        "Ik kan een foto of een kort filmpje maken en een beetje aanpassen.",
        "Je peux prendre une photo ou faire une courte vidéo et la modifier un peu.",
    ),
    (
        3,
        3,
        "I can check if I may use a photo or a text that I found online.",
        "Ik kan nagaan of ik een foto of een tekst van het internet mag gebruiken.",
        "Je peux vérifier si j'ai le droit d'utiliser une photo ou un texte trouvé sur "
        "internet.",
    ),
    # 4 Safety (4.1 devices, 4.2 personal data and privacy, 4.3 health and well-being)
    (
        4,
        1,
        "I can protect my device and my accounts with a strong password or code.",
        "Ik kan mijn toestel en mijn accounts beschermen met een sterk wachtwoord of een code.",
        "Je peux protéger mon appareil et mes comptes avec un mot de passe fort ou un code.",
    ),
    (
        4,
        2,
        "I can see when a message is fake and wants my data or my money.",
        "Ik kan zien wanneer een bericht vals is en mijn gegevens of mijn geld wil.",
        "Je peux voir quand un message est faux et veut mes données ou mon argent.",
    ),
    (
        4,
        3,
        "I can choose what I share about myself online, and take a break from screens.",
        "Ik kan kiezen wat ik online over mezelf deel, en een pauze nemen van schermen.",
        "Je peux choisir ce que je partage sur moi en ligne, et faire une pause loin des "
        "écrans.",
    ),
    # 5 Problem solving (5.1 technical problems, 5.2 needs and responses, 5.4 gaps)
    (
        5,
        1,
        "I can solve a simple problem with my device, for example restart it or connect "
        "to wifi.",
        "Ik kan een eenvoudig probleem met mijn toestel oplossen, bijvoorbeeld het "
        "herstarten of verbinden met wifi.",
        "Je peux résoudre un problème simple avec mon appareil, par exemple le redémarrer "
        "ou me connecter au wifi.",
    ),
    (
        5,
        2,
        "I can find and install an app that I need.",
        "Ik kan een app vinden en installeren die ik nodig heb.",
        "Je peux trouver et installer une application dont j'ai besoin.",
    ),
    (
        5,
        3,
        "I can find a course or help to learn more about computers and phones.",
        "Ik kan een cursus of hulp vinden om meer te leren over computers en smartphones.",
        "Je peux trouver un cours ou de l'aide pour en apprendre plus sur les ordinateurs "
        "et les smartphones.",
    ),
]


def load(apps: Any, schema_editor: Any) -> None:
    Statement = apps.get_model("assessments", "Statement")
    for area, position, text_en, text_nl, text_fr in STATEMENTS:
        Statement.objects.update_or_create(
            area=area,
            position=position,
            active=True,
            defaults={"text_en": text_en, "text_nl": text_nl, "text_fr": text_fr},
        )


def unload(apps: Any, schema_editor: Any) -> None:
    Statement = apps.get_model("assessments", "Statement")
    Statement.objects.filter(answers__isnull=True, replaces__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
