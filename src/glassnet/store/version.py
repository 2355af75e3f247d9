"""glassnet's version, written into every model file, checkpoint and run record."""

__version__ = "0.1.0"
