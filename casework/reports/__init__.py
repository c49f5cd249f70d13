"""Figures a manager reports to the association's funders."""
