"""Score again in a separate, low-priority process: what the app does after a correction is accepted.

The scoring run (about 1.5 s) and the likely ranges of the years a correction can reach (about 1.5 s
each) are CPU work in Python and numpy. Done in a thread of the serving process they hold its
interpreter lock about half of the time, so every request served meanwhile from the previous results
takes up to twice as long. `score_elsewhere` runs them in a child process instead (niceness 19, in a
session and scheduling group of its own: the serving processes come first), which
- loads the data directory and scores it with the given corrections (`pipeline.score`);
- computes the likely ranges of the requested years through the disk cache (`sensitivity_cached`),
  where the serving process then reads them, as does every other worker (one computation each);
- writes the pickled (Dataset, Results, corrections) to its standard output, read only by the process that
  started it (never a file another process could have written).

Run as `python -m indicators.rescore`: the request (data directory, added corrections, years, cache
folder) arrives pickled on standard input. Errors are raised as `RescoreError`, with what the child
said on its standard error: the caller can then score in its own process instead.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pandas as pd

CHILD_NICE = 19  # the lowest CPU priority: the child only uses what the serving processes leave
TIMEOUT = 900.0  # seconds; far more than the whole job takes (about 10 s here)


class RescoreError(RuntimeError):
    """The child process failed, timed out or sent something unreadable."""


def score_elsewhere(data_dir: Path | str | None, more_corrections: pd.DataFrame | None = None,
                    sensitivity_years: list[int] = (), cache_dir: Path | str | None = None,
                    timeout: float = TIMEOUT):
    """(Dataset, Results, corrections) of `data_dir` scored with its corrections.csv and
    `more_corrections` (`pipeline.combine_corrections`), computed in a child process that also fills the
    likely-range cache for `sensitivity_years` (see the module docstring)."""
    request = {"data_dir": None if data_dir is None else str(data_dir), "more_corrections": more_corrections,
               "sensitivity_years": [int(y) for y in sensitivity_years],
               "cache_dir": None if cache_dir is None else str(cache_dir)}
    root = str(Path(__file__).resolve().parent.parent)  # on the path, in the caller's folder (relative paths hold)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    try:
        done = subprocess.run([sys.executable, "-m", "indicators.rescore"], input=pickle.dumps(request),
                              capture_output=True, timeout=timeout, env=env, check=False,
                              start_new_session=True)
    except (OSError, subprocess.TimeoutExpired) as error:  # run() kills a child that timed out
        raise RescoreError(f"the scoring process could not run: {error}") from error
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RescoreError(f"the scoring process exited with {done.returncode}: "
                           f"{said[-1] if said else 'no message'}")
    try:
        dataset, results, corrections = pickle.loads(done.stdout)
    except Exception as error:  # noqa: BLE001 - anything unreadable is the same failure to the caller
        raise RescoreError(f"the scoring process sent no readable results: {error}") from error
    return dataset, results, corrections


def _lower_priority() -> None:
    """Niceness 19 for this process and, on Linux, for its scheduling group: with autogroups (the default
    on most distributions) CPU time is shared between sessions first and niceness only counts inside
    one, so the child starts a session of its own (`start_new_session`) and lowers that group's weight."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, CHILD_NICE)
    except (AttributeError, OSError):  # not POSIX, or not allowed: run at the inherited priority
        pass
    try:
        with open("/proc/self/autogroup", "w") as handle:
            handle.write(str(CHILD_NICE))
    except OSError:  # no autogroups (not Linux, or switched off): the niceness above is what counts
        pass


def main() -> None:
    """The child: read the request, score, fill the likely-range cache, write the pickled results."""
    _lower_priority()
    request = pickle.load(sys.stdin.buffer)
    from . import load_dataset, score
    from .pipeline import combine_corrections
    from .sensitivity import sensitivity_cached
    dataset = load_dataset(request["data_dir"])
    corrections = combine_corrections(dataset.corrections, request["more_corrections"])
    results = score(dataset, corrections=corrections)
    for year in request["sensitivity_years"]:
        if year in results.years:
            sensitivity_cached(dataset, year, corrections=corrections, cache_dir=request["cache_dir"])
    sys.stdout.buffer.write(pickle.dumps((dataset, results, corrections), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
