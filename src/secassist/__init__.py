"""secassist: the system of record and decision tool for the Office of Security Assistance."""

__version__ = "0.1.0"
