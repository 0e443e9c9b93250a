"""Database backends of Kefu's own: Django's, with what the project's load needs added."""
