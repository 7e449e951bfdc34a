"""Checks of the plan's consistency: the rules, their findings, and the «KiemTra» sheet."""
