"""Views of this app: thin, calling its services and selectors."""
