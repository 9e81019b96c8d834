"""Reusable widgets of the GUI (forms and small composite controls)."""
