"""Agency files: which tasks go to which agency, the workbook each agency fills in, its
signature, and the manifest of the files made.
"""
