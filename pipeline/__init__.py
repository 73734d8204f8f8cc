"""Diplomatic Statement Tracker pipeline: inputs → fetch → extract → tag → statements → store → queries."""
