"""The plan: its model, importing it from the document, reading it back from a master, and
its timelines.
"""
