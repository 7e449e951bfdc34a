"""The master workbook as one typed, immutable state that every feature takes.

``kehoach.state.master.MasterState``: the sheets' values as read once (by openpyxl in the CLI,
through xlwings in the buttons) and the parts parsed from them on first use, each once.
"""
