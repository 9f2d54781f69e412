"""purenn: neural networks in pure Python, zero dependencies, that learn to read handwritten digits.

The modules, in the order the algorithm uses them: vectors, activations, losses, network (the
reference engine), gradcheck, batch (the fast engine), train, estimator (Classifier), data, metrics,
model (JSON files), render (pictures), presets, cli. See the README's "How it is built".
"""

__version__ = "0.1.0"

from .errors import DataError, DivergenceError, ModelError, PurennError
from .estimator import Classifier

__all__ = ["Classifier", "DataError", "DivergenceError", "ModelError", "PurennError", "__version__"]
