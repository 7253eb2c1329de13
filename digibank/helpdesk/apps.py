from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "digibank.helpdesk"
