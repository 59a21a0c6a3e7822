"""Models of this app (issue 12); filled in by its builder."""
