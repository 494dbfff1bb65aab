"""Records of a workbook (plan, outcome, result): schema, journal, notebook reading, merge.

The floor the rest of ldkit stands on; it imports only the workspace-level helpers, never nbformat.
"""
