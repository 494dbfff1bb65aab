"""`python -m ldkit.records.checks`: generate the validators of ldkit's schema files again (after editing one)."""
from ldkit.records.checks import write_all

if __name__ == "__main__":
    for path in write_all():
        print(f"wrote {path}")
