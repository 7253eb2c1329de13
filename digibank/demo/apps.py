from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data (management command `demo_data`); no models."""

    name = "digibank.demo"
