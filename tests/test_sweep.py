"""symopt.solve_many: the real executors (process pool, Dask LocalCluster), faults, results.

Every sweep here is checked against `symopt.solve` of the same scenario alone. The Dask
tests share one module-scoped LocalCluster of two worker processes.
"""
from __future__ import annotations

import json
import math
import os
import signal

import numpy as np
import pytest

import symopt
from symopt import Constraint, Model, NonNegativeReals, Objective, Param, Set, Var
from symopt.sweep import executors
from symopt.sweep.feed import (GUIDED_TAIL, MAX_CHUNK, TAIL_ROUND_TRIPS, TASK_SECONDS,
                               Feed)
from symopt.sweep.scenarios import parse_values

COSTS = {("seattle", "new-york"): 0.225, ("seattle", "chicago"): 0.153,
         ("seattle", "topeka"): 0.162, ("san-diego", "new-york"): 0.225,
         ("san-diego", "chicago"): 0.162, ("san-diego", "topeka"): 0.126}


def transport() -> Model:
    m = Model("transport")
    m.I = Set(initialize=["seattle", "san-diego"])
    m.J = Set(initialize=["new-york", "chicago", "topeka"])
    m.supply = Param(m.I, initialize={"seattle": 350, "san-diego": 600}, mutable=True)
    m.demand = Param(m.J, initialize={"new-york": 325, "chicago": 300, "topeka": 275},
                     mutable=True)
    m.cost = Param(m.I, m.J, initialize=COSTS, mutable=True)
    m.x = Var(m.I, m.J, domain=NonNegativeReals)
    m.total = Objective(rule=lambda m: sum(m.cost[i, j] * m.x[i, j] for i in m.I for j in m.J))
    m.ship = Constraint(m.I, rule=lambda m, i: sum(m.x[i, j] for j in m.J) <= m.supply[i])
    m.meet = Constraint(m.J, rule=lambda m, j: sum(m.x[i, j] for i in m.I) >= m.demand[j])
    return m


def bowl() -> Model:
    """min (x - a)^2 + (y - b)^2 + x*y/10 on a disc of radius r: every param nonlinear."""
    m = Model("bowl")
    m.a = Param(initialize=1.0, mutable=True)
    m.b = Param(initialize=-0.5, mutable=True)
    m.r = Param(initialize=2.0, mutable=True)
    m.x = Var(initialize=0.3)
    m.y = Var(initialize=0.2)
    m.f = Objective(rule=lambda m: (m.x - m.a) ** 2 + (m.y - m.b) ** 2 + m.x * m.y / 10)
    m.disc = Constraint(rule=lambda m: m.x ** 2 + m.y ** 2 <= m.r ** 2)
    return m


def random_demands(count: int, seed: int = 3) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"demand[new-york]": a, "demand[chicago]": b, "demand[topeka]": c}
            for a, b, c in rng.uniform(100, 300, (count, 3))]


def assert_same_as_alone(make, sweep, scenarios: list[dict], tol: float = 1e-8,
                         every: int = 1, xtol: float = 1e-6) -> None:
    """Each scenario solved alone, on a fresh model (the same start point as the sweep's)."""
    for s, scenario in list(enumerate(scenarios))[::every]:
        model = make()
        for name, value in scenario.items():
            param, _, key = name.partition("[")
            parts = tuple(key.rstrip("]").split(",")) if key else (None,)
            getattr(model, param)[parts if len(parts) > 1 else parts[0]] = value
        alone = symopt.solve(model)
        record = sweep.records()[s]
        assert record["status"] == alone.status, (s, record, alone.message)
        if alone.status == "optimal":
            assert math.isclose(record["objective"], alone.objective, rel_tol=tol, abs_tol=tol)
            for v in alone.variables:
                assert math.isclose(record[v.name], v.value, rel_tol=xtol, abs_tol=xtol), v.name


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       memory_limit="1GiB", dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


# ----- the default process pool ---------------------------------------------------------
def test_pool_matches_solving_each_scenario_alone_in_order():
    scenarios = random_demands(12)
    sweep = symopt.solve_many(transport(), scenarios, workers=2, chunksize=2)
    assert [r["scenario"] for r in sweep.records()] == list(range(12))
    assert [r["demand[chicago]"] for r in sweep.records()] == \
        [s["demand[chicago]"] for s in scenarios]
    assert_same_as_alone(transport, sweep, scenarios)


def test_infeasible_and_raising_scenarios_are_recorded_and_the_sweep_goes_on():
    scenarios = [{"demand[chicago]": 300.0, "cost[seattle,chicago]": 0.1},
                 {"demand[chicago]": 5000.0, "cost[seattle,chicago]": 0.1},   # > supply
                 {"demand[chicago]": 300.0, "cost[seattle,chicago]": math.inf},  # raises
                 {"demand[chicago]": 200.0, "cost[seattle,chicago]": 0.2}]
    sweep = symopt.solve_many(transport(), scenarios, workers=1)
    assert sweep.status == ["optimal", "infeasible", "error", "optimal"]
    assert "finite" in sweep.messages[2]
    with pytest.raises(ValueError, match="finite"):   # what solving it alone says
        model = transport()
        model.cost["seattle", "chicago"] = math.inf
        symopt.solve(model)
    ok = [scenarios[0], scenarios[1], scenarios[3]]
    sub = symopt.solve_many(transport(), ok, workers=1)
    assert_same_as_alone(transport, sub, ok)


def _pool_worker_killer(killed: list):
    """A progress callback that kills one process of symopt's pool, the first time."""
    def kill_one(info: dict) -> None:
        if not killed:
            pool = next(iter(executors._POOL.values()))
            pid = next(iter(pool._processes))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    return kill_one


def test_a_killed_pool_worker_loses_no_scenario():
    killed: list = []
    kill_one = _pool_worker_killer(killed)
    scenarios = random_demands(60, seed=5)
    sweep = symopt.solve_many(transport(), scenarios, workers=2, chunksize=3, progress=kill_one)
    assert killed and sweep.counts() == {"optimal": 60}
    assert_same_as_alone(transport, sweep, scenarios, every=7)


def test_a_killed_pool_worker_mid_feed_loses_no_scenario():
    """Auto chunks cut while the sweep runs (one HiGHS solve each: not batched): the chunks
    of the broken pool are resubmitted first, then the feed goes on cutting."""
    killed: list = []
    kill_one = _pool_worker_killer(killed)
    scenarios = random_demands(120, seed=6)
    sweep = symopt.solve_many(transport(), scenarios, workers=2, warm_start=False,
                              progress=kill_one)
    assert killed and sweep.counts() == {"optimal": 120}
    assert_same_as_alone(transport, sweep, scenarios, every=11)


def test_the_pool_is_kept_between_sweeps_until_closed():
    symopt.solve_many(transport(), random_demands(4), workers=2)
    pool = executors._POOL[2]
    pids = set(pool._processes)
    again = symopt.solve_many(transport(), random_demands(6, seed=4), workers=2)
    assert executors._POOL[2] is pool and set(pool._processes) == pids
    assert again.counts() == {"optimal": 6}
    symopt.sweep.close_pool()
    assert not executors._POOL and not pool._processes
    one = symopt.solve_many(transport(), random_demands(3), workers=1)   # made anew
    assert one.counts() == {"optimal": 3} and len(executors._POOL[1]._processes) == 1


def test_grid_table_csv_json_and_report(tmp_path):
    sweep = symopt.solve_many(transport(), symopt.grid(demand=np.linspace(100, 400, 4),
                                                       supply=[300.0, 500.0]), workers=1)
    assert len(sweep) == 8 and sweep.columns == ("demand", "supply")
    assert set(sweep.counts()) <= {"optimal", "infeasible"}
    text = sweep.to_csv(tmp_path / "s.csv")
    assert text.splitlines()[0].startswith("scenario,demand,supply,status,objective")
    document = json.loads(sweep.to_json())
    assert document["summary"]["scenarios"] == 8
    report = json.loads(sweep.report("json"))
    assert report["figures"][0]["kind"] == "status_map"
    html = sweep.report("html")
    assert "<img" in html or "matplotlib is not installed" in html
    frame = sweep.to_dataframe()
    assert list(frame["scenario"]) == list(range(8))


def test_one_swept_param_draws_objective_and_a_dual_against_it():
    sweep = symopt.solve_many(transport(), {"demand[chicago]": [100.0, 200.0, 300.0]},
                              keep=["meet", "x"], workers=1)
    figures = json.loads(sweep.report("json"))["figures"]
    assert [f["kind"] for f in figures] == ["line", "line"]
    assert figures[1]["y"] == "meet[new-york].dual"
    assert sweep.column("meet[chicago].dual").shape == (3,)


def test_resume_runs_only_what_is_missing(tmp_path):
    path = tmp_path / "results.jsonl"
    scenarios = random_demands(6)
    first = symopt.solve_many(transport(), scenarios[:6], workers=1, save=path)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:4]) + "\n")          # three scenarios survived
    seen = []
    again = symopt.solve_many(transport(), scenarios, workers=1, resume=path,
                              progress=lambda info: seen.append(info["total"]))
    assert seen and seen[-1] == 3
    np.testing.assert_allclose(again.objective, first.objective, rtol=1e-12)
    assert len(path.read_text().splitlines()) == 7


def test_nonlinear_params_are_a_parameter_vector():
    scenarios = [{"a": a, "b": b, "r": r} for a, b, r in
                 [(1.0, -0.5, 2.0), (3.0, 1.0, 1.0), (-2.0, 2.0, 0.5), (0.5, 0.5, 3.0)]]
    sweep = symopt.solve_many(bowl(), scenarios, workers=1)
    assert sweep.problem_class == "constrained NLP"
    assert_same_as_alone(bowl, sweep, scenarios, tol=1e-9, xtol=1e-9)
    warm = symopt.solve_many(bowl(), scenarios, workers=1, warm_start=True)
    done = (warm.status_codes == 0) & (sweep.status_codes == 0)
    np.testing.assert_allclose(warm.objective[done], sweep.objective[done], rtol=1e-5)


def test_multistart_keeps_the_best_and_counts_who_reached_it():
    m = Model("wells")
    m.x = Var(bounds=(-3, 3))
    m.f = Objective(expr=(m.x ** 2 - 4) ** 2 + m.x)   # two wells, the left one deeper
    best = symopt.solve(m, starts=8, seed=2)
    assert best.status == "optimal" and best.variables[0].value < 0
    assert best.multistart["starts"] == 8 and 1 <= best.multistart["reached_best"] <= 8
    sweep = symopt.solve_many(m, symopt.starts(8, seed=2, method="lhs"), workers=1)
    record = sweep.best()
    assert record["objective"] == pytest.approx(best.objective, rel=1e-6)
    assert sweep.columns == ("start",) and record["reached"] >= 1


def test_bad_names_say_what_exists():
    with pytest.raises(symopt.InputError, match="params are supply, demand, cost"):
        symopt.solve_many(transport(), {"price": [1.0]})
    with pytest.raises(symopt.InputError, match="members are"):
        symopt.solve_many(transport(), {"demand[boston]": [1.0]})
    assert parse_values("100:300:21", "--param").size == 21


# ----- Dask -------------------------------------------------------------------------------
def test_dask_matches_solving_alone_in_order(client):
    scenarios = random_demands(20, seed=7) + [{"demand[new-york]": 1e4, "demand[chicago]": 1.0,
                                               "demand[topeka]": 1.0}]
    sweep = symopt.solve_many(transport(), scenarios, executor=client, chunksize=4)
    assert sweep.status[-1] == "infeasible" and sweep.counts()["optimal"] == 20
    assert_same_as_alone(transport, sweep, scenarios)


def test_dask_nonlinear_sweep(client):
    scenarios = [{"a": a, "b": 0.0, "r": 1.5} for a in np.linspace(-2, 2, 6)]
    sweep = symopt.solve_many(bowl(), scenarios, executor=client, chunksize=2)
    assert_same_as_alone(bowl, sweep, scenarios, tol=1e-9, xtol=1e-9)


def test_dask_killed_worker_loses_no_scenario(client):
    pids = client.run(os.getpid)
    killed = []

    def kill_one(info: dict) -> None:
        if not killed:
            pid = next(iter(pids.values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    scenarios = random_demands(80, seed=11)
    sweep = symopt.solve_many(transport(), scenarios, executor=client, chunksize=2,
                              progress=kill_one)
    assert killed and sweep.counts() == {"optimal": 80}
    assert_same_as_alone(transport, sweep, scenarios, every=9)


# ----- the command line -------------------------------------------------------------------
def test_cli_sweep_writes_table_and_report(tmp_path, capsys):
    from symopt.cli import main
    model = __import__("pathlib").Path(__file__).parents[1] / "examples" / "transport.opt"
    out, report = tmp_path / "r.csv", tmp_path / "r.json"
    code = main(["sweep", str(model), "--param", "demand=100:300:3",
                 "--param", "supply[seattle]=300,400", "--workers", "1", "-o", str(out),
                 "--report", str(report)])
    captured = capsys.readouterr()
    assert code == 0 and "6 scenarios of 'transport' (6 optimal)" in captured.out
    assert "6/6" in captured.err                                     # the progress bar
    assert out.read_text().splitlines()[0].startswith("scenario,demand,supply[seattle],status")
    assert json.loads(report.read_text())["summary"]["scenarios"] == 6
    assert main(["sweep", str(model), "--param", "freight=80,90"]) == 3  # a derived param
    assert "sweep only params" in capsys.readouterr().err


def test_ctrl_c_keeps_what_finished_and_resume_completes_it(tmp_path):
    def interrupt(info: dict) -> None:
        raise KeyboardInterrupt

    path = tmp_path / "results.jsonl"
    scenarios = random_demands(40, seed=13)
    stopped = symopt.solve_many(transport(), scenarios, workers=1, chunksize=4,
                                progress=interrupt, save=path)
    counts = stopped.counts()
    assert stopped.interrupted and counts.get("optimal", 0) >= 4 and counts.get("not run", 0) > 0
    finished = symopt.solve_many(transport(), scenarios, workers=1, resume=path)
    assert finished.counts() == {"optimal": 40} and not finished.interrupted


def cut_sizes(feed: Feed, seconds_per_scenario: float | None = None) -> list[int]:
    """The sizes ``feed`` cuts when `Feed.depth` chunks are in flight and the oldest comes
    back (``seconds_per_scenario`` each) before the next is cut; None: no result comes back
    before the last cut."""
    found = []
    for k in iter(feed.cut, None):
        found.append(feed[k][0].size)
        if seconds_per_scenario is not None and len(found) >= feed.depth:
            back = found[len(found) - feed.depth]
            feed.observe({"seconds": np.full(back, seconds_per_scenario)})
    return found


def test_auto_chunks_one_per_worker_for_reused_bases_else_shrinking():
    rows = np.zeros((10_000, 3))
    for kind in ("pool", "dask"):
        feed = Feed(np.arange(10_000), rows, 2, cheap=True, executor_kind=kind)
        assert cut_sizes(feed) == [5000, 5000] and feed.depth == 2
    for count in (1000, 7, 100_000):
        sizes = cut_sizes(Feed(np.arange(count), rows, 2))
        assert sum(sizes) == count and min(sizes) >= 1 and max(sizes) <= MAX_CHUNK
        assert sizes[0] >= sizes[-1] and len(sizes) <= 2 * 2 * GUIDED_TAIL
    assert Feed(np.arange(0), rows, 2).cut() is None
    given = Feed(np.arange(7), rows, 2, size=3)
    assert given.depth == 3 and cut_sizes(given) == [3, 3, 1]


def test_the_last_chunks_last_a_few_round_trips_of_the_executor():
    """1,000 NLP scenarios of 11 ms: once results come back, chunks shrink to what lasts
    TAIL_ROUND_TRIPS task round trips (2 scenarios on Dask, 1 on the pool), far below the
    1/(16 workers) of the sweep (32 scenarios, 350 ms) that left a worker idle at the end."""
    rows = np.zeros((1000, 2))
    for kind, floor in (("dask", 2), ("pool", 1)):
        assert math.ceil(TAIL_ROUND_TRIPS * TASK_SECONDS[kind] / 0.011) == floor
        sizes = cut_sizes(Feed(np.arange(1000), rows, 2, executor_kind=kind), 0.011)
        assert sum(sizes) == 1000 and sizes[0] == 250 and sizes[-1] <= floor
        assert min(sizes) >= 1 and len(sizes) < 40
    quick = cut_sizes(Feed(np.arange(1000), rows, 2, executor_kind="dask"), 1e-5)
    assert quick == [250, 188, 141, 106, 250, 65]   # the floor, 2,000, capped at 1/4


def test_a_resumed_sweep_cuts_the_rows_of_its_missing_scenarios():
    rows = np.arange(20.0).reshape(10, 2)
    feed = Feed(np.array([1, 2, 5, 8, 9]), rows, 1, size=2)
    cut = [feed[k] for k in iter(feed.cut, None)]
    assert [ids.tolist() for ids, _ in cut] == [[1, 2], [5, 8], [9]]
    assert all(np.array_equal(part, rows[ids]) for ids, part in cut)


def test_a_large_compiled_problem_reaches_the_pool_through_a_file(monkeypatch):
    monkeypatch.setattr(executors, "INLINE_BYTES", 0)
    scenarios = random_demands(6, seed=9)
    sweep = symopt.solve_many(transport(), scenarios, workers=2, chunksize=2)
    assert_same_as_alone(transport, sweep, scenarios)


def test_a_dask_style_worker_keeps_its_heap_during_a_chunk_and_trims_after(monkeypatch):
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_; a chunk raises glibc's thresholds (nested
    chunks once), then restores the environment's values and trims."""
    from symopt.sweep import heap
    calls = []

    class FakeLibc:
        def mallopt(self, option, value):
            calls.append(("mallopt", option, value))

        def malloc_trim(self, pad):
            calls.append(("trim", pad))

    monkeypatch.setattr(heap, "_LIBC", FakeLibc())
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with heap.roomy_heap():
        pass
    assert calls == []                                  # symopt's pool: nothing to change
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    with heap.roomy_heap():
        with heap.roomy_heap():
            assert calls == [("mallopt", -1, 64 << 20), ("mallopt", -3, 32 << 20)]
        assert len(calls) == 2
    assert calls[2:] == [("mallopt", -1, 65536), ("mallopt", -3, 128 << 10), ("trim", 0)]


def test_a_failing_dask_task_is_reported_for_its_chunk(client):
    """A task that raises (here: a compiled problem that does not unpickle) reaches `done`
    with no result and the exception's text; the other chunk is unaffected."""
    finished = {}
    feed = Feed(np.arange(4), np.zeros((4, 3)), 2, size=2, executor_kind="dask")
    interrupted = executors.run_chunks("bad-blob-token", b"not a pickle", feed, False,
                                       lambda k, result, message:
                                       finished.__setitem__(k, (result, message)), client)
    assert not interrupted and sorted(finished) == [0, 1]
    assert all(result is None and message.startswith("UnpicklingError")
               for result, message in finished.values())
