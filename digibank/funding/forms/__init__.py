"""Funding forms, one module per area: calls, applications, reviews, grants, reports."""
