"""The seven digital-inclusion plans of the Flemish recovery plan Vlaamse Veerkracht, as
described in the seed document (seed/relanceplannen-digitale-inclusie.txt, Mediawijs,
5 November 2021). Loaded by migration 0003; safe to load again."""

from __future__ import annotations

from typing import Any

MILLION_EUR_IN_CENTS = 1_000_000 * 100

PROGRAMMES: list[dict[str, Any]] = [
    {
        "slug": "digibanken",
        "name": "Digibanken",
        "policy_domain": "Werk en Sociale Economie",
        "minister": "Jo Brouns (CD&V)",
        "budget_cents": 50 * MILLION_EUR_IN_CENTS,
        "target_groups": "Volwassen bevolking",
        "contact_email": "hans.rymenams@vlaanderen.be",
        "url": "https://digibanken.vlaanderen.be/",
        "description": (
            "Dit project wil diverse partners, zoals overheden, bedrijven, "
            "kennisinstellingen en het middenveld, in lokale samenwerkingsverbanden of hubs "
            "als ‘digibanken’ verenigen. Via projectoproepen in meerdere indieningsrondes "
            "(tot en met 2024) kunnen samenwerkingsverbanden zich kandidaat stellen om samen "
            "een digibank op te richten: één oproep om strategische partnerschappen vorm te "
            "geven, een andere om bestaande partnerschappen de kans te geven een strategie "
            "uit te voeren."
        ),
        "spearheads": [
            "Gelijke toegang voorzien tot digitale technologie, door het voorwaardelijk "
            "beschikbaar stellen van laptops, schermen en andere hardware en ondersteuning "
            "in een specifieke context.",
            "Via opleiding en kennisdeling digitale vaardigheden versterken, zowel inzake "
            "persoonlijke vaardigheden als technische vaardigheden (vb. herstel van "
            "IT-materiaal).",
            "Via begeleiding zorgen voor een verbeterde digitale toegang tot essentiële "
            "diensten via zogenaamde fysieke ‘knooppunten’.",
        ],
    },
    {
        "slug": "lokale-besturen",
        "name": "Digitale inclusie in lokale besturen",
        "policy_domain": "Binnenlands Bestuur",
        "minister": "Bart Somers (Open VLD)",
        "budget_cents": 50 * MILLION_EUR_IN_CENTS,
        "target_groups": "Lokale besturen",
        "contact_email": "",
        "url": "",
        "description": (
            "Dit beleidsplan wil lokale besturen ondersteunen om hun digitaal "
            "inclusiebeleid te versterken of op te starten, met financiële ondersteuning "
            "en met VVSG en Mediawijs in een ondersteunende rol."
        ),
        "spearheads": [
            "Financiële ondersteuning van lokale besturen voor hun digitaal inclusiebeleid.",
            "Kennisdeling en verzameling van goede praktijken (VVSG en Mediawijs).",
            "Ontwikkeling van lesmateriaal en handleidingen.",
            "Netwerken van digihelpers.",
            "Opleiding van overheidspersoneel.",
        ],
    },
    {
        "slug": "iedereen-digitaal",
        "name": "Iedereen Digitaal",
        "policy_domain": "Media en Jeugd",
        "minister": "Benjamin Dalle (CD&V)",
        "budget_cents": 250_000 * 100,
        "target_groups": "Kwetsbare jongeren, mensen met een beperking en senioren",
        "contact_email": "",
        "url": "",
        "description": (
            "Met ‘Iedereen Digitaal’ wil de minister de ontwikkeling en uitrol van een "
            "bovenlokaal digitaal inclusiebeleid versnellen binnen sectoren, organisaties "
            "en voorzieningen die werken met kwetsbare jongeren, mensen met een beperking "
            "of senioren in Vlaanderen (onder meer de sectoren onder Agentschap Opgroeien, "
            "een deel van het aanbod van het Vlaams Agentschap voor Personen met een "
            "Handicap, leden van de Vlaamse ouderenraad, vormingsorganisaties bij het "
            "sociaal-cultureel jeugd- en volwassenenwerk en het jeugdwelzijnswerk)."
        ),
        "spearheads": [],
    },
    {
        "slug": "digisprong",
        "name": "Digisprong",
        "policy_domain": "Onderwijs en Vorming",
        "minister": "Ben Weyts (N-VA)",
        "budget_cents": 375 * MILLION_EUR_IN_CENTS,
        "target_groups": "Hoofdzakelijk leerplichtonderwijs",
        "contact_email": "",
        "url": "https://www.digisprong.be/",
        "description": (
            "Digisprong wil het leerplichtonderwijs een digitale boost geven. Contact via "
            "het contactformulier op digisprong.be."
        ),
        "spearheads": [
            "Een toekomstgerichte en veilige ICT-infrastructuur voorzien voor alle scholen "
            "van het leerplichtonderwijs (waaronder een digitaal toestel voor elke leerling "
            "vanaf het 5e leerjaar).",
            "Een sterk ondersteunend en doeltreffend ICT-schoolbeleid implementeren.",
            "ICT-competente leerkrachten en lerarenopleiders aanwerven en aangepaste "
            "digitale leermiddelen inzetten.",
            "Een kennis- en adviescentrum ‘Digisprong’ oprichten ten dienste van het "
            "onderwijsveld.",
        ],
    },
    {
        "slug": "edusprong",
        "name": "Edusprong",
        "policy_domain": "Onderwijs en Vorming",
        "minister": "Ben Weyts (N-VA)",
        "budget_cents": None,
        "target_groups": "Volwassenenonderwijs",
        "contact_email": "",
        "url": "",
        "description": "Edusprong richt zich op het volwassenenonderwijs.",
        "spearheads": [
            "Het volwassenenonderwijs vervult een belangrijke rol in het stimuleren van "
            "elke Vlaming om levenslang te blijven leren.",
            "Versterken van arbeidsmarktkansen via om- en bijscholen.",
            "Versterking van digitale competenties.",
            "Gericht inzetten op kwalificatie.",
        ],
    },
    {
        "slug": "inburgering",
        "name": "Digitalisering van inburgering",
        "policy_domain": "Integratie en Inburgering",
        "minister": "Bart Somers (Open VLD)",
        "budget_cents": 1_900_000 * 100,
        "target_groups": "Inburgeraars",
        "contact_email": "",
        "url": "",
        "description": (
            "Het integratietraject wordt in de komende jaren aangepast en gedigitaliseerd. "
            "De Vlaamse regering stelt relancemiddelen ter beschikking voor de volgende "
            "onderdelen."
        ),
        "spearheads": [
            "De toekomstvisie Kruispuntbank Inburgering.",
            "Community building en digital marketing.",
            "Het klantenportaal en de klantendienstverlening.",
            "Online leren en testen.",
            "Nederlandse taalverwerving.",
            "Het versterken van digitale vaardigheden van inburgeraars en medewerkers.",
        ],
    },
    {
        "slug": "bandbreedte",
        "name": "Bandbreedte",
        "policy_domain": "Welzijn",
        "minister": "Hilde Crevits (CD&V)",
        "budget_cents": 5 * MILLION_EUR_IN_CENTS,
        "target_groups": "Kinderen, jongeren en gezinnen in de jeugdhulp",
        "contact_email": "bandbreedte@opgroeien.be",
        "url": "https://www.opgroeien.be/bandbreedte",
        "description": (
            "Bandbreedte staat voor een intensief digitaliseringstraject in de jeugdhulp. "
            "Met een combinatie van online én offline methodieken wil men jongeren beter "
            "bereiken en meer wegen installeren voor jongeren naar jeugdhulp."
        ),
        "spearheads": [
            "Het Burgerprofiel voor jongeren: minderjarigen vanaf 12 jaar kunnen er hun "
            "jeugdhulphistoriek terugvinden.",
            "Een veilig digitaal communicatiekanaal waar jongeren, gezinnen en "
            "hulpverleners met elkaar kunnen communiceren.",
            "Een groot vormingsaanbod om hulpverleners op te leiden tot mediacoaches.",
            "Het screenen van 100 apps en sites voor jongeren, ouders en hulpverleners in "
            "de jeugdhulp.",
        ],
    },
]


def load_programmes(programme_model: Any, spearhead_model: Any) -> int:
    """Create or update the seven plans and their ordered spearheads; safe to run again."""
    for entry in PROGRAMMES:
        values = {key: value for key, value in entry.items() if key not in {"slug", "spearheads"}}
        programme, _ = programme_model.objects.update_or_create(slug=entry["slug"], defaults=values)
        texts: list[str] = entry["spearheads"]
        spearhead_model.objects.filter(programme=programme, position__gt=len(texts)).delete()
        for position, text in enumerate(texts, start=1):
            spearhead_model.objects.update_or_create(
                programme=programme, position=position, defaults={"text": text}
            )
    return len(PROGRAMMES)
