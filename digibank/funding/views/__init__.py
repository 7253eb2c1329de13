"""Funding views, one module per area: calls, applications, reviews, grants, reports."""
