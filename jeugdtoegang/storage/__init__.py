"""Persistence: SQLAlchemy models, engine set-up, migrations, unit of work, change log."""
