"""The master workbook as a whole: building it from the plan, the .xlsm package with its
VBA, carrying what officials typed over a rebuild, leftovers of interrupted runs, printing to
PDF.
"""
