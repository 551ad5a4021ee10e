"""The linear family: simplex, basis factorization, presolve, interior point, crossover,
ranging, branch and bound, and the HiGHS bridge. Private: reached through ``linprog``/``solve_lp``."""
