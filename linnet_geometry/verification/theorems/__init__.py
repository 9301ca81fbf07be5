"""The theorem registry (moved into a subpackage; see :mod:`.registry`)."""

from . import registry as _registry

globals().update({k: v for k, v in vars(_registry).items() if not k.startswith("__")})
__all__ = list(_registry.__all__)
__doc__ = _registry.__doc__
