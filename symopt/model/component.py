"""The base of every model component: a name, its model, and (optionally) index sets.

A component gets its name when it is assigned to a model attribute (``m.x = Var(...)``
names it "x"); indexed members are built then, because rules receive the model.
Keys of indexed members are the set members themselves for one index set (``m.x[3]``)
and tuples for several (``m.x["seattle", "chicago"]``).

>>> from symopt.model.sets import Set
>>> c = IndexedComponent(Set(initialize=[1, 2]), Set(initialize=["a"]))
>>> list(c.index_keys())
[(1, 'a'), (2, 'a')]
"""
from __future__ import annotations

import gc
import itertools
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from symopt.errors import ModelError

__all__ = ["Component", "IndexedComponent", "call_rule", "index_tuple", "index_tuples",
           "index_members", "paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a bulk build allocates many objects.

    Expressions hold no reference cycles, so collections during a build only cost time
    (they rescan every live expression, about half the build time of a large model).
    Afterwards the survivors join the oldest generation at once (``gc.freeze`` then
    ``gc.unfreeze``, two list splices), so the next young collections do not rescan a
    million new variables twice before they get there (0.5 s of a 10^6-variable build);
    skipped when something else froze objects. The collector's previous state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()   # back into the oldest generation
            gc.enable()


class Component:
    """Something a model holds under a name; ``kind`` says what it is in messages."""

    kind = "component"

    def __init__(self, doc: str = ""):
        self._cname = ""
        self.model: Any = None
        self.doc = doc

    @property
    def name(self) -> str:
        return self._cname

    def _attach(self, model: Any, name: str) -> None:
        """Called by ``Model.__setattr__``: remember the model and the name, build members."""
        self.model, self._cname = model, name


class IndexedComponent(Component):
    """A component over index sets (none: a scalar component)."""

    def __init__(self, *index_sets: Any, doc: str = ""):
        super().__init__(doc)
        self._index_sets = index_sets

    @property
    def is_indexed(self) -> bool:
        return bool(self._index_sets)

    def index_keys(self) -> Iterator:
        """Keys of the members in order: scalars for one set, tuples for several."""
        if len(self._index_sets) == 1:
            return iter(index_members(self._index_sets[0]))
        members = [list(index_members(s)) for s in self._index_sets]
        if any(m and isinstance(m[0], tuple) for m in members):  # flatten multi-dimensional sets
            return (tuple(itertools.chain.from_iterable(index_tuple(part) for part in combo))
                    for combo in itertools.product(*members))
        return itertools.product(*members)

    def _missing(self, key: Any, data: dict) -> ModelError:
        sample = ", ".join(repr(k) for k in itertools.islice(data, 4))
        more = ", ..." if len(data) > 4 else ""
        return ModelError(f"{self.kind} '{self.name}' has no index {key!r}; "
                          f"expected one of its indices ({sample}{more})")


def index_members(source: Any) -> Any:
    """The members of an index argument: a Set, range, list or tuple of members."""
    if isinstance(source, (range, list, tuple)) or (isinstance(source, Component)
                                                    and hasattr(source, "__iter__")):
        return source
    raise ModelError(f"expected an index set (Set, RangeSet, range or list), got "
                     f"{type(source).__name__} {source!r}")


def index_tuple(key: Any) -> tuple:
    """The member key as a tuple: ``3 -> (3,)``, ``(1, 'a') -> (1, 'a')``."""
    return key if isinstance(key, tuple) else (key,)


def index_tuples(keys: list) -> list:
    """Each key as its index tuple (``index_tuple``), without a Python call per key."""
    kinds = set(map(type, keys))
    if kinds == {tuple}:
        return keys
    if tuple not in kinds:
        return list(zip(keys))   # 3 -> (3,)
    return list(map(index_tuple, keys))


#: how many rules are running now (a symbolic Param may only be read inside one)
_RULES_RUNNING = [0]


def in_rule() -> bool:
    """True while `call_rule` runs a user rule: what it reads is re-read on a rebuild."""
    return _RULES_RUNNING[0] > 0


def call_rule(rule: Callable, model: Any, key: Any, what: str | Callable[[], str]) -> Any:
    """``rule(model, *key)``, with an error naming ``what`` when the rule itself fails
    (``what`` may be a function giving that text: a row's name is then formatted only for
    an error, not for each of a million rows)."""
    _RULES_RUNNING[0] += 1
    try:
        return rule(model, *index_tuple(key)) if key is not None else rule(model)
    except ModelError as error:
        what = what() if callable(what) else what
        if what in error.message:
            raise
        raise ModelError(f"in the rule of {what}: {error.message}", error.location) from None
    except TypeError as error:
        what = what() if callable(what) else what
        if "positional argument" in str(error):
            raise ModelError(f"the rule of {what} takes the wrong number of arguments: {error}; "
                             "a rule receives the model, then one argument per index") from None
        raise
    finally:
        _RULES_RUNNING[0] -= 1