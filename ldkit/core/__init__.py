"""The ground: errors, settings, paths, weeks, text, files, network; imports nothing else of ldkit."""
