"""`.opt` models generated at array speed: families as index arrays, rows as sparse triplets.

``loads_arrays(text)`` / ``read_arrays(path)`` build an `ArrayModel`: the model's
`LinearProgram` (the same matrix, bounds and names as ``extract_linear(load(path))``),
made without a Python object per variable, term or row. Sets are integer-coded arrays,
params arrays aligned to their index sets, and each indexed constraint, sum, condition and
objective is evaluated over its whole index set with numpy joins (`symopt.dsl.vectorize.
evaluate`). A family the arrays cannot express is built element-wise and joined in
(`ArrayModel.element_wise` lists those); a model that is not linear, or that has errors,
is left to the element-wise builder entirely (``read_linear`` does that for you).
Row and column names are made when read (`symopt.dsl.vectorize.names`).

>>> text = '''set I = 1..3
... var x[I] >= 0
... minimize cost: sum(i in I) i * x[i]
... subject to need: sum(i in I) x[i] >= 2'''
>>> arrays = loads_arrays(text)
>>> arrays.lp.c.tolist(), list(arrays.lp.col_names), arrays.element_wise
([1.0, 2.0, 3.0], ['x[1]', 'x[2]', 'x[3]'], [])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from symopt.dsl.vectorize.frame import Unsupported
from symopt.model.component import paused_gc

__all__ = ["ArrayModel", "loads_arrays", "read_arrays", "read_linear", "loads_program",
           "read_program", "Unsupported"]


@dataclass
class ArrayModel:
    """A linear `.opt` model as arrays: its LP and which families took which path."""

    lp: Any                                   # symopt.optimize.LinearProgram
    kind: str
    options: dict = field(default_factory=dict)
    vectorized: list[str] = field(default_factory=list)
    element_wise: list[str] = field(default_factory=list)

    @property
    def solve_arguments(self) -> dict[str, Any]:
        """``solver``, ``method``, ``time_limit`` and ``options`` for `symopt.solve`."""
        from symopt.dsl.builder import BuildResult
        return BuildResult(None, options=self.options).solve_arguments


def loads_arrays(text: str, filename: str = "<string>", base_dir: str | Path | None = None,
                 element_wise: tuple[str, ...] = (), tree: Any = None) -> ArrayModel | None:
    """The `ArrayModel` of `.opt` text; None when the model is not a valid linear model
    (then the element-wise builder gives the model, or the located errors).

    ``element_wise`` names families to build element-wise even when the arrays could
    (the tests check that both paths agree family by family). ``tree`` is the text's parse
    when the caller has it (`symopt.dsl.read` tries the arrays, then the element-wise
    builder, on one parse).
    """
    from symopt.dsl.data import model_folder
    from symopt.dsl.parser import parse
    from symopt.dsl.vectorize.assemble import assemble
    from symopt.dsl.vectorize.builder import ArrayBuilder
    tree = parse(text, filename) if tree is None else tree
    builder = ArrayBuilder(text, filename, model_folder(filename, base_dir), tuple(element_wise))
    with paused_gc():
        result = builder.run(tree)
        if result.errors or not builder.linear or result.kind not in (
                "minimize", "maximize", "feasibility"):
            return None
        lp = assemble(builder)
    if lp is None:
        return None
    return ArrayModel(lp, result.kind, dict(result.options), builder.vectorized,
                      builder.element_wise)


def loads_program(text: str, filename: str = "<string>", base_dir: str | Path | None = None,
                  element_wise: tuple[str, ...] = ()) -> Any:
    """The compiled `NonlinearProgram` of `.opt` text, generated as arrays: each nonlinear
    family is one sympy template + index arrays (`symopt.dsl.vectorize.terms`), handed to
    the compiler without a Python object per variable, term or row.

    A family the arrays cannot express (or one named in ``element_wise``) is built
    element-wise and its terms collected by the compiler into the same columns. None when
    the model is not a valid minimize/maximize/feasibility model, or the program must be
    the element-wise compiler's verdict: then ``compile_model(analyze(load(...)))`` gives
    it (or the located error). Its ``columns`` and ``rows`` are empty (there is no `Model`
    behind it); names are made when read.
    """
    from symopt.dsl.data import model_folder
    from symopt.dsl.parser import parse
    from symopt.dsl.vectorize.builder import ArrayBuilder
    from symopt.dsl.vectorize.program import assemble_program
    tree = parse(text, filename)
    builder = ArrayBuilder(text, filename, model_folder(filename, base_dir), tuple(element_wise),
                           nonlinear=True)
    with paused_gc():
        result = builder.run(tree)
        if (result.errors or builder.unassembled or result.kind not in (
                "minimize", "maximize", "feasibility")):
            return None
        return assemble_program(builder)


def read_program(path: str | Path) -> Any:
    """`loads_program` of a model file."""
    from symopt.dsl import _text_of
    return loads_program(_text_of(path), str(path))


def read_arrays(path: str | Path) -> ArrayModel | None:
    """`loads_arrays` of a model file."""
    from symopt.dsl import _text_of
    return loads_arrays(_text_of(path), str(path))


def read_linear(path: str | Path) -> Any:
    """The `LinearProgram` of a linear model file: from arrays when it can be, else from
    the element-wise model (which raises the file's first error, located)."""
    arrays = read_arrays(path)
    if arrays is not None:
        return arrays.lp
    from symopt.compile.linear import extract_linear
    from symopt.dsl import load
    return extract_linear(load(path))
