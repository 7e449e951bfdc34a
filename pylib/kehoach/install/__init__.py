"""The office PC: checking the installation, connecting Excel to Python, and the
officials' working copy.
"""
