"""The built wheel carries the model and the domain dictionary."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from conftest import REPO


def test_wheel_ships_model_and_resources(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {proc.stderr.strip()[-200:]}")
    (wheel,) = tmp_path.glob("dimtag-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("dimtag/model/dimtag.npz", "dimtag/model/metadata.json", "dimtag/resources/userdict.txt", "dimtag/py.typed"):
        assert required in names
    assert not any(n.startswith(("tests/", "data/")) for n in names)
