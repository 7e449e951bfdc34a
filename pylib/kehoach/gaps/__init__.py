"""Gaps: each criterion's distance to the maximum and the target, and the «Chênh lệch» sheet."""
