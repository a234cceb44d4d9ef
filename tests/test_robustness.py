"""No surprises for the host: no writes, no global state, no sklearn at inference,
concurrency, hostile files for the CLI, and properties of the public API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dimtag
import dimtag.tagger as tagger_module
from dimtag import Dimension, Tagger, scores, tag
from dimtag.cli import main
from dimtag.features import has_content

SENTENCES = [
    "学习习近平新时代中国特色社会主义思想不够系统。",
    "政治站位不够高，对意识形态工作重视不够。",
    "专业能力不足，存在本领恐慌。",
    "面对难题不敢担当，存在畏难情绪。",
    "调查研究不深入，形式主义仍有表现。",
    "落实中央八项规定精神不够严格。",
] * 20

# Runs in a fresh interpreter: records every file opened for writing and every
# directory made, then imports dimtag and uses it.
_PROBE = r"""
import json, logging, sys, warnings
writes = []
def hook(event, args):
    if event == "open" and args[1] is not None and any(c in str(args[1]) for c in "wax+"):
        writes.append(str(args[0]))
    elif event in ("os.mkdir", "os.rename", "os.remove", "shutil.rmtree"):
        writes.append(f"{event} {args[0]}")
sys.addaudithook(hook)
import numpy  # numpy adds its own warning filters on import; dimtag must add none
handlers = list(logging.root.handlers)
level = logging.root.level
filters = list(warnings.filters)
loggers = set(logging.Logger.manager.loggerDict)
import dimtag
dimtag.tag("学习不够深入。")
dimtag.scores(["调研不深入。", "廉洁自律不严。"])
dimtag.explain("廉洁自律不严。")
doc = dimtag.tag_document("一、存在的问题\n（一）在理论学习方面。一是学得不深。")
print(json.dumps({
    "writes": writes,
    "sklearn": any(m.startswith("sklearn") for m in sys.modules),
    "jieba": "jieba" in sys.modules,
    "handlers_same": logging.root.handlers == handlers and logging.root.level == level,
    "new_loggers": sorted(set(logging.Logger.manager.loggerDict) - loggers),
    "warnings_same": warnings.filters == filters,
}))
"""


def _probe(env_extra=None, cwd=None):
    env = dict(os.environ, **(env_extra or {}))
    proc = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout), proc.stderr


def test_import_and_inference_write_nothing_and_print_nothing(tmp_path):
    result, stderr = _probe(cwd=tmp_path)
    assert result["writes"] == []
    assert stderr == ""


def test_works_with_unusable_home_and_tmpdir(tmp_path):
    blocked = tmp_path / "a-file-not-a-dir"
    blocked.write_text("")
    result, _ = _probe({"HOME": str(blocked / "home"), "TMPDIR": str(blocked / "tmp"), "XDG_CACHE_HOME": str(blocked)})
    assert result["writes"] == []


def test_no_global_state_changes_and_no_sklearn_or_jieba_at_inference():
    result, _ = _probe()
    assert result["sklearn"] is False, "scikit-learn must stay out of the inference path"
    assert result["jieba"] is False
    assert result["handlers_same"] and result["warnings_same"]
    assert result["new_loggers"] in ([], ["dimtag"], ["dimtag", "dimtag.tagger"])


def test_eight_threads_give_the_serial_results():
    serial = tag(SENTENCES)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: tag(SENTENCES), range(16)))
    assert all(r == serial for r in results)


def _tag_in_worker(texts):
    return [d.value for d in dimtag.tag(texts)]


def test_process_pool_gives_the_serial_results():
    serial = [d.value for d in tag(SENTENCES)]
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_tag_in_worker, [SENTENCES[:60], SENTENCES[60:]]))
    assert results[0] + results[1] == serial


def test_lazy_default_model_is_loaded_once_under_contention(monkeypatch):
    calls = []
    real_load = Tagger.load.__func__
    gate = threading.Event()

    def slow_load(cls, path=None):
        calls.append(path)
        gate.wait(2)
        return real_load(cls, path)

    monkeypatch.setattr(tagger_module, "_default", None)
    monkeypatch.setattr(Tagger, "load", classmethod(slow_load))
    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(tag, "学习不够深入。") for _ in range(8)]
        gate.set()
        assert {f.result() for f in futures} == {Dimension.THEORY}
    assert calls == [None]


# -- hostile files for the CLI ---------------------------------------------


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _assert_clean_failure(code, out, err, *words):
    assert code == 1
    assert out == "", "no partial output"
    assert "Traceback" not in err and err.startswith("dimtag: error:")
    for word in words:
        assert word in err


def test_binary_file(tmp_path, capsys):
    path = tmp_path / "x.txt"
    path.write_bytes(os.urandom(4096) + b"\x00")
    _assert_clean_failure(*_run(capsys, "tag", str(path)), "x.txt", "binary")


def test_huge_file_is_refused_without_reading_it(tmp_path, capsys):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    _assert_clean_failure(*_run(capsys, "tag", str(path)), "huge.txt", "too large")


def test_file_without_newline_is_a_document(tmp_path, capsys):
    path = tmp_path / "oneline.txt"
    path.write_bytes(("对理论学习不够深入。调查研究不深入。" * 2000).encode())
    code, out, err = _run(capsys, "tag", "--format", "jsonl", str(path))
    assert code == 0 and err == "" and len(out.splitlines()) == 4000


def test_directory_symlink_loop(tmp_path, capsys):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("学习不够深入。", encoding="utf-8")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    code, out, err = _run(capsys, "tag", "--format", "jsonl", str(tmp_path))
    assert code == 1 and "Traceback" not in err
    assert "symlink loop" in err
    assert len(out.splitlines()) == 1, "the real file is tagged once"


def test_file_vanishing_mid_run(tmp_path, capsys, monkeypatch):
    import dimtag.cli.tagging as tagging

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("学习不够深入。", encoding="utf-8")
    real = tagging.list_documents

    def listed_then_deleted(inputs, follow_links, output):
        listed = real(inputs, follow_links, output)
        os.unlink(tmp_path / "b.txt")  # gone after the folder was listed
        return listed

    monkeypatch.setattr(tagging, "list_documents", listed_then_deleted)
    code, out, err = _run(capsys, "tag", "--format", "jsonl", str(tmp_path))
    assert code == 1 and "Traceback" not in err
    assert "b.txt" in err and "no such file" in err
    assert [json.loads(line)["file"] for line in out.splitlines()] == [str(tmp_path / "a.txt")]


def test_unreadable_file(tmp_path, capsys, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("学习不够深入。", encoding="utf-8")
    real_open = open

    def guarded_open(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    # Tests run as root in CI, where chmod 000 does not stop reading.
    monkeypatch.setattr("builtins.open", guarded_open)
    _assert_clean_failure(*_run(capsys, "tag", str(path)), "secret.txt", "permission denied")


# -- properties -----------------------------------------------------------

texts = st.text(min_size=1, max_size=300)
# Any text with one Chinese character somewhere: always something to tag.
content_texts = st.builds(lambda a, b: a + "学" + b, st.text(max_size=150), st.text(max_size=150))


@settings(max_examples=150, deadline=None)
@given(texts)
def test_any_str_gives_a_dimension_or_value_error_when_nothing_to_tag(text):
    if has_content(text):
        assert isinstance(tag(text), Dimension)
    else:
        with pytest.raises(ValueError, match="nothing to tag"):
            tag(text)
        assert tag(text, abstain=True) is None


@settings(max_examples=60, deadline=None)
@given(st.lists(content_texts, max_size=12))
def test_batch_equals_map(batch):
    assert tag(batch) == [tag(x) for x in batch]


@settings(max_examples=100, deadline=None)
@given(content_texts)
def test_scores_sum_to_one(text):
    assert sum(scores(text).values()) == pytest.approx(1.0)


def test_tagging_works_when_scikit_learn_cannot_be_imported():
    """Version drift cannot reach the shipped model: it never touches scikit-learn."""
    code = "import sys; sys.modules['sklearn'] = None; import dimtag; print(dimtag.tag('落实一岗双责不到位。'))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "integrity"


def test_fit_without_scikit_learn_names_the_train_extra():
    code = (
        "import sys; sys.modules['sklearn'] = None; from dimtag import Tagger\n"
        "try:\n    Tagger().fit(['学习不够深入。'] * 5 + ['收受礼金。'] * 5, ['theory'] * 5 + ['integrity'] * 5)\n"
        "except ImportError as exc:\n    print(exc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "needs the train extra: pip install 'dimtag[train]'" in proc.stdout
