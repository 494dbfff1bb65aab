"""Typed views the writers read: the week (WeekModel) and the history across weeks."""
