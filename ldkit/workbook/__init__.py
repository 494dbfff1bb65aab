"""Starting a workbook (and a workspace): templates, parameters, scaffold, papers, enrich, start, locate, people."""
