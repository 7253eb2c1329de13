from django.apps import AppConfig


class LendingConfig(AppConfig):
    name = "digibank.lending"
