"""People's rights over their data: the personal-data export (GDPR Art. 15 and 20).

A top floor like `mentora.insights`: it reads every app; no app imports it.
"""
