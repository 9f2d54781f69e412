"""purenn: neural networks in pure Python, zero dependencies, that learn to read handwritten digits.

The modules, in the order the algorithm uses them: vectors, activations, losses, network (the
reference engine), gradcheck, batch (the fast engine), settings, train, estimator (Classifier), data, scaling,
splits, metrics, model (JSON files), files (atomic writes), figures (pictures), presets, workflow
(`purenn train`'s flow), preflight, and cli with its commands/. See the README's "How it is built".

Classifier is imported on first use, so that `purenn` on the command line starts with little
imported (and Ctrl-C during the imports still ends in one line; see purenn.__main__).
"""

__version__ = "0.1.0"

from .errors import DataError, DivergenceError, ModelError, PurennError

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (Ctrl-C: see above)
if TYPE_CHECKING:  # pragma: no cover
    from .estimator import Classifier

__all__ = ["Classifier", "DataError", "DivergenceError", "ModelError", "PurennError", "__version__"]


def __getattr__(name: str) -> object:
    """purenn.Classifier, imported when first asked for."""
    if name == "Classifier":
        from .estimator import Classifier

        return Classifier
    raise AttributeError(f"module 'purenn' has no attribute {name!r}")
