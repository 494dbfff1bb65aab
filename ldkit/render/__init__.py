"""Notebook and Markdown to a safe HTML fragment: markdown, MathML, sanitize, highlight, media, cache."""
