"""`python -m ldkit` runs the command line."""
from ldkit.cli.main import cli

if __name__ == "__main__":
    cli()
