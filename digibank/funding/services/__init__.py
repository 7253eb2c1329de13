"""Funding services, one module per area: calls, applications, reviews, grants, reports."""
