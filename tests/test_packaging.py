"""The built wheel carries the model and the domain dictionary."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import REPO


@pytest.mark.slow  # builds a wheel
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
    for required in ("dimtag/model/metadata.json", "dimtag/resources/userdict.txt", "dimtag/resources/rubric.toml", "dimtag/py.typed",
                     "dimtag/serve/assets/index.html", "dimtag/serve/assets/page.js", "dimtag/serve/assets/page.css"):
        assert required in names
    assert any(n.startswith("dimtag/model/dimtag-") and n.endswith(".npz") for n in names)
    assert not any(n.startswith(("tests/", "data/")) for n in names)
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [line for line in zipfile.ZipFile(wheel).read(meta).decode().splitlines() if line.startswith("Requires-Dist:")]
    core = [r for r in requires if "extra ==" not in r]
    assert core and all(("numpy" in r or "joblib" in r) for r in core), core
    assert any("scikit-learn" in r and 'extra == "train"' in r for r in requires)
    assert any("starlette" in r and 'extra == "serve"' in r for r in requires)
