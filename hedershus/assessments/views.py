"""Staff pages of assessments: thin, over services and selectors."""
