"""Small tools every layer uses: errors and their Vietnamese texts, atomic saves, cell
text, safe file names, untrusted text, where the package's resources are.
"""
