"""`python -m ldkit` runs the command line, as the `ldkit` command does (ldkit.cli.entry)."""
from ldkit.cli.entry import main

if __name__ == "__main__":
    main()
