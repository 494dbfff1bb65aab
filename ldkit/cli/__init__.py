"""The command line: a thin click face over the library; heavy modules are imported inside commands."""
