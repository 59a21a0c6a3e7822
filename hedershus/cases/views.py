"""Staff pages of cases: thin, over services and selectors."""
