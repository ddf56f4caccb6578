"""Activities, courses, attendance, recovery school, peers and the house's other counts (issue 6)."""
