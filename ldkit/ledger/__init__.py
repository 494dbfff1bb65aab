"""The numbers of a week and across weeks, computed once: totals, the team, status, stats."""
