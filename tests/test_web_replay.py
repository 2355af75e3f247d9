"""A shared network made again: ``origin`` in GET /api/network, POST /api/network/replay.

A shared link names its network by the weights' checksum and says where it came
from. These tests check that the server tells the origin truthfully (start, trained
with these settings, edited), and that replaying the settings or loading the saved
run gives a new session bit for bit the same weights, while bad requests get a 4xx
with one clear message.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette")
with warnings.catch_warnings():  # starlette 1.x suggests httpx2 for its TestClient
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from glassnet.app.experiment import RunSettings, run  # noqa: E402
from glassnet.store.modelfile import array_checksum  # noqa: E402
from glassnet.store.runs import RunsDatabase  # noqa: E402
from glassnet.web import create_app  # noqa: E402
from glassnet.web.app import DEFAULT_SETTINGS, LIVE_DEFAULTS  # noqa: E402
from glassnet.web.validation import InvalidInput  # noqa: E402

PORT = 8124
BASE = f"http://127.0.0.1:{PORT}"
WAIT_SECONDS = 60  # generous deadline for a tiny training; never a timing assertion
SMALL = {"hidden": [8], "epochs": 3, "seed": 7}


@pytest.fixture(scope="module")
def network():
    return run(RunSettings(hidden=(8,), epochs=5), catch_interrupt=False).network


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("runs") / "runs.db"


@pytest.fixture(scope="module")
def app(network, db_path):
    return create_app(network, db_path=db_path, port=PORT)


def new_client(app) -> TestClient:
    """A new browser: its own cookie, so its own session (at first the server's network)."""
    return TestClient(app, base_url=BASE)


def train(client: TestClient, body: dict) -> dict:
    """Train live, wait for the end; the finished training's outcome."""
    assert client.post("/api/training/start", json=body).status_code == 202
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        status = client.get("/api/training").json()
        if status["state"] in ("finished", "failed"):
            assert status["state"] == "finished", status
            return status["outcome"]
        time.sleep(0.05)
    raise AssertionError("the training did not finish")


@pytest.fixture(scope="module")
def trained(app) -> tuple[dict, dict]:
    """One live training of small settings: (its outcome, GET /api/network after it)."""
    client = new_client(app)
    outcome = train(client, {**SMALL, "pace": 0.01})
    return outcome, client.get("/api/network").json()


def test_the_starting_network_says_it_is_the_start(app, network):
    answer = new_client(app).get("/api/network").json()
    assert answer["origin"] == {"kind": "start", "settings": None, "run_id": None}
    assert answer["weights_sha256"] == array_checksum(network.parameters())


def test_a_trained_network_reports_its_settings_and_saved_run(trained):
    outcome, answer = trained
    origin = answer["origin"]
    assert origin["kind"] == "trained" and origin["run_id"] == outcome["run_id"] is not None
    assert origin["settings"] == RunSettings.from_dict(origin["settings"]).to_dict()
    assert (origin["settings"]["hidden"], origin["settings"]["epochs"],
            origin["settings"]["seed"]) == ([8], 3, 7)


def test_replaying_the_settings_gives_the_same_weights_in_a_new_session(app, trained):
    _, shared = trained
    opener = new_client(app)
    assert opener.get("/api/network").json()["weights_sha256"] != shared["weights_sha256"]
    response = opener.post("/api/network/replay", json={
        "settings": shared["origin"]["settings"], "expect_sha256": shared["weights_sha256"]})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["replayed"] == "settings"
    assert answer["weights_sha256"] == shared["weights_sha256"]
    assert answer["layers"] == shared["layers"]
    assert answer["origin"]["kind"] == "trained"
    assert answer["origin"]["settings"] == shared["origin"]["settings"]
    assert answer["previous"] is not None  # the starting network is one step back
    # A replay is not a new experiment: no run is recorded for it.
    assert answer["origin"]["run_id"] is None


def test_a_network_trained_with_a_recipe_replays_with_that_recipe(app):
    """The fast recipe's float32 and weight averaging come back with its name."""
    trainer = new_client(app)
    train(trainer, {"recipe": "fast", "hidden": [8], "epochs": 2, "seed": 3, "pace": 0.01})
    shared = trainer.get("/api/network").json()
    settings = shared["origin"]["settings"]
    assert (settings["recipe"], settings["dtype"]) == ("fast", "float32")
    response = new_client(app).post("/api/network/replay", json={
        "settings": settings, "expect_sha256": shared["weights_sha256"]})
    assert response.status_code == 200, response.text
    assert response.json()["weights_sha256"] == shared["weights_sha256"]


def test_replaying_a_saved_run_loads_its_model(app, trained, db_path):
    outcome, shared = trained
    opener = new_client(app)
    response = opener.post("/api/network/replay", json={"run_id": outcome["run_id"]})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["replayed"] == "run_id"
    assert answer["weights_sha256"] == shared["weights_sha256"]
    assert answer["origin"] == shared["origin"]
    back = opener.post("/api/network/previous", json={}).json()
    assert back["origin"]["kind"] == "start"


def test_a_network_stopped_by_hand_replays_with_the_epochs_it_ran(app):
    """Asked for 8 epochs (averaged from 5), stopped after 5 or more: averaging had begun,
    so the replay must average from epoch 5 too, not from 3 as 5 epochs asked for would."""
    client = new_client(app)
    assert client.post("/api/training/start",
                       json={"hidden": [8], "epochs": 8, "seed": 3, "pace": 0.4}
                       ).status_code == 202
    deadline = time.monotonic() + WAIT_SECONDS
    while len(client.get("/api/training").json()["epochs"]) < 5:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    client.post("/api/training/stop", json={})
    while client.get("/api/training").json()["state"] != "finished":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    shared = client.get("/api/network").json()
    ran = client.get("/api/training").json()["outcome"]["epochs"]
    assert shared["origin"]["settings"]["epochs"] == ran < 8 and ran >= 5
    assert shared["origin"]["settings"]["average_from"] == 5
    again = new_client(app).post("/api/network/replay",
                                 json={"settings": shared["origin"]["settings"]}).json()
    assert again["weights_sha256"] == shared["weights_sha256"]
    # Loaded again from its saved run, it tells the same settings, which replay too.
    loaded = new_client(app).post("/api/network/replay",
                                  json={"run_id": shared["origin"]["run_id"]}).json()
    assert loaded["origin"]["settings"] == shared["origin"]["settings"]
    assert new_client(app).post("/api/network/replay", json={
        "settings": loaded["origin"]["settings"], "expect_sha256": loaded["weights_sha256"],
    }).status_code == 200


def test_an_edit_is_scored_on_the_test_digits_of_the_network_s_own_training(app):
    """A training's test digits depend on its seed: after a knockout or an edit, the
    accuracy is measured on the digits the trained accuracy was measured on."""
    client = new_client(app)
    train(client, {"hidden": [8], "epochs": 3, "seed": 11})
    trained = client.get("/api/network").json()["test_accuracy"]
    knocked = client.post("/api/knockout", json={"layer": 0, "neuron": 0}).json()
    assert knocked["with"]["test_accuracy"] == trained
    assert client.post("/api/reset", json={}).json()["test_accuracy"] == trained
    assert client.post("/api/backprop/step", json={"numbers": [0.5] * 64, "label": 3}
                       ).status_code == 200
    undone = client.post("/api/backprop/undo", json={}).json()  # the trained weights again
    assert undone["test_accuracy"] == trained


def test_an_edited_network_cannot_be_replayed_until_reset(app, trained):
    _, shared = trained
    client = new_client(app)
    client.post("/api/network/replay", json={"run_id": trained[0]["run_id"]})
    assert client.post("/api/weight", json={"layer": 0, "row": 0, "column": 0,
                                            "value": 3.5}).status_code == 200
    edited = client.get("/api/network").json()
    assert edited["origin"] == {"kind": "edited", "settings": None, "run_id": None}
    assert client.post("/api/reset", json={}).status_code == 200
    assert client.get("/api/network").json()["origin"] == shared["origin"]


def test_a_replay_with_another_checksum_is_refused_and_changes_nothing(app, trained):
    outcome, shared = trained
    client = new_client(app)
    before = client.get("/api/network").json()
    wrong = "0" * 64
    for body in ({"settings": shared["origin"]["settings"], "expect_sha256": wrong},
                 {"run_id": outcome["run_id"], "expect_sha256": wrong}):
        response = client.post("/api/network/replay", json=body)
        assert response.status_code == 409
        assert "other weights" in response.json()["error"]
        after = client.get("/api/network").json()
        assert (after["weights_sha256"], after["version"]) == (before["weights_sha256"],
                                                               before["version"])


def test_a_server_that_trains_its_own_network_reports_its_settings(network, monkeypatch):
    # create_app without a network trains DEFAULT_SETTINGS (a stand-in here, for speed).
    monkeypatch.setattr("glassnet.web.app.default_network", lambda data=None: network)
    client = TestClient(create_app(port=PORT), base_url=BASE)
    origin = client.get("/api/network").json()["origin"]
    assert origin == {"kind": "start", "settings": DEFAULT_SETTINGS.to_dict(), "run_id": None}
    # ... and they are settings the explorer replays, by its own rules and limits.
    explorer = client.app.state.explorer
    assert explorer.replay_settings(origin["settings"]) == DEFAULT_SETTINGS


def test_a_shorter_live_training_averages_the_recipe_share_and_replays(app):
    """The default averages the last 31 of its 60 epochs; 6 asked for average the last 3.

    Before, average_from stayed at epoch 30, so a run shorter than 30 epochs averaged
    nothing and nothing said so. A network trained then (its average_from the recipe's)
    is still made again as it was.
    """
    explorer = app.state.explorer
    settings = explorer.settings_from({"hidden": [8], "epochs": 6})
    assert (settings.epochs, settings.average_from) == (6, 4)
    assert explorer.settings_from({}).average_from == LIVE_DEFAULTS.average_from
    assert explorer.settings_from({"epochs": 120}).average_from == 59
    client = new_client(app)
    train(client, {"hidden": [8], "epochs": 6, "seed": 1, "pace": 0})
    trained = client.get("/api/network").json()["origin"]["settings"]
    assert (trained["epochs"], trained["average_from"]) == (6, 4)
    old = {**settings.to_dict(), "average_from": LIVE_DEFAULTS.average_from}
    assert explorer.replay_settings(old).average_from == LIVE_DEFAULTS.average_from
    # A run asked for 8 epochs and stopped after 6 averaged from 5: that replays too.
    assert explorer.replay_settings({**old, "average_from": 5}).average_from == 5
    for never in (None, 1, 3, True, 4.0, "4", 10**40):  # no explorer run averages so
        with pytest.raises(InvalidInput, match="settings.average_from .* is not one the "
                                               "explorer averages 6 epochs"):
            explorer.replay_settings({**old, "average_from": never})


@pytest.mark.parametrize("body, status, fragment", [
    ({}, 422, "send run_id, settings, or both"),
    ({"run_id": None}, 422, "send run_id, settings, or both"),  # null is no run
    ({"settings": {**SMALL, "seed": -1}, "run_id": 1}, 422, "settings: seed"),
    ({"settings": [8]}, 422, "settings must be an object"),
    ({"settings": {**SMALL, "colour": "red"}}, 422, "unknown field(s) colour"),
    ({"settings": {**SMALL, "epochs": 100_000}}, 422, "settings: epochs"),
    ({"settings": {**SMALL, "patience": 3}}, 422, "settings.patience must be 10"),
    ({"settings": {**SMALL, "data": "csv:/etc/passwd"}}, 422, "settings.data must be"),
    ({"settings": {**SMALL, "average_from": 0}}, 422, "average_from"),
    ({"settings": {**SMALL, "average_from": "x"}}, 422, "average_from"),
    ({"settings": SMALL, "expect_sha256": "abc"}, 422, "64 hex digits"),
    ({"run_id": "1"}, 422, "run_id"),
    ({"run_id": 0}, 422, "run_id"),
    ({"run_id": 999_999}, 404, "there is no run 999999"),
    ({"run_id": 1, "path": "/etc/passwd"}, 422, "unknown field(s) path"),
])
def test_bad_replay_requests_get_a_clear_4xx(app, trained, body, status, fragment):
    response = new_client(app).post("/api/network/replay", json=body)
    assert response.status_code == status, response.text
    assert fragment in response.json()["error"]


def test_with_both_the_saved_run_is_taken_only_with_the_expected_weights(app, trained):
    outcome, shared = trained
    settings = shared["origin"]["settings"]
    client = new_client(app)
    same = client.post("/api/network/replay", json={
        "run_id": outcome["run_id"], "settings": settings,
        "expect_sha256": shared["weights_sha256"]}).json()
    assert same["replayed"] == "run_id" and same["weights_sha256"] == shared["weights_sha256"]
    # Another server's run with this number (here: another checksum, or no such run)
    # is passed over for the settings, trained again and taken whatever their checksum.
    for body in ({"run_id": outcome["run_id"], "expect_sha256": "0" * 64},
                 {"run_id": 999_999, "expect_sha256": shared["weights_sha256"]}):
        answer = new_client(app).post("/api/network/replay",
                                      json={**body, "settings": settings})
        assert answer.status_code == 200, answer.text
        assert answer.json()["replayed"] == "settings"
        assert answer.json()["weights_sha256"] == shared["weights_sha256"]


def test_a_run_whose_model_is_not_beside_the_database_is_not_loaded(app, trained, db_path,
                                                                    tmp_path):
    outcome, _ = trained
    elsewhere = tmp_path / "model.npz"
    with RunsDatabase(db_path) as database:
        record = database.get_run(outcome["run_id"])
        elsewhere.write_bytes(Path(record["model_path"]).read_bytes())
        copy = database.record_run(record["settings"], record["history"], record["scores"],
                                   source="cli", model_path=elsewhere)
    response = new_client(app).post("/api/network/replay", json={"run_id": copy})
    assert response.status_code == 404
    assert "no model saved beside" in response.json()["error"]


def test_a_server_without_runs_has_no_saved_run(network):
    client = TestClient(create_app(network, port=PORT), base_url=BASE)
    response = client.post("/api/network/replay", json={"run_id": 1})
    assert response.status_code == 404 and "keeps no saved runs" in response.json()["error"]


def test_the_saved_runs_are_listed_newest_first_without_paths(app, trained, db_path, tmp_path):
    outcome, _ = trained
    runs = new_client(app).get("/api/runs").json()["runs"]
    listed = [run["run_id"] for run in runs]
    assert outcome["run_id"] in listed and listed == sorted(listed, reverse=True)
    mine = next(run for run in runs if run["run_id"] == outcome["run_id"])
    assert (mine["hidden"], mine["epochs"], mine["seed"], mine["source"]) == ([8], 3, 7,
                                                                             "explorer")
    assert mine["test_accuracy"] == outcome["test_accuracy"]
    assert not any(str(db_path.parent) in str(value) for run in runs for value in run.values())
    # A run whose model is elsewhere cannot be loaded, so it is not offered.
    with RunsDatabase(db_path) as database:
        record = database.get_run(outcome["run_id"])
        elsewhere = database.record_run(record["settings"], record["history"],
                                        record["scores"], source="cli",
                                        model_path=tmp_path / "elsewhere.npz")
    assert elsewhere not in [run["run_id"] for run in
                             new_client(app).get("/api/runs").json()["runs"]]


def test_a_server_without_runs_lists_none(network):
    client = TestClient(create_app(network, port=PORT), base_url=BASE)
    assert client.get("/api/runs").json() == {"runs": []}
