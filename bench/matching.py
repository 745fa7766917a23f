"""Benchmark of the matching engine against dense baselines; prints a table (not a test).

Each case runs in its own process so its peak memory (max RSS) is its own:

    .venv/bin/python bench/matching.py           # full run (several minutes)
    .venv/bin/python bench/matching.py --quick   # smoke run (a few seconds)

Populations are synthetic (``mentora.matching.engine.synthetic``), scored from profiles with the
default weights and rules; text vectors stand in for cached sentence embeddings. Figures on a
shared 2-core machine are noisy: other work running at the same time slows every case.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mentora.matching.engine import (  # noqa: E402
    Weights,
    form_circles,
    match_one_on_one,
    match_peers,
    prepare_mentor_pairs,
)
from mentora.matching.engine.people import Rules  # noqa: E402
from mentora.matching.engine.stable import stable_on_space  # noqa: E402
from mentora.matching.engine.synthetic import synthetic_population  # noqa: E402

FULL = [
    ("one_on_one", {"mentees": 10_000, "mentors": 2_000, "objective": "max_total"}),
    ("scipy_dense", {"mentees": 10_000, "mentors": 2_000}),
    ("ortools_dense", {"mentees": 10_000, "mentors": 2_000}),
    ("greedy", {"mentees": 10_000, "mentors": 2_000}),
    ("one_on_one", {"mentees": 10_000, "mentors": 2_000, "objective": "fair"}),
    ("one_on_one", {"mentees": 100_000, "mentors": 20_000, "objective": "max_total"}),
    ("one_on_one", {"mentees": 100_000, "mentors": 20_000, "objective": "fair"}),
    ("stable", {"mentees": 100_000, "mentors": 20_000, "list_length": 50}),
    ("peer", {"people": 10_000}),
    ("networkx_peer", {"people": 300}),
    ("peer", {"people": 300}),
    ("circles", {"mentees": 10_000, "facilitators": 1_700}),
]
QUICK = [
    ("one_on_one", {"mentees": 1_000, "mentors": 200, "objective": "max_total"}),
    ("scipy_dense", {"mentees": 1_000, "mentors": 200}),
    ("ortools_dense", {"mentees": 1_000, "mentors": 200}),
    ("greedy", {"mentees": 1_000, "mentors": 200}),
    ("one_on_one", {"mentees": 1_000, "mentors": 200, "objective": "fair"}),
    ("stable", {"mentees": 5_000, "mentors": 1_000, "list_length": 50}),
    ("peer", {"people": 500}),
    ("circles", {"mentees": 500, "facilitators": 85}),
]


def _dense_scores(mentees: int, mentors: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Return the full score matrix (NaN = not allowed) and capacities, as baselines need."""
    population = synthetic_population(mentees, mentors, seed=1)
    prepared = prepare_mentor_pairs(population.mentees, population.mentors, weights=Weights(),
                                    rules=Rules(), text_vectors=population.text_vectors)
    matrix = prepared.scorer.block(slice(0, mentees)).astype(np.float64)
    return np.rint(matrix * 1e6) / 1e6, prepared.capacities


def run_case(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """Run one case in this process and return its figures."""
    row: dict[str, Any] = {"case": kind, **params}
    if kind == "one_on_one":
        population = synthetic_population(params["mentees"], params["mentors"], seed=1)
        started = time.perf_counter()
        result = match_one_on_one(population.mentees, population.mentors,
                                  objective=params["objective"],
                                  text_vectors=population.text_vectors)
        row.update(seconds=time.perf_counter() - started, matched=result.matched_count,
                   total=result.total_score, min=result.min_score, gap=result.optimality_gap,
                   solve=result.stats.get("flow_seconds"),
                   note=f"scoring+candidates {result.stats['candidates_seconds']:.1f} s, "
                        f"{int(result.stats['solves'])} solves (first "
                        f"{result.stats['first_flow_seconds']:.2f} s), "
                        f"proof {result.stats.get('proof_seconds', 0):.1f} s, "
                        f"bottleneck {result.stats.get('bottleneck_seconds', 0):.1f} s; "
                        f"candidates {int(result.stats['candidate_pairs'])}, "
                        f"re-scored rows {int(result.stats.get('rows_rescored', 0))}, "
                        f"added {int(result.stats.get('pairs_added', 0))}")
    elif kind in {"scipy_dense", "ortools_dense", "greedy"}:
        started = time.perf_counter()
        matrix, capacities = _dense_scores(params["mentees"], params["mentors"])
        scored = time.perf_counter()
        rows, cols = globals()[f"_{kind}"](matrix, capacities)
        scores = matrix[rows, cols]
        row.update(seconds=time.perf_counter() - started, solve=time.perf_counter() - scored,
                   matched=len(rows), total=float(scores.sum()),
                   min=float(scores.min()) if len(rows) else None, gap=None)
    elif kind == "stable":
        population = synthetic_population(params["mentees"], params["mentors"], seed=1)
        prepared = prepare_mentor_pairs(population.mentees, population.mentors,
                                        weights=Weights(), rules=Rules(),
                                        text_vectors=population.text_vectors)
        started = time.perf_counter()
        match, match_score, stats = stable_on_space(prepared.scorer, prepared.capacities,
                                                    list_length=params["list_length"])
        matched = match >= 0
        row.update(seconds=time.perf_counter() - started, matched=int(matched.sum()),
                   total=float(match_score[matched].sum()),
                   min=float(match_score[matched].min()), gap=None,
                   solve=stats.get("deferred_acceptance_seconds"),
                   note=f"lists {stats['lists_seconds']:.1f} s; "
                        f"second pass {int(stats.get('second_pass_matches', 0))}")
    elif kind == "peer":
        population = synthetic_population(0, 0, n_peers=params["people"], seed=1)
        started = time.perf_counter()
        result = match_peers(population.peers, text_vectors=population.text_vectors)
        row.update(seconds=time.perf_counter() - started, matched=result.matched_count,
                   total=result.total_score, min=result.min_score, gap=result.optimality_gap,
                   note=f"upper bound {result.upper_bound:.3f}")
    elif kind == "networkx_peer":
        import networkx as nx

        from mentora.matching.engine.constraints import forbidden_pairs
        from mentora.matching.engine.features import encode_profiles, project_text_vectors
        from mentora.matching.engine.peer import PEER_WEIGHTS
        from mentora.matching.engine.scoring import ProfileScorer
        from mentora.matching.engine.sparse import SparsePairs

        population = synthetic_population(0, 0, n_peers=params["people"], seed=1)
        peers = sorted(population.peers, key=lambda p: p.id)
        ids = [p.id for p in peers]
        profiles = [p.profile for p in peers]
        text = project_text_vectors(np.stack([population.text_vectors[i] for i in ids]), 32)
        encoding = encode_profiles(profiles, profiles, PEER_WEIGHTS, Rules(), left_text=text,
                                   right_text=text)
        none = SparsePairs(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0),
                           n_rows=len(ids))
        scorer = ProfileScorer(encoding, n_left=len(ids), n_right=len(ids),
                               forbidden=forbidden_pairs(ids, ids, [p.avoid for p in peers],
                                                         [p.avoid for p in peers], Rules()),
                               bonus=none, symmetric=True)
        matrix = scorer.block(slice(0, len(ids))).astype(np.float64)
        started = time.perf_counter()
        graph = nx.Graph()
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                if np.isfinite(matrix[a, b]):
                    graph.add_edge(a, b, weight=int(np.rint(matrix[a, b] * 1e6)) + 1)
        matching = nx.max_weight_matching(graph, maxcardinality=True)
        scores = [matrix[min(a, b), max(a, b)] for a, b in matching]
        row.update(seconds=time.perf_counter() - started, matched=len(matching),
                   total=float(sum(scores)), min=float(min(scores)), gap=None,
                   note="networkx blossom on the full graph, same scores")
    elif kind == "circles":
        population = synthetic_population(params["mentees"], params["facilitators"], seed=1)
        started = time.perf_counter()
        result = form_circles(population.mentees, population.mentors, min_size=5, max_size=7,
                              text_vectors=population.text_vectors)
        row.update(seconds=time.perf_counter() - started,
                   matched=sum(len(c.members) for c in result.circles),
                   total=result.mean_alignment, min=None, gap=None,
                   note=f"{len(result.circles)} circles, alignment {result.mean_alignment:.3f}, "
                        f"diversity {result.mean_diversity:.3f}, common time "
                        f"{int(result.stats['with_common_time'])}/{len(result.circles)}")
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def _scipy_dense(matrix: np.ndarray[Any, Any], capacities: np.ndarray[Any, Any],
                 ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Dense Hungarian algorithm with one column per mentor slot (max matches, then total)."""
    from scipy.optimize import linear_sum_assignment

    slots = np.repeat(np.arange(len(capacities)), capacities)
    bonus = matrix.shape[0] + 1.0
    weight = np.where(np.isfinite(matrix), matrix + bonus, 0.0)[:, slots]
    rows, slot_cols = linear_sum_assignment(weight, maximize=True)
    used = weight[rows, slot_cols] > 0
    return rows[used], slots[slot_cols[used]]


def _ortools_dense(matrix: np.ndarray[Any, Any], capacities: np.ndarray[Any, Any],
                   ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """OR-Tools min-cost flow on every allowed pair (max flow, then min cost)."""
    from ortools.graph.python import min_cost_flow

    n_left, n_right = matrix.shape
    rows, cols = np.nonzero(np.isfinite(matrix))
    source, sink = n_left + n_right, n_left + n_right + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(n_left, source), rows, np.arange(n_right) + n_left])
    heads = np.concatenate([np.arange(n_left), cols + n_left, np.full(n_right, sink)])
    capacity = np.concatenate([np.ones(n_left + len(rows), np.int64), capacities])
    cost = np.concatenate([np.zeros(n_left, np.int64),
                           -np.rint(matrix[rows, cols] * 1e6).astype(np.int64),
                           np.zeros(n_right, np.int64)])
    flow.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32),
                                              capacity, cost)
    flow.set_node_supply(source, n_left)
    flow.set_node_supply(sink, -n_left)
    flow.solve_max_flow_with_min_cost()
    chosen = np.flatnonzero(flow.flows(np.arange(n_left, n_left + len(rows))) > 0)
    return rows[chosen], cols[chosen]


def _greedy(matrix: np.ndarray[Any, Any], capacities: np.ndarray[Any, Any],
            ) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Best pair first while mentee and mentor are free (fast, not optimal)."""
    rows, cols = np.nonzero(np.isfinite(matrix))
    order = np.argsort(-matrix[rows, cols], kind="stable")
    left = capacities.copy()
    taken = np.zeros(matrix.shape[0], dtype=bool)
    out_rows, out_cols = [], []
    for row, col in zip(rows[order].tolist(), cols[order].tolist(), strict=True):
        if not taken[row] and left[col] > 0:
            taken[row] = True
            left[col] -= 1
            out_rows.append(row)
            out_cols.append(col)
    return np.array(out_rows, np.int64), np.array(out_cols, np.int64)


def _format(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def main() -> None:
    """Run every case in a child process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--only", help="run only cases whose name and size match this regex")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.case:
        print(json.dumps(run_case(arguments.case, json.loads(arguments.params))))
        return
    header = ("case", "size", "seconds", "solve s", "peak MB", "matched", "total", "min", "gap",
              "note")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for kind, params in QUICK if arguments.quick else FULL:
        if arguments.only and not re.search(arguments.only, f"{kind} {json.dumps(params)}"):
            continue
        done = subprocess.run([sys.executable, __file__, "--case", kind, "--params",
                               json.dumps(params)], capture_output=True, text=True, check=False,
                              env={**os.environ, "PYTHONHASHSEED": "0"})
        if done.returncode != 0:
            print(f"{kind} | {params} | failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        size = " × ".join(str(v) for k, v in params.items() if isinstance(v, int))
        label = kind + (f" ({params['objective']})" if "objective" in params else "")
        print(" | ".join([label, size, _format(row["seconds"], 2), _format(row.get("solve"), 2),
                          _format(row["peak_mb"], 0), str(row["matched"]),
                          _format(row["total"]), _format(row["min"]),
                          _format(row["gap"], 6), row.get("note", "")]), flush=True)


if __name__ == "__main__":
    main()
