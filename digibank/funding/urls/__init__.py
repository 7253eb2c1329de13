"""Funding URLs, one module per area, each included at the site root (see digibank/urls.py)."""
