"""Submitted reports kept their figures' labels in the submitter's language only. Give
each figure its labels in every language, matched by the figure's key (and a breakdown
row by its place and number), from the figures as the current code computes them for
the report's hub and period. Rows that no longer match keep their label as written."""

from typing import Any

from django.db import migrations


def add_labels(apps: Any, schema_editor: Any) -> None:
    # The live figures read the apps' current models: this migration runs the current
    # code (it only adds labels; the values stay as they were frozen).
    from digibank.funding.queries.reports import figure_translations

    Report = apps.get_model("funding", "Report")
    reports = Report.objects.exclude(figures={}).select_related("grant")
    for report in reports.iterator():
        snapshot = report.figures
        rows = snapshot.get("figures") if isinstance(snapshot, dict) else None
        if not rows or report.grant.hub_id is None:
            continue
        translations = figure_translations(
            report.grant.hub_id, report.period_start, report.period_end
        )
        by_key: dict[str, dict[str, Any]] = {}
        for language, figures in translations.items():
            for figure in figures:
                by_key.setdefault(figure.key, {})[language] = figure
        for row in rows:
            found = by_key.get(row.get("key"), {})
            row.setdefault("labels", {lang: str(fig.label) for lang, fig in found.items()})
            for index, line in enumerate(row.get("breakdown", [])):
                if len(line) > 2:
                    continue
                labels = {
                    lang: str(fig.breakdown[index][0])
                    for lang, fig in found.items()
                    if index < len(fig.breakdown) and fig.breakdown[index][1] == line[1]
                }
                line.append(labels)
        report.figures = snapshot
        report.save(update_fields=["figures"])


class Migration(migrations.Migration):
    dependencies = [("funding", "0005_report_parts")]

    operations = [migrations.RunPython(add_labels, migrations.RunPython.noop)]
