"""Models of the guidelines app."""
