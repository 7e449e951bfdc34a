"""Collecting the returned agency files: safe reading, validation, progress and history."""
