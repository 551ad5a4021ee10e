"""``symopt sweep``: many scenarios of one model file from the command line.

    symopt sweep model.opt --param demand=100:300:21 --param "cost[seattle]=1,2,3"
                 [--scenarios table.csv] [--workers N | --scheduler tcp://host:8786]
                 [--report out.html] [-o results.csv] [--save F | --resume F]

Several ``--param`` make a grid (every combination); ``--scenarios`` reads a table whose
header names the params (the two can not be combined). A progress bar (done/total,
failed, rate, ETA) goes to standard error.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from symopt.errors import InputError

__all__ = ["add_parser", "run"]


def add_parser(commands: Any, formatter: Any, epilog: str) -> None:
    """Register the ``sweep`` subcommand."""
    sweep = commands.add_parser("sweep", help="solve a model for many parameter values",
                                formatter_class=formatter, epilog=epilog,
                                description=__doc__.split("\n\n")[0])
    sweep.add_argument("file", metavar="FILE")
    sweep.add_argument("--param", action="append", default=[], metavar="NAME=VALUES",
                       help="a swept param: start:stop:count, a list 1,2,3 or one value "
                            "(repeatable: a grid)")
    sweep.add_argument("--scenarios", metavar="CSV", help="a table of scenarios (header: names)")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="local worker processes (default: cores)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="a Dask scheduler, e.g. tcp://host:8786 (needs symopt[dask])")
    sweep.add_argument("--keep", action="append", default=None, metavar="NAME",
                       help="variable or constraint to keep (NAME.dual, NAME.reduced_cost)")
    sweep.add_argument("--report", metavar="OUT", help="write a report (.html, .json, .md, .txt)")
    sweep.add_argument("-o", "--output", metavar="OUT", help="write the table (.csv or .json)")
    sweep.add_argument("--save", metavar="FILE", help="append results to FILE as they finish")
    sweep.add_argument("--resume", metavar="FILE", help="continue the sweep saved in FILE")
    sweep.add_argument("--method", help="solver method (LPs: HiGHS with warm starts by default)")
    sweep.add_argument("--chunksize", type=int, help="scenarios per task (default: auto)")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")


def run(arguments: argparse.Namespace) -> int:
    """Run the sweep; exit code 0 when every scenario ran (whatever its status)."""
    from symopt.sweep.run import solve_many   # the solver stack loads for sweeps only
    if not Path(arguments.file).exists():
        raise InputError(f"{arguments.file}: no such file")
    scenarios = _scenarios(arguments)
    client = _client(arguments.scheduler) if arguments.scheduler else None
    try:
        sweep = solve_many(arguments.file, scenarios, executor=client, workers=arguments.workers,
                           chunksize=arguments.chunksize or "auto", keep=arguments.keep,
                           method=arguments.method, progress=not arguments.quiet,
                           save=arguments.save, resume=arguments.resume)
    finally:
        if client is not None:
            client.close()
    summary = sweep.summary()
    counts = ", ".join(f"{n} {w}" for w, n in summary["counts"].items())
    print(f"{summary['scenarios']} scenarios of '{summary['model']}' ({counts}) in "
          f"{summary['wall_seconds']:.2f} s: {summary['scenarios_per_second']} per second")
    best = sweep.best()
    if best is not None:
        print(f"best objective {best['objective']:.10g} (scenario {best['scenario']})")
    if arguments.output:
        writer = sweep.to_json if arguments.output.endswith(".json") else sweep.to_csv
        writer(arguments.output)
    if arguments.report:
        suffix = Path(arguments.report).suffix.lstrip(".").lower() or "text"
        sweep.report({"htm": "html", "txt": "text"}.get(suffix, suffix), arguments.report)
    return 130 if sweep.interrupted else 0


def _scenarios(arguments: argparse.Namespace) -> Any:
    from symopt.sweep.scenarios import grid, parse_values, read_csv
    if arguments.scenarios and arguments.param:
        raise InputError("give either --scenarios or --param, not both")
    if arguments.scenarios:
        return read_csv(arguments.scenarios)
    if arguments.resume and not arguments.param:
        raise InputError("--resume needs the same --param or --scenarios as the saved sweep")
    if not arguments.param:
        raise InputError("nothing to sweep: give --param NAME=VALUES or --scenarios CSV")
    columns = {}
    for item in arguments.param:
        name, sep, values = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--param {item!r}: expected NAME=VALUES, e.g. demand=100:300:21")
        columns[name.strip()] = parse_values(values.strip(), f"--param {name.strip()}")
    return grid(columns)


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'symopt[dask]'") from None
    try:
        return Client(address, timeout=10)
    except OSError as exc:
        raise InputError(f"--scheduler {address}: cannot connect ({exc})") from None
