"""COPS 3.0 models (Dolan, Moré & Munson 2004), written once, built for symopt or CasADi.

Each model is a function ``model(builder, size)`` written from the definitions of the
COPS report (Argonne ANL/MCS-TM-273): the hanging chain, cam shape, largest small
polygon, electrons on a sphere (Thomson), particle steering, Goddard rocket and hang
glider, discretised as there (trapezoidal rule for the ODEs) with the report's start
points. A *builder* supplies variables, elementary functions, constraints and the
objective:

- `SymoptBuilder` makes a `symopt.Model` through the Python API (``Var``,
  ``Constraint``, ``Objective``, ``quicksum``), one indexed component per family;
- `CasadiBuilder` makes the same NLP with CasADi ``SX`` scalars for ``nlpsol('ipopt')``.

Both sides get the very same expressions, bounds, constraints (fixed end values are
equality constraints on both sides) and start point, so objective values, violations
and iteration counts compare like with like.

>>> model = SymoptBuilder("chain").build(chain, 10)
>>> len(model.u), len(model.x1)
(11, 11)
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

PI = math.pi

# published COPS 3.0 optima (the report's tables, largest size listed) for orientation
PUBLISHED = {
    "chain": 5.06852, "camshape": 4.2743, "polygon": 0.785056, "elec": 4448.35,
    "steering": 0.554570, "rocket": 1.01283, "glider": 1248.03,
}


# ----- builders -----------------------------------------------------------------------------
class SymoptBuilder:
    """Builds a `symopt.Model` (Python API) from a COPS model function."""

    def __init__(self, name: str):
        import symopt
        self._symopt = symopt
        self.model = symopt.Model(name)
        self.sqrt, self.exp = symopt.sqrt, symopt.exp
        self.sin, self.cos = symopt.sin, symopt.cos

    def build(self, model_function: Callable, size: int):
        model_function(self, size)
        return self.model

    def var(self, name: str, size: int, lower=None, upper=None, start=0.0) -> list:
        """An indexed variable ``name[0..size-1]`` with scalar bounds and per-member starts."""
        starts = np.broadcast_to(np.asarray(start, float), (size,))
        component = self._symopt.Var(range(size), bounds=(lower, upper),
                                     initialize={i: float(starts[i]) for i in range(size)})
        setattr(self.model, name, component)
        return [component[i] for i in range(size)]

    def scalar(self, name: str, lower=None, upper=None, start=0.0):
        component = self._symopt.Var(bounds=(lower, upper), initialize=float(start))
        setattr(self.model, name, component)
        return component

    def constrain(self, name: str, expressions: Sequence, lower=None, upper=None) -> None:
        """``lower <= e <= upper`` for each expression (``lower == upper``: an equality)."""
        exprs = list(expressions)
        symopt = self._symopt

        def rule(_, i):
            e = exprs[i]
            if lower is not None and upper is not None:
                return e == lower if lower == upper else symopt.between(lower, e, upper)
            return e <= upper if lower is None else e >= lower
        setattr(self.model, name, symopt.Constraint(range(len(exprs)), rule=rule))

    def total(self, terms: Sequence):
        return self._symopt.quicksum(terms)

    def objective(self, expression, sense: str = "min") -> None:
        symopt = self._symopt
        self.model.objective = symopt.Objective(
            expr=expression, sense=symopt.maximize if sense == "max" else symopt.minimize)


class CasadiBuilder:
    """Builds the same NLP with CasADi SX scalars; `solver` hands it to IPOPT."""

    def __init__(self, name: str):
        import casadi
        self.ca = casadi
        self.name = name
        self.sqrt, self.exp, self.sin, self.cos = casadi.sqrt, casadi.exp, casadi.sin, casadi.cos
        self.x, self.lbx, self.ubx, self.x0 = [], [], [], []
        self.g, self.lbg, self.ubg = [], [], []
        self.f, self.sign = None, 1.0

    def build(self, model_function: Callable, size: int):
        model_function(self, size)
        return self

    def var(self, name: str, size: int, lower=None, upper=None, start=0.0) -> list:
        symbols = self.ca.SX.sym(name, size)
        self.x.append(symbols)
        self.lbx.append(np.full(size, -np.inf if lower is None else lower))
        self.ubx.append(np.full(size, np.inf if upper is None else upper))
        self.x0.append(np.broadcast_to(np.asarray(start, float), (size,)))
        return [symbols[i] for i in range(size)]

    def scalar(self, name: str, lower=None, upper=None, start=0.0):
        return self.var(name, 1, lower, upper, start)[0]

    def constrain(self, name: str, expressions: Sequence, lower=None, upper=None) -> None:
        exprs = list(expressions)
        self.g.extend(exprs)
        self.lbg.append(np.full(len(exprs), -np.inf if lower is None else lower))
        self.ubg.append(np.full(len(exprs), np.inf if upper is None else upper))

    def total(self, terms: Sequence):
        return self.ca.sum1(self.ca.vertcat(*terms))

    def objective(self, expression, sense: str = "min") -> None:
        self.sign = -1.0 if sense == "max" else 1.0
        self.f = self.sign * expression

    def solver(self, options: dict | None = None):
        """``nlpsol('ipopt')`` of the NLP, with its arguments (bounds and start)."""
        ca = self.ca
        nlp = {"x": ca.vertcat(*self.x), "f": self.f, "g": ca.vertcat(*self.g)}
        opts = {"ipopt.print_level": 0, "print_time": 0, "ipopt.sb": "yes"}
        opts.update(options or {})
        solver = ca.nlpsol("s", "ipopt", nlp, opts)
        args = {"x0": np.concatenate(self.x0), "lbx": np.concatenate(self.lbx),
                "ubx": np.concatenate(self.ubx), "lbg": np.concatenate(self.lbg),
                "ubg": np.concatenate(self.ubg)}
        return solver, args


# ----- models --------------------------------------------------------------------------------
def trapezoid(name: str, b, state: list, rate: list, step) -> None:
    """``state[j+1] = state[j] + step/2 (rate[j] + rate[j+1])``: the ODE on every interval."""
    b.constrain(name, [state[j + 1] - state[j] - 0.5 * step * (rate[j] + rate[j + 1])
                       for j in range(len(state) - 1)], 0.0, 0.0)


def chain(b, nh: int) -> None:
    """Hanging chain of length L = 4 between heights a = 1 and b = 3 (COPS problem 1).

    ``u`` is the slope, ``x1`` the height, ``x2`` the potential energy and ``x3`` the
    length accumulated along t in [0, 1]; minimise the potential energy x2(1).
    """
    length, a, z = 4.0, 1.0, 3.0
    h, t_min = 1.0 / nh, 0.25
    s = np.arange(nh + 1) / nh
    x1_start = 4 * abs(z - a) * s * (0.5 * s - t_min) + a
    u = b.var("u", nh + 1, start=4 * abs(z - a) * (s - t_min))
    x1 = b.var("x1", nh + 1, start=x1_start)
    x2 = b.var("x2", nh + 1, start=x1_start * np.sqrt(1 + (4 * abs(z - a) * (s - t_min)) ** 2))
    x3 = b.var("x3", nh + 1, start=length * s)
    arc = [b.sqrt(1 + u[j] ** 2) for j in range(nh + 1)]
    b.objective(x2[nh])
    trapezoid("height", b, x1, u, h)
    trapezoid("energy", b, x2, [x1[j] * arc[j] for j in range(nh + 1)], h)
    trapezoid("length", b, x3, arc, h)
    b.constrain("ends", [x1[0] - a, x1[nh] - z, x2[0], x3[0], x3[nh] - length], 0.0, 0.0)


def camshape(b, n: int) -> None:
    """Cam of maximal area with convexity and curvature limits (COPS problem 4)."""
    r_v, r_max, r_min, alpha = 1.0, 2.0, 1.0, 1.5
    d_theta = 2 * PI / (5 * (n + 1))
    c = math.cos(d_theta)
    r = b.var("r", n, r_min, r_max, start=(r_min + r_max) / 2)
    b.objective((PI * r_v / n) * b.total(r), "max")
    convex = [-r[i - 1] * r[i] - r[i] * r[i + 1] + 2 * c * r[i - 1] * r[i + 1]
              for i in range(1, n - 1)]
    convex += [-r_min * r[0] - r[0] * r[1] + 2 * c * r_min * r[1],
               -r_min ** 2 - r_min * r[0] + 2 * c * r_min * r[0],
               -r[n - 2] * r[n - 1] - r[n - 1] * r_max + 2 * c * r[n - 2] * r_max,
               -2 * r_max * r[n - 1] + 2 * c * r[n - 1] ** 2]
    b.constrain("convexity", convex, None, 0.0)
    steps = [r[i + 1] - r[i] for i in range(n - 1)] + [r[0] - r_min, r_max - r[n - 1]]
    b.constrain("curvature", steps, -alpha * d_theta, alpha * d_theta)


def polygon(b, nv: int) -> None:
    """Largest polygon with nv sides and diameter at most 1, in polar coordinates (COPS 5)."""
    i = np.arange(1, nv + 1)
    r = b.var("r", nv, 0.0, 1.0, start=4 * i * (nv + 1 - i) / (nv + 1) ** 2)
    theta = b.var("theta", nv, 0.0, PI, start=np.linspace(0.0, PI, nv))  # pi*(i-1)/(nv-1), exact ends
    b.objective(0.5 * b.total([r[k + 1] * r[k] * b.sin(theta[k + 1] - theta[k])
                               for k in range(nv - 1)]), "max")
    b.constrain("diameter", [r[p] ** 2 + r[q] ** 2 - 2 * r[p] * r[q] * b.cos(theta[q] - theta[p])
                             for p in range(nv - 1) for q in range(p + 1, nv)], None, 1.0)
    b.constrain("ordered", [theta[k + 1] - theta[k] for k in range(nv - 1)], 0.0, None)
    b.constrain("last", [theta[nv - 1] - PI, r[nv - 1]], 0.0, 0.0)


def elec(b, n: int) -> None:
    """n electrons on the unit sphere of least Coulomb potential (COPS problem 2).

    The start is the report's: uniform random angles (here from a fixed seed).
    """
    rng = np.random.default_rng(2004)
    theta, phi = 2 * PI * rng.random(n), PI * rng.random(n)
    x = b.var("x", n, start=np.cos(theta) * np.sin(phi))
    y = b.var("y", n, start=np.sin(theta) * np.sin(phi))
    z = b.var("z", n, start=np.cos(phi))
    b.objective(b.total([1 / b.sqrt((x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2 + (z[i] - z[j]) ** 2)
                         for i in range(n - 1) for j in range(i + 1, n)]))
    b.constrain("sphere", [x[i] ** 2 + y[i] ** 2 + z[i] ** 2 for i in range(n)], 1.0, 1.0)


def steering(b, nh: int) -> None:
    """Particle steering: least time to reach a height and speed under a fixed thrust
    whose angle u is the control (COPS problem 10)."""
    a = 100.0
    s = np.arange(nh + 1) / nh
    u = b.var("u", nh + 1, -PI / 2, PI / 2, start=0.0)
    x1 = b.var("x1", nh + 1, start=0.0)
    x2 = b.var("x2", nh + 1, start=5 * s)
    x3 = b.var("x3", nh + 1, start=45 * s)
    x4 = b.var("x4", nh + 1, start=0.0)
    tf = b.scalar("tf", 0.0, None, start=1.0)
    h = tf / nh
    b.objective(tf)
    trapezoid("move_x", b, x1, x3, h)
    trapezoid("move_y", b, x2, x4, h)
    trapezoid("speed_x", b, x3, [a * b.cos(u[j]) for j in range(nh + 1)], h)
    trapezoid("speed_y", b, x4, [a * b.sin(u[j]) for j in range(nh + 1)], h)
    b.constrain("ends", [x1[0], x2[0], x3[0], x4[0], x2[nh] - 5, x3[nh] - 45, x4[nh]], 0.0, 0.0)


def rocket(b, nh: int) -> None:
    """Goddard rocket: maximal final altitude under drag and gravity (COPS problem 11)."""
    h0, v0, m0, g0 = 1.0, 0.0, 1.0, 1.0
    t_c, h_c, v_c, m_c = 3.5, 500.0, 620.0, 0.6
    d_c = 0.5 * v_c * m0 / g0
    c = 0.5 * math.sqrt(g0 * h0)
    m_f, t_max = m_c * m0, t_c * g0 * m0
    s = np.arange(nh + 1) / nh
    h = b.var("h", nh + 1, h0, None, start=1.0)
    v = b.var("v", nh + 1, 0.0, None, start=s * (1 - s))
    m = b.var("m", nh + 1, m_f, m0, start=(m_f - m0) * s + m0)
    thrust = b.var("T", nh + 1, 0.0, t_max, start=t_max / 2)
    step = b.scalar("step", 0.0, None, start=1.0 / nh)
    drag = [d_c * v[j] ** 2 * b.exp(-h_c * (h[j] - h0) / h0) for j in range(nh + 1)]
    gravity = [g0 * (h0 / h[j]) ** 2 for j in range(nh + 1)]
    b.objective(h[nh], "max")
    trapezoid("climb", b, h, v, step)
    trapezoid("accelerate", b, v, [(thrust[j] - drag[j] - m[j] * gravity[j]) / m[j]
                                   for j in range(nh + 1)], step)
    trapezoid("burn", b, m, [-thrust[j] / c for j in range(nh + 1)], step)
    b.constrain("ends", [h[0] - h0, v[0] - v0, m[0] - m0, m[nh] - m_f], 0.0, 0.0)


def glider(b, nh: int) -> None:
    """Hang glider: the longest flight through a thermal updraft (COPS problem 9)."""
    x0, y0, y_f = 0.0, 1000.0, 900.0
    vx0, vy0 = 13.2275675, -1.28750052
    u_c, r0, mass, g = 2.5, 100.0, 100.0, 9.81
    c0, c1, area, rho = 0.034, 0.069662, 14.0, 1.13
    s = np.arange(nh + 1) / nh
    t_f = b.scalar("t_f", 0.0, None, start=1.0)
    x = b.var("x", nh + 1, 0.0, None, start=x0 + vx0 * s)
    y = b.var("y", nh + 1, start=y0 + s * (y_f - y0))
    vx = b.var("vx", nh + 1, 0.0, None, start=vx0)
    vy = b.var("vy", nh + 1, start=vy0)
    lift = b.var("cL", nh + 1, 0.0, 1.4, start=0.7)
    ax, ay = [], []
    for j in range(nh + 1):
        r = (x[j] / r0 - 2.5) ** 2
        w = vy[j] - u_c * (1 - r) * b.exp(-r)
        speed = b.sqrt(vx[j] ** 2 + w ** 2)
        drag = 0.5 * (c0 + c1 * lift[j] ** 2) * rho * area * speed ** 2
        up = 0.5 * lift[j] * rho * area * speed ** 2
        ax.append((-up * (w / speed) - drag * (vx[j] / speed)) / mass)
        ay.append((up * (vx[j] / speed) - drag * (w / speed)) / mass - g)
    step = t_f / nh
    b.objective(x[nh], "max")
    trapezoid("fly_x", b, x, vx, step)
    trapezoid("fly_y", b, y, vy, step)
    trapezoid("speed_x", b, vx, ax, step)
    trapezoid("speed_y", b, vy, ay, step)
    b.constrain("ends", [x[0] - x0, y[0] - y0, y[nh] - y_f, vx[0] - vx0, vx[nh] - vx0,
                         vy[0] - vy0, vy[nh] - vy0], 0.0, 0.0)


MODELS: dict[str, Callable] = {
    "chain": chain, "camshape": camshape, "polygon": polygon, "elec": elec,
    "steering": steering, "rocket": rocket, "glider": glider,
}

# three sizes each, the largest near 10^4 variables where the model's size allows it
# (polygon and elec have O(n^2) constraints / objective terms: their sizes stay COPS's)
SIZES: dict[str, tuple[int, int, int]] = {
    "chain": (100, 500, 2500),        # 4 (nh + 1) variables
    "camshape": (100, 1000, 10000),   # n variables
    "polygon": (25, 50, 100),         # 2 nv variables, nv (nv - 1) / 2 diameter constraints
    "elec": (25, 50, 100),            # 3 n variables, n (n - 1) / 2 objective terms
    "steering": (100, 500, 2000),     # 5 (nh + 1) + 1 variables
    "rocket": (100, 500, 2500),       # 4 (nh + 1) + 1 variables
    "glider": (50, 200, 1000),        # 5 (nh + 1) + 1 variables
}
