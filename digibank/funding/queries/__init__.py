"""Funding queries, one module per area: calls, applications, reviews, grants, reports."""
