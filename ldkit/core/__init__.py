"""The ground: errors, settings, paths, weeks, text, files, network; imports nothing else of ldkit."""

__version__ = "0.1.0"
