"""dimtag serve as clients meet it: a real server on a loopback port, a real HTTP client, every endpoint and error."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("starlette")
jsonschema = pytest.importorskip("jsonschema")

from serve_server import assert_problem, running  # noqa: E402

from dimtag import RECORD_FIELDS  # noqa: E402

from conftest import REPO  # noqa: E402

MATERIALS = REPO / "examples" / "materials"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running(tmp_path_factory.mktemp("serve"), "--limit", "read_timeout=2") as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def schema(client):
    return client.get("/openapi.json").json()


def check(schema: dict, name: str, body: object) -> None:
    """``body`` is valid under the schema's component ``name``."""
    jsonschema.Draft202012Validator({**schema, "$ref": f"#/components/schemas/{name}"}).validate(body)


@pytest.fixture(autouse=True)
def nothing_left(server):
    yield
    assert server.leftovers() == [], "a request left files in the temporary folder"
    assert server.proc.poll() is None, "the server stopped"


def materials_files():
    return [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(MATERIALS.glob("*.txt"))]


def test_tag_answers_each_text_in_order_with_scores(client, schema):
    texts = ["对干部违规收受礼品礼金问题监督不够。", "调查研究不深入，听汇报多、下基层少。", "以上发言，请批评指正。", "   "]
    r = client.post("/v1/tag", json={"texts": texts})
    assert r.status_code == 200
    body = r.json()
    check(schema, "TagResponse", body)
    results = body["results"]
    assert [x["index"] for x in results] == [0, 1, 2, 3]
    assert [x["dimension"] for x in results[:2]] == ["integrity", "work_style"]
    assert results[0]["dimension_zh"] == "廉洁自律"
    assert results[3]["dimension"] is None, "nothing to tag abstains"
    for x in results:
        assert abs(sum(x["scores"].values()) - 1) < 1e-3
        assert x["score"] == max(x["scores"].values())
    # The same answers as the library, for the same texts.
    from dimtag import tag

    assert [x["dimension"] for x in results[:3]] == [None if d is None else str(d) for d in tag(texts[:3], abstain=True)]


def test_tag_min_score_one_abstains_on_everything(client):
    r = client.post("/v1/tag", json={"texts": ["学习不够深入。"], "min_score": 1})
    assert r.json()["results"][0]["dimension"] is None


@pytest.mark.parametrize("payload, status, kind", [
    ({"texts": "学习不够深入。"}, 422, "invalid-request"),
    ({"texts": ["a", 3]}, 422, "invalid-request"),
    ({"text": ["a"]}, 422, "invalid-request"),
    ([1, 2], 422, "invalid-request"),
    ({"texts": ["a"], "min_score": 2}, 422, "invalid-option"),
    ({"texts": ["a"], "min_score": "x"}, 422, "invalid-option"),
    ({"texts": ["学"] * 1001}, 413, "too-many-items"),
    ({"texts": ["好", "学" * 10_001]}, 413, "text-too-long"),
])
def test_tag_refuses_bad_requests_with_problems(client, payload, status, kind):
    body = assert_problem(client.post("/v1/tag", json=payload), status, kind)
    if kind == "text-too-long":
        assert body["index"] == 1 and "10,001" in body["detail"]


def test_tag_refuses_other_media_and_broken_json(client):
    assert_problem(client.post("/v1/tag", content=b"texts=a", headers={"content-type": "text/plain"}), 415, "unsupported-media-type")
    assert_problem(client.post("/v1/tag", content=b'{"texts": [', headers={"content-type": "application/json"}), 400, "malformed-json")


def test_unknown_paths_and_methods_are_problems(client):
    assert_problem(client.get("/v2/tag"), 404, "not-found")
    assert_problem(client.get("/v1/tag"), 405, "method-not-allowed")
    assert_problem(client.get("/assets/../../etc/passwd"), 404)
    assert_problem(client.get("/assets/secret.py"), 404, "not-found")


def test_documents_from_uploads_and_text(client, schema):
    files = [("files", ("材料/01_county.txt", (MATERIALS / "01_county.txt").read_bytes(), "text/plain"))]
    r = client.post("/v1/documents", files=files, data={"text": "一、存在的问题\n1.理论学习不够深入，比如今年只读了2本书。"})
    assert r.status_code == 200, r.text
    body = r.json()
    check(schema, "DocumentsResponse", body)
    names = [d["name"] for d in body["documents"]]
    assert names == ["材料/01_county.txt", "text-1.txt"]
    first = body["documents"][0]
    assert list(first["records"][0]) == list(RECORD_FIELDS)
    assert {h["kind"] for h in first["headings"]} >= {"title", "part"}
    assert any(r["dimension"] == "theory" for r in body["documents"][1]["records"])


def test_documents_as_json(client, schema):
    r = client.post("/v1/documents", json={"documents": [{"name": "a.txt", "text": "一、存在的问题\n1.落实一岗双责不到位。"}]})
    check(schema, "DocumentsResponse", r.json())
    assert r.json()["documents"][0]["records"][-1]["dimension"] == "integrity"


def test_documents_list_unreadable_files_and_go_on(client):
    files = [("files", ("bin.txt", bytes(range(256)) * 40, "text/plain")),
             ("files", ("ok.txt", "一、存在的问题\n1.落实一岗双责不到位。".encode(), "text/plain"))]
    body = client.post("/v1/documents", files=files).json()
    assert [d["name"] for d in body["documents"]] == ["ok.txt"]
    assert len(body["skipped"]) == 1 and body["skipped"][0].startswith("bin.txt")


def test_documents_without_documents(client):
    assert_problem(client.post("/v1/documents", files={"other": ("x", b"")}, data={"format": "json"}), 415, "unsupported-file")
    assert_problem(client.post("/v1/documents", data={"min_score": "0.5"}, files={}), 415)
    assert_problem(client.post("/v1/documents", json={"documents": []}), 422, "no-documents")


def test_report_json_has_the_flags_of_the_example_folder(client, schema):
    r = client.post("/v1/report", files=materials_files(), data={"include_html": "true"})
    assert r.status_code == 200, r.text
    body = r.json()
    check(schema, "ReportResponse", body)
    flags = {(f["file"], f["kind"]) for f in body["tables"]["flags"]}
    assert {("05_hospital.txt", "missing"), ("06_company.txt", "vague"), ("03_township.txt", "copied"),
            ("07_community.txt", "copied")} <= flags
    assert "<h1>材料审阅报告</h1>" in body["html"]


def test_report_expect_and_formats(client):
    r = client.post("/v1/report", files=materials_files(), data={"expect": "理论学习,politics", "format": "json"})
    body = r.json()
    assert body["expect"] == ["theory", "politics"]
    assert not any(f["kind"] == "missing" and f["dimension"] == "integrity" for f in body["tables"]["flags"])
    html = client.post("/v1/report", files=materials_files(), headers={"accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html") and "雷同段落" in html.text
    xlsx = client.post("/v1/report", files=materials_files(), data={"format": "xlsx"})
    assert xlsx.headers["content-type"] == XLSX and xlsx.content[:2] == b"PK"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert "问题标记" in book.sheetnames


def test_report_from_one_zip_with_a_folder_and_gbk_names(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(MATERIALS.glob("*.txt")):
            zf.writestr(f"材料/{p.name}", p.read_bytes())
        zf.writestr("材料/说明.pdf", b"%PDF-1.4")
        zf.writestr("XXXXXX.txt", "一、存在的问题\n1.落实一岗双责不到位。".encode())
    # That member's name in GBK without the UTF-8 flag, as Chinese Windows writes it (same length: 10 bytes).
    data = buffer.getvalue().replace(b"XXXXXX.txt", "第九份.txt".encode("gbk"))
    r = client.post("/v1/report", files={"files": ("round.zip", data, "application/zip")})
    body = r.json()
    files = [d["file"] for d in body["tables"]["documents"]]
    assert "round.zip/材料/05_hospital.txt" in files and "round.zip/第九份.txt" in files
    assert any("说明.pdf" in s for s in body["skipped"])


@pytest.mark.parametrize("field, value, kind", [
    ("format", "pdf", "invalid-option"), ("expect", "theory,morale", "invalid-option"), ("formula_share", "1.5", "invalid-option"),
])
def test_report_refuses_bad_options(client, field, value, kind):
    body = assert_problem(client.post("/v1/report", files=materials_files()[:1], data={field: value}), 422, kind)
    assert body["field"] == field


def test_report_with_nothing_readable(client):
    body = assert_problem(client.post("/v1/report", files={"files": ("a.txt", b"\x00\x01" * 500, "text/plain")}), 422, "no-readable-documents")
    assert body["skipped"]


def test_model_and_health(client, schema):
    model = client.get("/v1/model").json()
    check(schema, "ModelInfo", model)
    assert model["labels"] == ["theory", "politics", "ability", "responsibility", "work_style", "integrity"]
    assert model["limits"]["max_items"] == 1000 and model["limits"]["read_timeout"] == 2
    health = client.get("/health").json()
    check(schema, "Health", health)
    assert health["status"] == "UP" and health["model_version"] == model["model_version"]


def test_openapi_names_every_route_and_is_served(schema):
    assert schema["openapi"].startswith("3.1")
    assert set(schema["paths"]) == {"/v1/tag", "/v1/documents", "/v1/report", "/v1/model", "/health", "/setup", "/predict",
                                    "/webhook", "/openapi.json"}
    jsonschema.Draft202012Validator.check_schema({k: v for k, v in schema["components"]["schemas"]["Record"].items()})


def test_problems_match_the_schema(client, schema):
    check(schema, "Problem", client.post("/v1/tag", json={}).json())


def test_cors_is_closed_by_default(client):
    r = client.post("/v1/tag", json={"texts": ["学习不够。"]}, headers={"origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers
    pre = client.options("/v1/tag", headers={"origin": "https://elsewhere.example", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in pre.headers
    assert_problem(pre, 405)


def test_a_rebound_host_name_is_refused_on_loopback(client):
    assert_problem(client.get("/v1/model", headers={"host": "attacker.example"}), 421, "wrong-host")


def test_the_page_is_chinese_and_loads_only_its_own_assets(client):
    page = client.get("/")
    assert page.status_code == 200 and '<html lang="zh-CN">' in page.text
    assert "不保存任何文件" in page.text and "理论学习" in page.text
    assert "http://" not in page.text and "https://" not in page.text, "no CDN"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    for asset in ("page.js", "page.css"):
        r = client.get(f"/assets/{asset}")
        assert r.status_code == 200 and "https://" not in r.text


def test_label_studio_setup_predict_and_webhook(client, schema):
    from dimtag.learn.tasks import label_config

    setup = client.post("/setup", json={"project": "3.1700000000", "schema": label_config(), "hostname": "http://localhost:8080"})
    check(schema, "SetupResponse", setup.json())
    tasks = [{"id": 1, "data": {"text": "落实一岗双责不到位。"}}, {"id": 2, "data": {"text": "学习不够深入。"}}]
    r = client.post("/predict", json={"tasks": tasks, "label_config": label_config(), "project": "3.1700000000", "params": {}})
    body = r.json()
    check(schema, "PredictResponse", body)
    first = body["results"][0]
    choice = first["result"][0]
    assert (choice["from_name"], choice["to_name"], choice["type"]) == ("dimension", "text", "choices")
    assert choice["value"]["choices"] == ["integrity"] and first["score"] == choice["score"] > 0.5
    assert client.post("/webhook", json={"action": "ANNOTATION_CREATED"}).json()["status"] == "ok"


def test_label_studio_config_with_chinese_choices_and_another_field(client):
    config = ('<View><Text name="sentence" value="$句子"/><Choices name="维度" toName="sentence">'
              + "".join(f'<Choice value="{zh}"/>' for zh in ("理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律", "无维度"))
              + "</Choices></View>")
    r = client.post("/predict", json={"tasks": [{"data": {"句子": "落实一岗双责不到位。"}}], "label_config": config})
    result = r.json()["results"][0]["result"]
    assert [(x["from_name"], x["to_name"], x["value"]["choices"]) for x in result] == [("维度", "sentence", ["廉洁自律"])]


@pytest.mark.parametrize("payload, status, kind", [
    ({"tasks": [{"data": {}}]}, 422, "invalid-request"),
    ({"tasks": "x"}, 422, "invalid-request"),
    ({"tasks": [], "label_config": "<View><Choices"}, 422, "bad-label-config"),
    ({"tasks": [], "label_config": '<View><Choices name="x" toName="t"><Choice value="a"/></Choices></View>'}, 422, "bad-label-config"),
    ({"tasks": [{"data": {"text": "a"}}] * 1001}, 413, "too-many-items"),
])
def test_label_studio_errors_are_problems(client, payload, status, kind):
    assert_problem(client.post("/predict", json=payload), status, kind)


def test_setup_refuses_a_config_without_dimensions(client):
    assert_problem(client.post("/setup", json={"schema": "<View/>"}), 422, "bad-label-config")


@pytest.mark.slow  # starts a server of its own
def test_a_token_is_required_everywhere_but_the_page_and_named_origins_may_read(tmp_path):
    origin = "https://oa.example"
    with running(tmp_path, "--cors-origin", origin, env={"DIMTAG_TOKEN": "s3cret"}) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        pre = c.options("/v1/tag", headers={"origin": origin, "access-control-request-method": "POST",
                                            "access-control-request-headers": "authorization,content-type"})
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == origin
        other = c.options("/v1/tag", headers={"origin": "https://elsewhere.example", "access-control-request-method": "POST"})
        assert "access-control-allow-origin" not in other.headers
        r = c.post("/v1/tag", json={"texts": ["学习不够。"]}, headers={"authorization": "Bearer s3cret", "origin": origin})
        assert r.headers["access-control-allow-origin"] == origin
        assert c.get("/health").json()["auth"] is True
        assert c.get("/").status_code == 200
        assert_problem(c.get("/v1/model"), 401, "token-required")
        assert_problem(c.post("/v1/tag", json={"texts": ["a"]}, headers={"authorization": "Bearer wrong"}), 401)
        assert c.post("/v1/tag", json={"texts": ["学习不够。"]}, headers={"authorization": "Bearer s3cret"}).status_code == 200
        # Label Studio sends the token as the password of HTTP Basic.
        assert c.get("/v1/model", auth=("dimtag", "s3cret")).status_code == 200


def test_another_address_without_token_refuses_to_start(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "dimtag.cli", "serve", "--host", "0.0.0.0", "--port", "9"],
                          capture_output=True, text=True, timeout=60, env={k: v for k, v in __import__("os").environ.items() if k != "DIMTAG_TOKEN"})
    assert proc.returncode == 1
    assert "--token" in proc.stderr and "DIMTAG_TOKEN" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow  # starts a server of its own
def test_sigterm_lets_a_request_in_flight_finish(tmp_path):
    import signal
    import threading

    with running(tmp_path) as s:
        answers = []
        thread = threading.Thread(target=lambda: answers.append(httpx.post(s.url + "/v1/report", files=materials_files(), timeout=60)))
        thread.start()
        import time

        deadline = time.monotonic() + 20
        while not s.leftovers() and time.monotonic() < deadline:  # the request's folder exists: it is in flight
            time.sleep(0.01)
        s.proc.send_signal(signal.SIGTERM)
        thread.join(60)
        s.proc.wait(40)
        assert answers and answers[0].status_code == 200
        assert s.leftovers() == []
        assert "Traceback" not in s.log.read_text()


def test_json_shapes_are_utf8_not_escaped(client):
    r = client.post("/v1/tag", json={"texts": ["落实一岗双责不到位。"]})
    assert "廉洁自律" in r.content.decode("utf-8")
    json.loads(r.content)


@pytest.mark.slow  # starts a server of its own
def test_a_request_over_the_time_limit_is_a_problem_and_leaves_nothing(tmp_path):
    import time

    files = [("files", (f"{i}-{name}", data, "text/plain")) for i in range(6) for _, (name, data, _) in materials_files()]
    with running(tmp_path, "--limit", "timeout=0.2") as s, httpx.Client(base_url=s.url, timeout=60) as c:
        body = assert_problem(c.post("/v1/report", files=files), 503, "too-slow")
        assert "0.2 s" in body["detail"]
        deadline = time.monotonic() + 30  # the abandoned work finishes in its thread; its folder is gone already
        while s.leftovers() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert s.leftovers() == []
        assert c.get("/health").status_code == 200
