"""Summaries of the progress agencies reported, and the «TongHop» sheet."""
