"""symopt: declare optimization models symbolically, solve them with native numpy solvers."""
from symopt.errors import (
    CompileError, InputError, ModelError, ParseError, RoutingError, SolverError, SourceLocation,
    SymoptError,
)

__version__ = "0.1.0"

__all__ = [
    "__version__", "SymoptError", "ModelError", "ParseError", "CompileError", "RoutingError",
    "InputError", "SolverError", "SourceLocation",
]
