"""Models of this app (issue 11/12); filled in by its builder."""
