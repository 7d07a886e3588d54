"""The benchmark's newsroom mix measures answers, not refusals: every one of its URLs is a
200 on the seed, and the editor's correction is a real write that the next read shows. The
results it writes name no credentials and no folder of the machine."""

from fastapi.testclient import TestClient

from bench.mix import FIXTURE_FACT, FIXTURE_SOURCE, NEWSROOM_URLS
from bench.mix import Editor as BenchEditor
from tests.support.editing import Editor


def test_every_newsroom_url_answers_on_the_seed(client: TestClient) -> None:
    assert len(set(NEWSROOM_URLS)) == len(NEWSROOM_URLS) == 20
    for path in NEWSROOM_URLS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])


def test_the_editors_fixture_is_accepted_and_its_correction_is_read(editor: Editor) -> None:
    # The bodies the bench's editor sends, sent here to a fresh seeded database: the fixture
    # source and fact are accepted, and a correction is a new version the next read shows.
    bench_editor = BenchEditor(port=0, token=editor.token)
    assert str(FIXTURE_SOURCE["publisher"]).endswith("(not a real publisher)")
    assert editor.post("/sources", FIXTURE_SOURCE).status_code == 201
    created = editor.post("/facts", bench_editor.fact(0))
    assert created.status_code == 201, created.text
    corrected = {**bench_editor.fact(7), "reason": "Benchmark correction"}
    put = editor.client.put(f"/facts/{FIXTURE_FACT}", json=corrected, headers=editor.auth)
    assert put.status_code == 200, put.text
    read = editor.client.get(f"/facts/{FIXTURE_FACT}").json()
    assert read["version"] == 2
    assert read["quantity"]["value"] == 7


def test_the_results_name_neither_credentials_nor_folders() -> None:
    from bench.__main__ import recorded_command

    argv = ["--before", "/somewhere/older", "--postgres", "postgresql+psycopg://u:secret@h/db"]
    recorded = recorded_command(argv)
    assert "secret" not in recorded and "/somewhere" not in recorded
    assert recorded == (
        "python -m bench --before DIR --postgres postgresql+psycopg://USER:PASSWORD@h/db"
    )
