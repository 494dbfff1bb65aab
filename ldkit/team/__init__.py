"""The team: its roster in ldkit.toml (and, as the open issue grows, reminders, the CI recipe, doctor)."""
