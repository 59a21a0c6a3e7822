"""Staff pages of case_documents: thin, over services and selectors."""
