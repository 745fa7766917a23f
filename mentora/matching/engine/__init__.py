"""Mentora matching engine."""
