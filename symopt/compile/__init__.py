"""The compile stage: models and sympy expressions -> numbers and numpy callables.

``linear``       a linear model -> `LinearProgram` (sparse matrices, no sympy)
``families``     model expressions -> term families (terms grouped by shape)
``templates``    term templates; each shape differentiated once by sympy
``codegen``      sympy templates -> numpy functions with shared subexpressions (the only exec)
``cache``        derived templates, per process, so re-solves never re-derive
``derivatives``  `VectorFunction`: vectorised values, sparse Jacobian and Hessian by scatter-add
``nonlinear``    the compiled problems: `NonlinearProgram`, `EquationSystem`, `FitProblem`
``from_model``   an analysed model -> `NonlinearProgram` / `EquationSystem`
``from_sympy``   plain sympy expressions -> the same problems (for `symopt.symbolic`)
"""
