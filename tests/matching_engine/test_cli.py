"""The JSON interchange format and ``python -m mentora.matching.engine solve``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mentora.matching.engine.__main__ import main

MINIMAL = {"format": "mentora.match/1", "form": "one_on_one", "objective": "max_total",
           "mentors": [{"id": "m1", "capacity": 2}], "mentees": [{"id": "e1"}, {"id": "e2"}],
           "scores": [{"mentee": "e1", "mentor": "m1", "score": 0.8}]}


def _solve(tmp_path: Path, instance: Any, capsys: pytest.CaptureFixture[str],
           ) -> tuple[int, str, str]:
    path = tmp_path / "instance.json"
    path.write_text(instance if isinstance(instance, str) else json.dumps(instance))
    status = main(["solve", str(path)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_the_issue_example_solves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The minimal instance of the format prints the result object and exits 0."""
    status, out, _ = _solve(tmp_path, MINIMAL, capsys)
    result = json.loads(out)
    assert status == 0
    assert result["matches"] == [{"mentee": "e1", "mentor": "m1", "score": 0.8}]
    assert result["unmatched"] == ["e2"]
    assert result["matched_count"] == 1 and result["total_score"] == 0.8
    assert result["min_score"] == 0.8 and result["optimality_gap"] == 0.0
    assert {"seconds", "solver"} <= result.keys()


@pytest.mark.parametrize(("change", "message"), [
    ({"scores": [{"mentee": "nobody", "mentor": "m1", "score": 0.5}]}, "unknown mentee 'nobody'"),
    ({"scores": [{"mentee": "e1", "mentor": "ghost", "score": 0.5}]}, "unknown mentor 'ghost'"),
    ({"mentors": [{"id": "m1", "capacity": -1}]}, "capacity must not be negative"),
    ({"scores": [{"mentee": "e1", "mentor": "m1", "score": 1.5}]}, "must be in [0, 1]"),
    ({"mentees": [{"id": "e1"}, {"id": "e1"}]}, "duplicate mentee id 'e1'"),
    ({"mentors": [{"id": "m1"}, {"id": "m1"}]}, "duplicate mentor id 'm1'"),
    ({"scores": [{"mentee": "e1", "mentor": "m1", "score": 0.5}] * 2}, "duplicate score"),
    ({"format": "other/9"}, "format must be"),
    ({"objective": "best"}, "objective must be"),
    ({"form": "speed_dating"}, "form must be"),
    ({"mentees": [{"id": "e1", "profile": {"skils": {}}}]}, "unknown field 'skils'"),
    ({"scores": [{"mentee": "e1", "mentor": "m1", "score": "high"}]}, "must be a float"),
])
def test_bad_input_exits_2_with_a_clear_message(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                change: dict[str, Any], message: str) -> None:
    """Each kind of bad input is named on stderr; exit status 2 and no traceback."""
    status, out, err = _solve(tmp_path, MINIMAL | change, capsys)
    assert status == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_malformed_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Malformed JSON names the position."""
    status, _, err = _solve(tmp_path, '{"format": ', capsys)
    assert status == 2 and "malformed JSON" in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be read is reported, not raised."""
    assert main(["solve", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_profiles_weights_and_rules_instance(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Profiles with weights and rules instead of scores; explanations are in the output."""
    instance = {
        "format": "mentora.match/1", "form": "one_on_one", "objective": "fair",
        "weights": {"text": 0, "skills": 3}, "rules": {"max_time_zone_gap_hours": 6,
                                                       "manager_of": {"e1": "m2"}},
        "mentors": [{"id": "m1", "capacity": 1, "profile": {"skills_offered": {"sql": 3},
                                                           "time_zone": "Europe/Paris"}},
                    {"id": "m2", "capacity": 1, "profile": {"skills_offered": {"sql": 3}}}],
        "mentees": [{"id": "e1", "profile": {"skills_wanted": {"sql": 2},
                                             "availability": ["Mon 09-11"]}}],
    }
    status, out, _ = _solve(tmp_path, instance, capsys)
    result = json.loads(out)
    assert status == 0
    assert result["matches"][0]["mentor"] == "m1"  # m2 manages e1
    assert result["matches"][0]["explanation"][0]["factor"] == "skills"


def test_peer_instance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``people`` with ``a``/``b`` scores gives peer pairs."""
    instance = {"format": "mentora.match/1", "form": "peer",
                "people": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
                "scores": [{"a": "a", "b": "b", "score": 0.2}, {"a": "c", "b": "b", "score": 0.7}]}
    status, out, _ = _solve(tmp_path, instance, capsys)
    assert status == 0
    assert json.loads(out)["matches"] == [{"a": "b", "b": "c", "score": 0.7}]


def test_module_runs_as_a_command(tmp_path: Path) -> None:
    """``python -m mentora.matching.engine solve FILE`` prints JSON; bad input exits 2."""
    good = tmp_path / "good.json"
    good.write_text(json.dumps(MINIMAL))
    done = subprocess.run([sys.executable, "-m", "mentora.matching.engine", "solve", str(good)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and json.loads(done.stdout)["matched_count"] == 1
    bad = tmp_path / "bad.json"
    bad.write_text("[")
    done = subprocess.run([sys.executable, "-m", "mentora.matching.engine", "solve", str(bad)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and done.stderr.startswith("error:")
    assert "Traceback" not in done.stderr
