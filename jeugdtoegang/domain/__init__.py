"""Pure domain rules and value types: no database, no I/O, no Qt."""
