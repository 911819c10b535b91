"""Curated knowledge (YAML + pydantic schema) and the logic that reads it.

classifier, tactic ranking and typed-text matching live here; nothing here knows about
dialogs or transports.
"""
