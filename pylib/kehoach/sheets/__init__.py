"""The Excel layer's vocabulary: the layout of every sheet (columns, headers, formats),
reading a workbook's values, the edits a button applies, house style, print setup, sheet order,
chart text and geometry.
"""
