"""Staff pages of journal: thin, over services and selectors."""
