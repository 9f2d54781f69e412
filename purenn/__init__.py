"""purenn: neural networks in pure Python, zero dependencies, that learn to read handwritten digits."""

__version__ = "0.1.0"
