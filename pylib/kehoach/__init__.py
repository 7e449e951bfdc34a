"""KeHoach CCHC: track a province's plan to improve its administrative-reform indexes."""

import os

__version__ = "0.1.0"

# python-docx (the report) brings lxml, and openpyxl switches its XML to lxml when it finds it:
# its parser would then drop an entity of a returned file silently instead of refusing the file
# through defusedxml, and it would write cells differently. openpyxl reads this variable when it
# is imported, so the package sets it before any of its modules imports openpyxl; a value set
# by the user wins (kehoach.collect.intake then refuses to read returned files).
os.environ.setdefault("OPENPYXL_LXML", "False")
