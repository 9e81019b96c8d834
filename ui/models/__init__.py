"""Qt item models over the core's frozen read rows (never ORM objects)."""
