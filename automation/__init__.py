"""Veiligheid: intake, register and reporting of social safety at the board's schools."""

__version__ = "0.1.0"
