"""Shared PDF building blocks (fonts, page templates) for letters and plans."""
