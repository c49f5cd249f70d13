"""Accounts, teams and roles; login and logout."""
