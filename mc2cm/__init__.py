"""The top-level command line of the dashboard (``python -m mc2cm``)."""
