"""The team's site: every week's page, people, topics, the papers log and feeds, built incrementally (ldkit site)."""
