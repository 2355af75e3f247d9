"""The explorer's JSON API, through Starlette's TestClient: every endpoint, every refusal.

The server is the only place where the explorer computes anything, so these tests
check both that each endpoint answers with the core's numbers (the same as calling
``Network.trace`` or ``numerical_slope`` directly) and that everything a local
server must refuse is refused with the right status and a clear JSON message.
"""

from __future__ import annotations

import json
import re
import time
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("starlette")
with warnings.catch_warnings():  # starlette 1.x suggests httpx2 for its TestClient
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import glassnet as gn  # noqa: E402
from glassnet.app.experiment import RunSettings, run, split_data  # noqa: E402
from glassnet.data.preprocess import prepare_image  # noqa: E402
from glassnet.errors import ConfigError, ServerBusy, SessionConflict  # noqa: E402
from glassnet.store.runs import RunsDatabase  # noqa: E402
from glassnet.web import create_app  # noqa: E402
from glassnet.web.inspection import (  # noqa: E402
    DRAWN_WEIGHTS,
    STRONGEST_CONNECTIONS,
    describe_network,
)
from glassnet.web.sessions import COOKIE_NAME  # noqa: E402

PORT = 8123
BASE = f"http://127.0.0.1:{PORT}"
WAIT_SECONDS = 60  # generous deadline for a tiny training; never a timing assertion


@pytest.fixture(scope="module")
def network() -> gn.Network:
    return run(RunSettings(hidden=(8,), epochs=5), catch_interrupt=False).network


@pytest.fixture(scope="module")
def app(network, tmp_path_factory):
    db = tmp_path_factory.mktemp("runs") / "runs.db"
    return create_app(network, db_path=db, port=PORT)


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app, base_url=BASE)


def vertical_bar(side: int = 140) -> list[list[float]]:
    """A canvas with a thick vertical stroke: a 1."""
    pixels = np.zeros((side, side))
    pixels[15:125, 62:78] = 1.0
    return pixels.tolist()


def ring(side: int = 140) -> list[list[float]]:
    """A canvas with an ellipse outline: a 0."""
    rows, cols = np.mgrid[0:side, 0:side]
    distance = ((rows - 70) / 55) ** 2 + ((cols - 70) / 38) ** 2
    return ((distance > 0.6) & (distance < 1.0)).astype(float).tolist()


def wait_until_finished(client: TestClient) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        status = client.get("/api/training").json()
        if status["state"] in ("finished", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError("training did not finish")


def wait_for_state(client: TestClient, state: str) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        status = client.get("/api/training").json()
        if status["state"] == state:
            return status
        time.sleep(0.02)
    raise AssertionError(f"training never reached {state}")


# ---------------------------------------------------------------------- the page
def test_index_page_has_the_stable_test_hooks(client):
    response = client.get("/")
    assert response.status_code == 200
    for hook in ("draw-pad", "clear", "guess", "input-8x8", "train-start", "test-accuracy"):
        assert f'data-testid="{hook}"' in response.text
    assert "http://" not in response.text and "https://" not in response.text  # works offline


def test_static_files_are_served_with_a_strict_content_security_policy(client):
    for path in ("/static/app.js", "/static/app.css"):
        response = client.get(path)
        assert response.status_code == 200
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/../app.py").status_code == 404


def test_info_lists_choices_and_limits(client):
    info = client.get("/api/info").json()
    assert info["choices"]["optimizer"] == list(gn.OPTIMIZERS)
    assert info["choices"]["loss"] == list(gn.LOSSES)
    assert info["limits"]["hidden_units"] >= 64
    assert info["data"]["images"] == 1797


def test_network_describes_every_weight(client, network):
    answer = client.get("/api/network").json()
    assert answer["sizes"] == network.sizes
    assert len(answer["layers"]) == 2
    first = np.array(answer["layers"][0]["weights"])
    assert first.shape == (64, 8)
    np.testing.assert_allclose(first, network.layers[0].W, atol=1e-4)


# ---------------------------------------------------------------------- drawing
def test_predict_prepares_the_drawing_and_traces_it_through_the_core(client, network):
    pixels = vertical_bar()
    answer = client.post("/api/predict", json={"pixels": pixels}).json()
    assert answer["ink"] is True
    prepared = prepare_image(np.array(pixels), ink="high")
    assert np.array(answer["box32"]).shape == (32, 32)
    assert answer["counts"] == prepared.counts.tolist()
    np.testing.assert_allclose(answer["numbers"], prepared.x, atol=1e-4)
    trace = network.trace(prepared.x)
    for layer, expected_z, expected_a in zip(answer["layers"], trace.weighted_sums,
                                             trace.activations, strict=True):
        np.testing.assert_allclose(layer["weighted_sums"], expected_z[0], atol=1e-3)
        np.testing.assert_allclose(layer["activations"], expected_a[0], atol=1e-3)
    assert answer["guess"] == network.predict(prepared.x)[0]
    assert len(answer["outputs"]) == 10 and answer["classes"] == list(range(10))


def test_network_sends_every_connection_when_a_layer_has_few(client, network):
    """"Show every connection" on a small network: every weight, largest first."""
    answer = client.get("/api/network").json()
    for shown, layer in zip(answer["layers"], network.layers, strict=True):
        assert shown["connections"] == layer.W.size <= DRAWN_WEIGHTS
        assert sorted((i, j) for i, j, _ in shown["strongest"]) == [
            (i, j) for i in range(layer.n_in) for j in range(layer.n_out)]
        sizes = [abs(w) for _, _, w in shown["strongest"]]
        assert sizes == sorted(sizes, reverse=True)
        for i, j, w in shown["strongest"]:
            assert w == pytest.approx(layer.W[i, j], abs=1e-4)


def test_the_largest_network_sends_only_its_strongest_connections():
    """256-256-256: at most DRAWN_WEIGHTS lines per layer pair, and none left out is larger."""
    big = gn.Network([64, 256, 256, 256, 10], seed=1)
    layers = describe_network(big)["layers"]
    assert [layer["connections"] for layer in layers] == [16_384, 65_536, 65_536, 2_560]
    assert [len(layer["strongest"]) for layer in layers] == [
        DRAWN_WEIGHTS, DRAWN_WEIGHTS, DRAWN_WEIGHTS, 2_560]
    for shown, layer in zip(layers, big.layers, strict=True):
        kept = {(i, j) for i, j, _ in shown["strongest"]}
        assert len(kept) == len(shown["strongest"])  # no connection twice
        left_out = [abs(layer.W[i, j]) for i in range(layer.n_in) for j in range(layer.n_out)
                    if (i, j) not in kept]
        weakest_kept = min(abs(w) for _, _, w in shown["strongest"])
        assert not left_out or max(left_out) <= weakest_kept + 1e-4


def test_predict_serves_each_neurons_strongest_contributions(client, network):
    """The diagram's default lines: per neuron the largest |w_ij a_i|, computed here."""
    x = np.array(client.post("/api/predict", json={"example": 3}).json()["numbers"])
    answer = client.post("/api/predict", json={"numbers": x.tolist()}).json()
    trace = network.trace(x)
    incoming = [x, *(a[0] for a in trace.activations[:-1])]
    assert len(answer["connections"]) == len(network.layers)
    for shown, layer, a_in in zip(answer["connections"], network.layers, incoming, strict=True):
        terms = layer.W * a_in[:, None]
        per_neuron = min(STRONGEST_CONNECTIONS, layer.n_in)
        assert len(shown) == per_neuron * layer.n_out
        for i, j, contribution in shown:
            assert contribution == pytest.approx(terms[i, j], abs=1e-4)
            weakest_kept = min(abs(c) for _, k, c in shown if k == j)
            others = np.delete(np.abs(terms[:, j]), [s[0] for s in shown if s[1] == j])
            assert weakest_kept >= others.max() - 1e-4  # nothing left out was larger


def test_an_empty_canvas_gets_a_clear_message_not_an_error(client):
    response = client.post("/api/predict", json={"pixels": np.zeros((50, 50)).tolist()})
    assert response.status_code == 200
    assert response.json() == {"ink": False, "message": "no ink found: draw a digit on the pad"}


def test_predict_takes_64_numbers_or_a_training_example(client, network):
    data = gn.load_digits()
    answer = client.post("/api/predict", json={"example": 5}).json()
    assert answer["label"] == int(data.y[5])
    np.testing.assert_allclose(answer["numbers"], data.X[5], atol=1e-4)
    by_numbers = client.post("/api/predict", json={"numbers": data.X[5].tolist()}).json()
    assert by_numbers["outputs"] == answer["outputs"]


@pytest.mark.parametrize("body, fragment", [
    ({}, "exactly one of"),
    ({"pixels": vertical_bar(), "numbers": [0.0] * 64}, "exactly one of"),
    ({"pixels": [[0.5, 2.0]]}, "between 0 and 1"),
    ({"pixels": [[0.5, -0.1]]}, "between 0 and 1"),
    ({"pixels": [[0.5, 0.2], [0.1]]}, "rectangular"),
    ({"pixels": [[0.5, "x"]]}, "only numbers"),
    ({"pixels": [[True, 0.0]]}, "only numbers"),
    ({"pixels": np.zeros((281, 10)).tolist()}, "rows"),
    ({"pixels": "a.png"}, "rows"),
    ({"pixels": []}, "rows"),
    ({"numbers": [0.1] * 63}, "exactly 64"),
    ({"example": 1797}, "between 0 and 1796"),
    ({"example": 1.5}, "whole number"),
    ({"path": "/etc/passwd"}, "unknown field"),
])
def test_predict_rejects_invalid_input_with_422(client, body, fragment):
    response = client.post("/api/predict", json=body)
    assert response.status_code == 422
    assert fragment in response.json()["error"]


def test_a_network_whose_values_overflow_is_refused_in_words_not_a_500():
    # A model file may hold weights of 1e306: finite, but a drawing's sums overflow.
    network = gn.Network([64, 4, 10], seed=0)
    network.set_weights(0, np.full((64, 4), 1e306))
    client = TestClient(create_app(network, port=PORT), base_url=BASE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's, on the way to the check
        for path, body in [("/api/predict", {"numbers": [0.5] * 64}), ("/api/slope", {}),
                           ("/api/neuron", {"numbers": [0.5] * 64, "layer": 0, "neuron": 0})]:
            response = client.post(path, json=body)  # each was a 500: JSON has no inf
            assert response.status_code == 422, path
            assert "overflowed (to inf or NaN) here" in response.json()["error"]
            assert response.headers["Cache-Control"] == "no-store"
    # Answers a handler writes itself are refused the same way: a hop of the slope lab.
    signs = np.sign(np.random.default_rng(0).standard_normal((64, 4)))
    network.set_weights(0, signs * 1e200)
    client = TestClient(create_app(network, port=PORT), base_url=BASE,
                        raise_server_exceptions=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert client.post("/api/slope", json={}).status_code == 200
        response = client.post("/api/slope/hop", json={})  # was a 500
    assert response.status_code == 422
    assert "overflowed (to inf or NaN) here" in response.json()["error"]


# ---------------------------------------------------------------------- one neuron
def test_neuron_writes_its_weighted_sum_out(client, network):
    numbers = gn.load_digits().X[0]
    answer = client.post("/api/neuron", json={"layer": 0, "neuron": 3,
                                              "numbers": numbers.tolist()}).json()
    assert np.array(answer["picture"]).shape == (8, 8)
    np.testing.assert_allclose(np.array(answer["picture"]).reshape(64),
                               network.layers[0].W[:, 3], atol=1e-4)
    total = answer["sum"]
    assert len(total["terms"]) == 64
    assert sum(t["product"] for t in total["terms"]) + total["bias"] == pytest.approx(
        total["weighted_sum"], abs=1e-2)
    z = network.trace(numbers).weighted_sums[0][0, 3]
    assert total["weighted_sum"] == pytest.approx(z, abs=1e-4)
    assert total["value"] == pytest.approx(max(z, 0.0), abs=1e-4)  # relu
    values = [d["value"] for d in answer["exciting"]]
    assert len(values) == 8 and values == sorted(values, reverse=True)
    # The input that excites it most: ink exactly where its weights are positive.
    exciting = answer["exciting_input"]
    assert exciting["image"] == (network.layers[0].W[:, 3] > 0).astype(float).tolist()
    assert exciting["value"] >= values[0]  # no training digit excites it more


def test_a_deeper_neuron_is_excited_most_by_an_input_climbed_to(client, network):
    answer = client.post("/api/neuron", json={"layer": 1, "neuron": 4}).json()
    exciting = answer["exciting_input"]
    image = np.array(exciting["image"])
    assert image.shape == (64,) and ((0 <= image) & (image <= 1)).all()
    assert exciting["value"] >= answer["exciting"][0]["value"]
    assert exciting["value"] == pytest.approx(network.forward(image)[0, 4], abs=1e-3)


def test_output_neuron_has_its_label_and_no_picture(client):
    answer = client.post("/api/neuron", json={"layer": 1, "neuron": 7}).json()
    assert answer["is_output"] is True and answer["label"] == 7
    assert "picture" not in answer and "sum" not in answer
    assert len(answer["weights"]) == 8


@pytest.mark.parametrize("body", [
    {"layer": 2, "neuron": 0}, {"layer": 0, "neuron": 8}, {"layer": -1, "neuron": 0},
    {"layer": 0}, {"layer": "0", "neuron": 0}, {"layer": 0, "neuron": 0, "numbers": [2.0] * 64},
])
def test_neuron_rejects_neurons_that_do_not_exist(client, body):
    response = client.post("/api/neuron", json=body)
    assert response.status_code == 422
    assert response.json()["error"]


@pytest.mark.parametrize(("body", "message"), [
    ({"layer": 2, "neuron": 0}, "layer must be between 0 and 1, got 2"),  # a 64-8-10 network
    ({"layer": 7, "neuron": 0}, "layer must be between 0 and 1, got 7"),
    ({"layer": 0, "neuron": 8}, "neuron must be between 0 and 7, got 8"),
    ({"layer": 1, "neuron": 10}, "neuron must be between 0 and 9, got 10"),
])
def test_neuron_rejections_give_the_ranges_of_this_network(client, body, message):
    assert client.post("/api/neuron", json=body).json()["error"] == message


# ---------------------------------------------------------------------- live training
def test_live_training_status_carries_the_axes_of_its_loss_chart(client):
    client.post("/api/training/start", json={"hidden": [8], "epochs": 12, "seed": 1})
    status = wait_until_finished(client)
    axes = status["loss_axes"]  # the page draws these; it chooses no tick itself
    assert axes["x_axis"]["low"] == 1 and axes["x_axis"]["high"] == 12
    assert [t["label"] for t in axes["x_axis"]["ticks"]] == ["2", "4", "6", "8", "10", "12"]
    highest = max(max(e["train_loss"], e["validation_loss"]) for e in status["epochs"])
    y_axis = axes["y_axis"]
    assert y_axis["low"] == 0.0 and highest < y_axis["high"] <= 1.06 * highest
    values = [t["value"] for t in y_axis["ticks"]]
    assert values[0] == 0.0 and values[-1] <= y_axis["high"] and len(values) >= 3
    assert all(t["label"] == f"{t['value']:.{len(t['label'].partition('.')[2])}f}"
               for t in y_axis["ticks"])  # "0.2", never "0.2000000001"


@pytest.mark.parametrize(("low", "high", "labels"), [
    (1, 12, ["2", "4", "6", "8", "10", "12"]),
    (1, 3, ["1", "2", "3"]),  # never 1.5 or 2.5 epochs
    (1, 100, ["20", "40", "60", "80", "100"]),
])
def test_epoch_ticks_are_whole_numbers(low, high, labels):
    from glassnet.web.axes import axis_ticks

    assert [t["label"] for t in axis_ticks(low, high, 6, whole=True)] == labels


def test_live_training_runs_adopts_the_network_and_records_the_run(app, client):
    client.post("/api/predict", json={"example": 0})
    before = client.get("/api/network").json()
    response = client.post("/api/training/start", json={"hidden": [12], "epochs": 3, "seed": 1})
    assert response.status_code == 202
    status = wait_until_finished(client)
    assert status["state"] == "finished"
    assert [e["epoch"] for e in status["epochs"]] == [1, 2, 3]
    outcome = status["outcome"]
    assert 0.0 <= outcome["test_accuracy"] <= 1.0
    assert np.array(outcome["confusion"]).shape == (10, 10)
    assert np.array(outcome["confusion"]).sum() == outcome["n_test"]
    assert len(outcome["weights"]) == 12 and len(outcome["weights"][0]) == 64
    after = client.get("/api/network").json()
    assert after["sizes"] == [64, 12, 10] and after["version"] == before["version"] + 1
    assert client.post("/api/predict", json={"example": 0}).json()["version"] == after["version"]
    with RunsDatabase(app.state.explorer.db_path) as database:
        recorded = database.get_run(outcome["run_id"])
    assert recorded["source"] == "explorer"
    assert recorded["test_accuracy"] == pytest.approx(outcome["test_accuracy"])
    saved = gn.load(recorded["model_path"])  # saved next to the database, like glassnet train
    assert saved.sizes == [64, 12, 10]
    np.testing.assert_allclose(np.array(after["layers"][0]["weights"]), saved.layers[0].W,
                               atol=1e-4)


def test_the_network_reports_its_test_accuracy(app, network):
    answer = TestClient(app, base_url=BASE).get("/api/network").json()
    _, _, test_part = split_data(RunSettings(), gn.load_digits())  # seed 0, 20% held out
    assert answer["test_accuracy"] == gn.evaluate(network, test_part).accuracy
    assert answer["previous"] is None


def test_the_previous_network_is_kept_and_one_swap_brings_it_back(app):
    client = TestClient(app, base_url=BASE)
    start = client.get("/api/network").json()
    assert client.post("/api/training/start", json={"hidden": [], "epochs": 2}).status_code == 202
    outcome = wait_until_finished(client)["outcome"]
    trained = client.get("/api/network").json()
    assert trained["sizes"] == [64, 10]
    assert trained["test_accuracy"] == outcome["test_accuracy"]  # its own run's test digits
    assert trained["previous"] == {"sizes": start["sizes"],
                                   "test_accuracy": start["test_accuracy"]}

    back = client.post("/api/network/previous", json={})
    assert back.status_code == 200
    answer = back.json()
    assert answer["sizes"] == start["sizes"] and answer["layers"] == start["layers"]
    assert answer["test_accuracy"] == start["test_accuracy"]
    assert answer["version"] == trained["version"] + 1  # the page redraws on a new version
    assert answer["previous"] == {"sizes": [64, 10], "test_accuracy": outcome["test_accuracy"]}
    predicted = client.post("/api/predict", json={"example": 0}).json()
    assert predicted["version"] == answer["version"] and len(predicted["layers"]) == 2

    forward = client.post("/api/network/previous", json={}).json()  # a second swap undoes it
    assert forward["sizes"] == [64, 10] and forward["layers"] == trained["layers"]


def test_going_back_needs_a_previous_network(app):
    client = TestClient(app, base_url=BASE)
    response = client.post("/api/network/previous", json={})
    assert response.status_code == 409
    assert response.json()["error"] == "there is no previous network yet: train one first"
    assert COOKIE_NAME not in response.cookies  # a refused write makes no session
    assert client.post("/api/network/previous", json={"to": 1}).status_code == 422


def test_going_back_forgets_the_slope_lab_of_the_network_left(app):
    client = TestClient(app, base_url=BASE)
    client.post("/api/training/start", json={"hidden": [3], "epochs": 1})
    wait_until_finished(client)
    assert client.post("/api/slope", json={}).status_code == 200
    client.post("/api/network/previous", json={})
    assert client.post("/api/slope/hop", json={}).status_code == 409


def test_info_lists_the_recipes_with_their_live_settings(client):
    info = client.get("/api/info").json()
    assert info["choices"]["recipe"] == list(gn.RECIPES) == ["default", "fast", "best"]
    recipes = info["recipes"]
    live_defaults = {name: value for name, value in info["defaults"].items()
                     if name not in ("learning_rates", "pace")}
    assert recipes["default"]["settings"] == live_defaults  # 60 epochs, as the form's
    assert recipes["best"]["settings"] == gn.settings_for("best", patience=10).to_dict()
    assert recipes["fast"]["summary"] == gn.RECIPES["fast"].summary
    limits = info["limits"]
    for recipe in recipes.values():  # every recipe fits the explorer's limits
        assert recipe["settings"]["epochs"] <= limits["epochs"]
        assert max(recipe["settings"]["hidden"]) <= limits["hidden_units"]


def test_live_training_of_a_recipe_keeps_its_other_settings_and_records_it(app, client):
    response = client.post("/api/training/start", json={"recipe": "fast", "epochs": 2})
    assert response.status_code == 202
    outcome = wait_until_finished(client)["outcome"]
    assert client.get("/api/network").json()["sizes"] == [64, 64, 10]
    with RunsDatabase(app.state.explorer.db_path) as database:
        recorded = database.get_run(outcome["run_id"])["settings"]
    # Two epochs average the same share of the run as the recipe's 8 do (the last 6).
    assert recorded == gn.settings_for("fast", patience=10).for_epochs(2).to_dict()
    assert recorded["average_from"] == 1
    assert recorded["recipe"] == "fast" and recorded["dtype"] == "float32"


def test_live_training_of_a_recipe_with_another_optimizer_uses_its_rate(app):
    explorer = app.state.explorer
    settings = explorer.settings_from({"recipe": "fast", "optimizer": "sgd"})
    assert settings.learning_rate is None and settings.input_noise == 0.0
    assert explorer.settings_from({"recipe": "fast"}).learning_rate == 0.025
    assert explorer.settings_from({}) == explorer.settings_from({"recipe": "default"})


def test_live_training_defaults_are_the_measured_ones(client):
    defaults = client.get("/api/info").json()["defaults"]
    assert defaults["epochs"] == 60 and defaults["hidden"] == [32]
    assert defaults["pace"] == 0.05  # 60 epochs watched in 3 s (bench/live.py)
    assert defaults["average_from"] <= defaults["epochs"]  # weight averaging takes part


def test_the_event_stream_replays_every_epoch_and_ends_with_done(client):
    assert client.post("/api/training/start", json={"hidden": [4], "epochs": 2}).status_code == 202
    wait_until_finished(client)
    with client.stream("GET", "/api/training/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = [block for block in text.strip().split("\n\n") if block.startswith("id:")]
    kinds = [block.split("\n")[1].removeprefix("event: ") for block in events]
    assert kinds[0] == "started" and kinds[-1] == "done"
    assert kinds.count("epoch") == 2
    done = json.loads(events[-1].split("\n")[2].removeprefix("data: "))
    assert "test_accuracy" in done
    with client.stream("GET", "/api/training/events", headers={"Last-Event-ID": "2"}) as response:
        later = "".join(response.iter_text())
    assert "event: started" not in later and "event: done" in later


def test_pause_step_resume_and_stop(client):
    response = client.post("/api/training/start", json={"hidden": [4], "epochs": 300})
    assert response.status_code == 202
    assert client.post("/api/training/start", json={}).status_code == 409  # one at a time
    assert client.post("/api/training/pause", json={}).status_code == 200
    paused = wait_for_state(client, "paused")
    done_so_far = len(paused["epochs"])
    assert client.post("/api/training/step", json={}).status_code == 200
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        status = client.get("/api/training").json()
        if status["state"] == "paused" and len(status["epochs"]) == done_so_far + 1:
            break
        time.sleep(0.02)
    else:
        raise AssertionError("step did not run exactly one epoch and pause")
    time.sleep(0.2)
    assert len(client.get("/api/training").json()["epochs"]) == done_so_far + 1  # still paused
    assert client.post("/api/training/resume", json={}).json()["state"] == "running"
    assert client.post("/api/training/stop", json={}).status_code == 200
    status = wait_until_finished(client)
    assert status["outcome"]["stop_reason"] == "stopped"  # the Stop button, by name
    assert len(status["epochs"]) < 300


def test_a_pace_spaces_the_epochs_and_pause_still_answers(client):
    response = client.post("/api/training/start", json={"hidden": [4], "epochs": 50,
                                                         "pace": 2.0})
    assert response.status_code == 202
    client.post("/api/training/pause", json={})
    paused = wait_for_state(client, "paused")  # the pace's wait is cut short by the pause
    epochs = len(paused["epochs"])
    assert 1 <= epochs <= 2  # with 2 s between epochs, 50 epochs cannot have run
    client.post("/api/training/stop", json={})
    assert wait_until_finished(client)["outcome"]["epochs"] == epochs


def test_a_failed_training_reports_its_error_and_keeps_the_network(app, monkeypatch):
    def diverging(*args, **kwargs):
        raise gn.TrainingDiverged("the loss became nan in epoch 3: the steps are too big")

    monkeypatch.setattr("glassnet.web.livetraining.run", diverging)
    client = TestClient(app, base_url=BASE)
    before = client.get("/api/network").json()
    assert client.post("/api/training/start", json={"epochs": 5}).status_code == 202
    status = wait_until_finished(client)
    assert status["state"] == "failed"
    assert "steps are too big" in status["outcome"]["error"]
    after = client.get("/api/network").json()
    assert after["version"] == before["version"] and after["sizes"] == before["sizes"]
    with client.stream("GET", "/api/training/events") as response:
        assert "event: failed" in "".join(response.iter_text())


def test_a_really_diverging_training_is_refused_and_never_adopted(app):
    """Learning rate 10 (the explorer's largest) 'finished' at 9.7% and replaced the network."""
    client = TestClient(app, base_url=BASE)
    before = client.get("/api/network").json()
    answer = client.post("/api/training/start", json={"learning_rate": 10, "epochs": 30})
    assert answer.status_code == 202
    status = wait_until_finished(client)
    assert status["state"] == "failed"
    outcome = status["outcome"]
    assert outcome["diverged"] is True
    assert outcome["error"].startswith("Training diverged in epoch ")
    assert "try a learning rate of 0.2" in outcome["error"]
    assert outcome["error"].endswith("The explorer keeps the network it had.")
    after = client.get("/api/network").json()
    assert after["version"] == before["version"] and after["sizes"] == before["sizes"]
    assert after["test_accuracy"] == before["test_accuracy"] and after["previous"] is None


def test_pause_and_stop_cut_a_long_pace_short():
    from glassnet.web.livetraining import LiveTraining

    job = LiveTraining(RunSettings(hidden=(4,), epochs=5), gn.load_digits(), pace=3600.0)
    job.start()
    job.wait_for_event(1, WAIT_SECONDS)  # the first epoch is done; an hour's pace begins
    job.pause()
    deadline = time.monotonic() + WAIT_SECONDS
    while job.state != "paused" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.state == "paused"
    job.stop()
    job.join(WAIT_SECONDS)
    assert job.state == "finished" and job.result.history.epochs == 1


def test_training_controls_need_a_training(app):
    fresh = TestClient(app, base_url=BASE)
    assert fresh.get("/api/training").json()["state"] == "idle"
    response = fresh.post("/api/training/pause", json={})
    assert response.status_code == 409 and "no training" in response.json()["error"]
    assert fresh.get("/api/training/events").status_code == 404
    assert fresh.post("/api/training/explode", json={}).status_code == 404


@pytest.mark.parametrize("body, fragment", [
    ({"hidden": [1000]}, "between 1 and 256"),
    ({"hidden": [8, 8, 8, 8]}, "at most 3"),
    ({"hidden": "64,32"}, "list"),
    ({"epochs": 301}, "between 1 and 300"),
    ({"epochs": 0}, "between 1 and 300"),
    ({"batch_size": 10_000}, "between 1 and 512"),
    ({"learning_rate": -1}, "between"),
    ({"optimizer": "magic"}, "one of: sgd, adam, slope_descent"),
    ({"activation": "softmax"}, "one of: relu, tanh, sigmoid"),
    ({"loss": "hinge"}, "one of"),
    ({"optimizer": "slope_descent", "hidden": [32], "batch_size": 128}, "at most 1,000"),
    ({"optimizer": "slope_descent", "hidden": [], "batch_size": 8}, "at least 128"),
    ({"output": "sigmoid", "loss": "cross_entropy", "seed": -1}, "between 0"),
    ({"early_stopping": "yes"}, "true or false"),
    ({"pace": 3}, "between 0 and 2"),
    ({"pace": "slow"}, "finite number"),
    ({"data": "csv:/etc/passwd"}, "unknown field"),
    ({"recipe": "quick"}, "one of: default, fast, best"),
])
def test_training_settings_are_checked_and_bounded(client, body, fragment):
    response = client.post("/api/training/start", json=body)
    assert response.status_code == 422
    assert fragment in response.json()["error"]


def test_a_number_too_big_for_a_float_is_refused(client):
    response = client.post("/api/training/start", content=b'{"learning_rate": 1e999}',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "finite" in response.json()["error"]


def test_sessions_do_not_see_each_others_training(app):
    first, second = TestClient(app, base_url=BASE), TestClient(app, base_url=BASE)
    assert first.post("/api/training/start", json={"hidden": [4], "epochs": 2}).status_code == 202
    assert second.get("/api/training").json()["state"] == "idle"
    wait_until_finished(first)
    assert first.get("/api/network").json()["sizes"] == [64, 4, 10]
    assert second.get("/api/network").json()["sizes"] == [64, 8, 10]


def test_the_session_cookie_is_random_http_only_and_same_site(app):
    response = TestClient(app, base_url=BASE).post("/api/predict", json={"example": 0})
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(COOKIE_NAME + "=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 40
    other = TestClient(app, base_url=BASE).post("/api/predict", json={"example": 0})
    assert other.headers["set-cookie"].split(";")[0] != cookie.split(";")[0]


@pytest.mark.parametrize("path", ["/", "/api/info", "/api/network", "/api/training",
                                  "/api/training/events", "/api/handset"])
def test_cookie_less_reads_make_no_session(network, path):
    """What a hostile page's <img> tags send: answered, but nothing is made or lost."""
    app = create_app(network, port=PORT)
    for _ in range(20):
        response = TestClient(app, base_url=BASE).get(path)
        assert response.status_code in (200, 404) and "set-cookie" not in response.headers
    assert len(app.state.explorer.sessions) == 0


def test_cookie_less_reads_see_the_default_view(app, network):
    view = TestClient(app, base_url=BASE).get("/api/network").json()
    assert view["sizes"] == network.sizes and view["version"] == 1
    assert TestClient(app, base_url=BASE).get("/api/training").json()["state"] == "idle"


def test_a_refused_write_makes_no_session(network):
    app = create_app(network, port=PORT)
    response = TestClient(app, base_url=BASE).post("/api/predict", json={"example": -1})
    assert response.status_code == 422 and "set-cookie" not in response.headers
    assert len(app.state.explorer.sessions) == 0


def test_the_network_is_described_as_it_was_when_asked_for(network, monkeypatch):
    """GET /api/network describes the weights outside the session's lock, so it takes a
    copy under it: an edit that lands meanwhile must not mix into the description
    (a version with another network's checksum, or weights half updated)."""
    from glassnet.web import app as web_app

    app = create_app(network, port=PORT)
    user = TestClient(app, base_url=BASE)
    asked = user.post("/api/predict", json={"example": 0})  # makes the session
    session = app.state.explorer.sessions.find(user.cookies.get(COOKIE_NAME))
    before = session.network.copy()
    describe = web_app.describe_network

    def edited_meanwhile(described, version):
        session.network.layers[0].W[0, 0] += 1.0  # another request's edit, mid-describe
        return describe(described, version)

    monkeypatch.setattr(web_app, "describe_network", edited_meanwhile)
    answer = user.get("/api/network").json()
    assert asked.status_code == 200
    assert answer["weights_sha256"] == describe_network(before, 1)["weights_sha256"]
    assert answer["layers"][0]["weights"] == describe_network(before, 1)["layers"][0]["weights"]


def hand_set_user(app) -> TestClient:
    user = TestClient(app, base_url=BASE)
    answer = user.post("/api/handset", json={"cell": [3, 3], "weight": -7.5})
    assert answer.status_code == 200 and "set-cookie" in answer.headers
    return user


def test_strangers_cannot_push_a_recent_user_out(network):
    app = create_app(network, max_sessions=2, port=PORT)
    user = hand_set_user(app)
    for _ in range(20):  # hostile cookie-less reads
        TestClient(app, base_url=BASE).get("/api/network")
    assert TestClient(app, base_url=BASE).post("/api/predict",
                                               json={"example": 0}).status_code == 200
    refused = TestClient(app, base_url=BASE).post("/api/predict", json={"example": 0})
    assert refused.status_code == 503 and "set-cookie" not in refused.headers
    assert "the explorer is full" in refused.json()["error"]
    assert 1 <= int(refused.headers["retry-after"]) <= 600
    kept = user.get("/api/handset")
    assert "set-cookie" not in kept.headers and kept.json()["weights"][3][3] == -7.5


def test_a_long_idle_session_makes_room_for_a_new_one(network):
    app = create_app(network, max_sessions=1, port=PORT)
    store = app.state.explorer.sessions
    now = [1000.0]
    store.clock = lambda: now[0]
    user = hand_set_user(app)
    now[0] += store.idle_seconds - 1
    assert TestClient(app, base_url=BASE).post("/api/predict",
                                               json={"example": 0}).status_code == 503
    now[0] += 2
    newcomer = TestClient(app, base_url=BASE).post("/api/predict", json={"example": 0})
    assert newcomer.status_code == 200 and "set-cookie" in newcomer.headers
    forgotten = user.get("/api/handset").json()  # the default view's hand-set weights
    assert forgotten["weights"][3][3] != -7.5


def test_a_training_session_is_never_evicted(network):
    app = create_app(network, max_sessions=1, port=PORT)
    store = app.state.explorer.sessions
    store.idle_seconds = 0.0
    user = TestClient(app, base_url=BASE)
    assert user.post("/api/training/start", json={"hidden": [4], "epochs": 5,
                                                  "pace": 2.0}).status_code == 202
    try:
        refused = TestClient(app, base_url=BASE).post("/api/predict", json={"example": 0})
        assert refused.status_code == 503 and "retry-after" in refused.headers
        assert user.get("/api/training").json()["state"] in ("running", "paused")
    finally:
        user.post("/api/training/stop")
        wait_until_finished(user)


class FakeTraining:
    """Stands in for a LiveTraining: active from start() until stop()."""

    def __init__(self) -> None:
        self.active = False

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False


def test_a_training_never_starts_for_a_forgotten_session(app):
    store = app.state.explorer.sessions
    session = store.create()
    store.discard(session)  # as if evicted while its training/start body arrived
    with pytest.raises(SessionConflict, match="reload"):
        store.start_training(session, FakeTraining)
    assert session.training is None


def test_a_second_start_while_the_first_is_stopping_says_so(app):
    store = app.state.explorer.sessions
    session = store.create()
    first = store.start_training(session, FakeTraining)
    with pytest.raises(SessionConflict, match="already running in this session; stop it first"):
        store.start_training(session, FakeTraining)
    first.state = "stopping"  # Stop was pressed: it ends after its current epoch
    with pytest.raises(SessionConflict, match="stopping after its current epoch"):
        store.start_training(session, FakeTraining)
    first.stop()
    store.discard(session)


def test_the_training_limit_counts_every_running_training(network):
    app = create_app(network, max_trainings=2, port=PORT)
    store = app.state.explorer.sessions
    jobs = [store.start_training(store.create(), FakeTraining) for _ in range(2)]
    with pytest.raises(ServerBusy):
        store.start_training(store.create(), FakeTraining)
    for session in list(store._sessions.values()):
        store.discard(session)  # stops their trainings
    assert not any(job.active for job in jobs)
    assert store.start_training(store.create(), FakeTraining).active


def test_trainings_are_bounded_over_all_sessions(network):
    app = create_app(network, max_trainings=0, port=PORT)
    response = TestClient(app, base_url=BASE).post("/api/training/start", json={"epochs": 1})
    assert response.status_code == 503 and "busy" in response.json()["error"]


# ---------------------------------------------------------------------- one weight's slope
def test_slope_curve_and_both_slopes_agree(client, network):
    row = busiest_hidden_neuron(network)
    answer = client.post("/api/slope", json={"layer": 1, "row": row, "column": 3}).json()
    assert answer["numerical_slope"] != 0.0
    assert len(answer["weights"]) == len(answer["losses"]) == 41
    assert answer["weights"][0] < answer["value"] < answer["weights"][-1]
    assert answer["numerical_slope"] == pytest.approx(answer["gradient"], rel=1e-4, abs=1e-8)
    assert answer["hops"] == []


def busiest_hidden_neuron(network: gn.Network) -> int:
    """The hidden neuron that fires most on the digits (a dead one has a flat curve)."""
    activations = network.trace(gn.load_digits().X).activations[0]
    return int(activations.mean(axis=0).argmax())


def test_hopping_downhill_lowers_the_loss_and_shrinks_after_overshooting(client, network):
    row = busiest_hidden_neuron(network)
    start = client.post("/api/slope", json={"layer": 1, "row": row, "column": 3, "value": 4.0,
                                            "learning_rate": 1.0}).json()
    assert start["value"] == 4.0
    answer = client.post("/api/slope/hop", json={}).json()
    assert answer["loss"] < start["loss"]
    assert answer["hops"][0]["from"] == 4.0
    for _ in range(25):
        answer = client.post("/api/slope/hop", json={"learning_rate": 40.0}).json()
    overshoots = [h for h in answer["hops"] if h["overshot"]]
    assert overshoots, "a hop size of 40 should jump past the bottom"
    assert answer["hop_size"] < 40.0  # halved after each overshoot


def test_slope_starts_at_the_steepest_connection_up_its_valley(app, network):
    client = TestClient(app, base_url=BASE)
    answer = client.post("/api/slope", json={}).json()
    assert answer["chosen_by"] == "steepest"
    images = app.state.explorer.slope_images
    _, gradients = network.backward(images.X, network.targets(images.y), "cross_entropy")
    steepest = max(np.abs(g).max() for g in gradients[0::2])
    layer, row, column = answer["layer"], answer["row"], answer["column"]
    assert abs(gradients[2 * layer][row, column]) == steepest
    assert answer["original"] == pytest.approx(network.layers[layer].W[row, column])
    assert abs(answer["value"] - answer["original"]) == pytest.approx(2.0)  # up its valley
    assert abs(answer["numerical_slope"]) > abs(gradients[2 * layer][row, column])  # steeper
    hopped = client.post("/api/slope/hop", json={}).json()  # hop size 1: a step of |slope|
    assert abs(hopped["value"] - answer["value"]) > 0.1  # a hop you can see
    assert hopped["loss"] < answer["loss"]


def test_slope_needs_all_of_a_connection_or_none(client):
    response = client.post("/api/slope", json={"layer": 0, "row": 3})
    assert response.status_code == 422 and "all of layer, row and column" in response.text


def test_the_slope_chart_keeps_its_axis_and_refits_only_when_asked(client, network):
    row = busiest_hidden_neuron(network)
    start = client.post("/api/slope", json={"layer": 1, "row": row, "column": 3, "value": 2.0,
                                            "learning_rate": 1.0}).json()
    answer = start
    for _ in range(12):  # big hops run off the chart: the axis stays put
        answer = client.post("/api/slope/hop", json={"learning_rate": 400.0}).json()
        assert answer["x_axis"] == start["x_axis"] and answer["weights"] == start["weights"]
    visited = [h["from"] for h in answer["hops"]] + [h["to"] for h in answer["hops"]]
    assert answer["off_chart"] or max(visited) > answer["x_axis"]["high"] \
        or min(visited) < answer["x_axis"]["low"], "hops of 400 should leave a 6-wide axis"
    fitted = client.post("/api/slope/fit", json={}).json()
    assert fitted["x_axis"]["low"] <= min(visited + [fitted["original"]])
    assert fitted["x_axis"]["high"] >= max(visited + [fitted["original"]])
    assert fitted["off_chart"] is False and fitted["hops"] == answer["hops"]


def test_every_overshoot_is_marked(client, network):
    row = busiest_hidden_neuron(network)
    client.post("/api/slope", json={"layer": 1, "row": row, "column": 3, "value": 4.0})
    for _ in range(20):
        answer = client.post("/api/slope/hop", json={"learning_rate": 40.0}).json()
    for hop in answer["hops"]:
        past_the_bottom = hop["slope"] * hop["slope_after"] < 0
        uphill = hop["loss"] > hop["loss_before"]
        assert hop["overshot"] is (past_the_bottom or uphill)
    assert any(h["overshot"] for h in answer["hops"])
    assert not all(h["overshot"] for h in answer["hops"])


def test_slope_axis_ticks_are_round_and_all_different(client):
    answer = client.post("/api/slope", json={}).json()
    for axis in (answer["x_axis"], answer["y_axis"]):
        labels = [t["label"] for t in axis["ticks"]]
        assert len(labels) >= 3 and len(set(labels)) == len(labels)
        assert all(axis["low"] <= t["value"] <= axis["high"] for t in axis["ticks"])


@pytest.mark.parametrize(("low", "high", "labels"), [
    (0.0262, 0.0271, ["0.0262", "0.0264", "0.0266", "0.0268", "0.0270"]),  # the range
    (-3.2, 2.9, ["-3", "-2", "-1", "0", "1", "2"]),
    (0.0, 1.0, ["0.00", "0.25", "0.50", "0.75", "1.00"]),
])
def test_axis_ticks_have_the_digits_their_spacing_needs(low, high, labels):
    from glassnet.web.axes import axis_ticks

    assert [t["label"] for t in axis_ticks(low, high)] == labels


def test_slope_fit_needs_a_connection(app):
    assert TestClient(app, base_url=BASE).post("/api/slope/fit", json={}).status_code == 409


def test_slope_changes_only_a_copy_of_the_network(client):
    before = client.get("/api/network").json()["layers"][1]["weights"][2][3]
    client.post("/api/slope", json={"layer": 1, "row": 2, "column": 3, "value": 5.0})
    client.post("/api/slope/hop", json={})
    assert client.get("/api/network").json()["layers"][1]["weights"][2][3] == before


def test_slope_rejections(app, client):
    assert TestClient(app, base_url=BASE).post("/api/slope/hop", json={}).status_code == 409
    for body in ({"layer": 0, "row": 64, "column": 0}, {"layer": 0, "row": 0, "column": 8},
                 {"layer": 5, "row": 0, "column": 0}, {"layer": 0, "row": 0, "column": 0,
                                                       "learning_rate": 0}):
        assert client.post("/api/slope", json=body).status_code == 422
    for body, message in [  # the ranges of this 64-8-10 network
        ({"layer": 5, "row": 0, "column": 0}, "layer must be between 0 and 1, got 5"),
        ({"layer": 0, "row": 64, "column": 0}, "row must be between 0 and 63, got 64"),
        ({"layer": 1, "row": 0, "column": 10}, "column must be between 0 and 9, got 10"),
    ]:
        assert client.post("/api/slope", json=body).json()["error"] == message


# ---------------------------------------------------------------------- hand-set weights
def test_handset_starts_with_the_source_weights(app):
    answer = TestClient(app, base_url=BASE).get("/api/handset").json()
    weights = np.array(answer["weights"])
    assert (weights[:, 3:5] > 0).all() and (weights[:, :3] < 0).all()
    assert answer["n_zeros"] == 178 and answer["n_ones"] == 182
    assert answer["accuracy"] > 0.9


def test_two_neurons_score_a_0_and_a_1_with_opposite_weights(app):
    client = TestClient(app, base_url=BASE)
    digits = gn.load_digits()
    for digit in (0, 1):
        image = digits.subset(classes=[digit]).X[0].tolist()
        answer = client.post("/api/lesson/two-neurons", json={"numbers": image}).json()
        zero, one = answer["neurons"]
        assert (zero["digit"], one["digit"]) == (0, 1)
        assert np.array_equal(np.array(zero["weights"]), -np.array(one["weights"]))
        assert zero["weighted_sum"] == pytest.approx(-one["weighted_sum"])
        assert answer["winner"] == digit
        assert answer["neurons"][digit]["output"] > answer["neurons"][1 - digit]["output"]
        assert answer["accuracy"] > 0.9
    missing = client.post("/api/lesson/two-neurons", json={})
    assert missing.status_code == 422 and "numbers" in missing.json()["error"]


def test_editing_a_handset_weight_changes_the_output_and_accuracy(app):
    client = TestClient(app, base_url=BASE)
    one = gn.load_digits().subset(classes=[1]).X[0].tolist()
    before = client.post("/api/handset", json={"numbers": one}).json()
    assert before["guess"] == 1
    after = client.post("/api/handset", json={"cell": [3, 3], "weight": -10.0,
                                              "numbers": one}).json()
    assert after["weights"][3][3] == -10.0
    assert after["output"] < before["output"]
    assert after["accuracy"] != before["accuracy"]
    inverse = client.post("/api/handset", json={"preset": "inverse"}).json()
    assert inverse["accuracy"] < 0.2
    biased = client.post("/api/handset", json={"preset": "zero", "bias": 2.0}).json()
    assert biased["bias"] == 2.0 and biased["accuracy_ones"] == 1.0


def test_backprop_shows_every_slope_of_one_drawing_from_the_core(app, network):
    """The loss, each neuron's delta and the first layer's slopes: Network.backward's."""
    client = TestClient(app, base_url=BASE)
    x = gn.load_digits().X[0]  # a 0
    answer = client.post("/api/backprop", json={"numbers": x.tolist(), "label": 0}).json()
    loss, gradients = network.backward(network.check_inputs(x), network.targets([0]))
    assert answer["loss"] == pytest.approx(loss)
    assert [len(d) for d in answer["deltas"]] == network.sizes[1:]
    np.testing.assert_allclose(answer["deltas"][-1], gradients[-1], rtol=1e-3, atol=1e-12)
    assert np.array(answer["slope_pictures"]).shape == (network.sizes[1], 64)
    np.testing.assert_allclose(answer["slope_pictures"], gradients[0].T, rtol=1e-3, atol=1e-12)
    assert answer["label"] == 0 and answer["can_undo"] is False
    wrong = client.post("/api/backprop", json={"numbers": x.tolist(), "label": 7}).json()
    assert wrong["loss"] > answer["loss"]  # calling a 0 a 7 costs more


def test_a_backprop_step_lowers_that_drawings_loss_and_undo_puts_it_back(network):
    app = create_app(network.copy(), port=PORT)
    client = TestClient(app, base_url=BASE)
    x = gn.load_digits().X[3].tolist()  # a 3
    body = {"numbers": x, "label": 3}
    before = client.post("/api/backprop", json=body).json()
    weights_before = client.get("/api/network").json()["layers"]
    stepped = client.post("/api/backprop/step", json={**body, "learning_rate": 0.5}).json()
    assert stepped["loss_before"] == pytest.approx(before["loss"])
    assert stepped["loss_after"] < stepped["loss_before"] and stepped["loss"] < before["loss"]
    assert all(change > 0 for change in stepped["weight_change"])
    assert stepped["version"] == before["version"] + 1 and stepped["can_undo"] is True
    assert 0.0 < stepped["test_accuracy"] <= 1.0
    assert client.get("/api/network").json()["layers"] != weights_before
    undone = client.post("/api/backprop/undo", json=body).json()
    assert undone["loss"] == pytest.approx(before["loss"]) and undone["can_undo"] is False
    assert client.get("/api/network").json()["layers"] == weights_before
    again = client.post("/api/backprop/undo", json={})
    assert again.status_code == 409 and "no step to undo" in again.json()["error"]


def test_undo_keeps_fewer_steps_of_a_large_network(network):
    """Each step keeps a copy of every weight; a session's copies stay within UNDO_BYTES."""
    from glassnet.web.backprop import UNDO_BYTES, UNDO_DEPTH, undo_depth

    large = gn.Network([64, 256, 256, 256, 10], seed=0)  # 149,770 weights, 1.2 MB
    depth = undo_depth(large)
    assert depth == UNDO_BYTES // (large.n_parameters * 8) == 6
    assert undo_depth(network) == UNDO_DEPTH  # a small network keeps all 50
    client = TestClient(create_app(large, port=PORT), base_url=BASE)
    body = {"numbers": gn.load_digits().X[3].tolist(), "label": 3}
    for _ in range(depth + 2):
        assert client.post("/api/backprop/step", json=body).status_code == 200
    for _ in range(depth):
        assert client.post("/api/backprop/undo", json={}).status_code == 200
    assert client.post("/api/backprop/undo", json={}).status_code == 409


def test_a_backprop_step_too_big_is_refused_and_changes_nothing(network):
    app = create_app(network.copy(), port=PORT)
    client = TestClient(app, base_url=BASE)
    body = {"numbers": [1.0] * 64, "label": 3}
    weights = client.get("/api/network").json()["layers"]
    for rate in (100.0, 1e-5, "big"):
        response = client.post("/api/backprop/step", json={**body, "learning_rate": rate})
        if response.status_code == 200:  # finite after all: a real step, take it back
            client.post("/api/backprop/undo", json={})
        else:
            assert response.status_code == 422, response.text
    assert client.get("/api/network").json()["layers"] == weights
    for bad in ({"numbers": [0.5] * 64, "label": 12}, {"numbers": [2.0] * 64, "label": 1},
                {"numbers": [0.5] * 63, "label": 1}, {"numbers": [0.5] * 64}):
        assert client.post("/api/backprop", json=bad).status_code == 422


def test_knocking_out_a_neuron_costs_digits_and_reset_brings_it_back(network):
    app = create_app(network.copy(), port=PORT)
    client = TestClient(app, base_url=BASE)
    trained = client.get("/api/network").json()
    x = gn.load_digits().X[0].tolist()
    assert client.post("/api/reset", json={}).status_code == 409  # nothing changed yet
    answer = client.post("/api/knockout", json={"layer": 0, "neuron": 3}).json()
    assert answer["with"]["test_accuracy"] == pytest.approx(trained["test_accuracy"])
    assert set(answer["with"]["per_class"]) == {str(d) for d in range(10)}
    now = client.get("/api/network").json()
    assert now["version"] == trained["version"] + 1
    assert all(w == 0 for w in now["layers"][1]["weights"][3])  # nothing hears it any more
    assert now["test_accuracy"] == answer["without"]["test_accuracy"]
    # The network a drawing is traced through is the knocked-out one.
    expected = network.copy()
    expected.layers[1].W[3, :] = 0.0
    traced = client.post("/api/predict", json={"numbers": x}).json()
    np.testing.assert_allclose(traced["outputs"], expected.forward(np.array(x))[0], atol=1e-4)
    edited = client.post("/api/weight", json={"layer": 0, "row": 27, "column": 5,
                                              "value": 4.5}).json()
    assert edited["value"] == 4.5
    assert client.get("/api/network").json()["layers"][0]["weights"][27][5] == 4.5
    reset = client.post("/api/reset", json={}).json()
    assert reset["test_accuracy"] == pytest.approx(trained["test_accuracy"])
    assert client.get("/api/network").json()["layers"] == trained["layers"]
    for bad in ({"layer": 1, "neuron": 0}, {"layer": 0, "neuron": 99}, {"layer": 0}):
        assert client.post("/api/knockout", json=bad).status_code == 422  # no output knockout
    assert client.post("/api/weight", json={"layer": 0, "row": 64, "column": 0,
                                            "value": 1}).status_code == 422
    assert client.post("/api/weight", json={"layer": 0, "row": 0, "column": 0,
                                            "value": 11}).status_code == 422


def test_the_handset_says_when_a_drawing_is_neither_0_nor_1(app, network):
    client = TestClient(app, base_url=BASE)
    digits = gn.load_digits()
    guesses = network.predict(digits.X)
    seven = digits.X[(guesses == 7) & (digits.y == 7)][0]
    answer = client.post("/api/handset", json={"numbers": seven.tolist()}).json()
    assert answer["guess"] in (0, 1)  # the neuron still answers...
    assert answer["network_guess"] == 7
    assert answer["neither"].startswith("This neuron only tells 0s from 1s.")  # ...with a warning
    assert "as a 7" in answer["neither"]
    one = digits.X[(guesses == 1) & (digits.y == 1)][0]
    answer = client.post("/api/handset", json={"numbers": one.tolist()}).json()
    assert answer["network_guess"] == 1 and answer["neither"] is None
    assert "neither" not in client.get("/api/handset").json()  # no drawing, nothing to say


@pytest.mark.parametrize("body", [
    {"cell": [8, 0], "weight": 1}, {"cell": [0], "weight": 1}, {"cell": [0, 0]},
    {"cell": [0, 0], "weight": 11}, {"bias": "1"}, {"preset": "magic"}, {"numbers": [0.5]},
])
def test_handset_rejections(client, body):
    assert client.post("/api/handset", json=body).status_code == 422


# ---------------------------------------------------------------------- what the server refuses
@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{PORT}", "127.0.0.1:9999",
                                  "localhost.evil.example", ""])
def test_a_foreign_host_header_is_refused_with_400(client, host):
    response = client.get("/api/info", headers={"host": host})
    assert response.status_code == 400
    assert "Host" in response.json()["error"]


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}"])
def test_loopback_host_headers_are_accepted(client, host):
    assert client.get("/api/info", headers={"host": host}).status_code == 200


def test_an_explicit_host_is_accepted(network):
    app = create_app(network, host="192.168.1.20", port=PORT)
    client = TestClient(app, base_url=f"http://192.168.1.20:{PORT}")
    assert client.get("/api/info").status_code == 200
    assert client.get("/api/info", headers={"host": "10.0.0.1:8123"}).status_code == 400


@pytest.mark.parametrize("origin", ["http://evil.example", f"http://evil.example:{PORT}", "null",
                                    f"https://127.0.0.1:{PORT}", "http://127.0.0.1:1"])
def test_a_foreign_origin_is_refused_with_403(client, origin):
    response = client.post("/api/predict", json={"example": 0}, headers={"origin": origin})
    assert response.status_code == 403


def test_the_servers_own_origin_is_accepted(client):
    response = client.post("/api/predict", json={"example": 0}, headers={"origin": BASE})
    assert response.status_code == 200


def test_a_body_over_1_mb_is_refused_by_its_content_length(client):
    body = b"[" + b"0," * 600_000 + b"0]"
    response = client.post("/api/predict", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_a_streamed_body_over_1_mb_is_refused_by_counting(client):
    def chunks():
        for _ in range(20):
            yield b" " * 100_000

    response = client.post("/api/predict", content=chunks(),
                           headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


@pytest.mark.parametrize(("method", "headers", "status"), [
    ("GET", {"host": "evil.example"}, 400),
    ("POST", {"origin": "http://evil.example"}, 403),
    ("POST", {"content-type": "text/plain"}, 415),
])
def test_the_guard_s_refusals_carry_the_security_headers_too(client, method, headers, status):
    response = client.request(method, "/api/predict", content=b'{"example": 0}',
                              headers={"content-type": "application/json", **headers})
    assert response.status_code == status
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("length", [b"9" * 5000, b"0" * 5000 + b"5", b"0" * 4300 + b"2000000"],
                         ids=["5000 nines", "zeros then 5", "zeros then 2 MB"])
def test_a_content_length_of_5000_digits_is_refused_with_413(app, length):
    # Sent as it is (an ASGI client, not a browser): int() would refuse to read it.
    from concurrent.futures import ThreadPoolExecutor

    import anyio

    answers: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        answers.append(message)

    scope = {"type": "http", "method": "POST", "path": "/api/predict", "raw_path": b"/api/predict",
             "query_string": b"", "scheme": "http", "http_version": "1.1",
             "server": ("127.0.0.1", PORT), "client": ("127.0.0.1", 50000), "root_path": "",
             "headers": [(b"host", f"127.0.0.1:{PORT}".encode()),
                         (b"content-type", b"application/json"),
                         (b"content-length", length)]}
    with ThreadPoolExecutor(1) as thread:  # its own thread: another test's loop may run here
        thread.submit(anyio.run, app, scope, receive, send).result()
    if length.lstrip(b"0") == b"5":  # 5 bytes: not too many, so the app reads the body
        assert answers[0]["status"] == 422  # (empty here): a field is missing, not a 500
    else:
        assert answers[0]["status"] == 413
        assert b"larger than" in answers[1]["body"]


def test_a_wrong_method_is_told_which_are_allowed(client):
    response = client.get("/api/predict")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", None])
def test_anything_but_json_is_refused_with_415(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/api/predict", content=b'{"example": 0}', headers=headers)
    assert response.status_code == 415


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"', b'{"example": NaN}',
                                  b'{"example": Infinity}', b"\xff\xfe", b"[" * 100_000])
def test_malformed_json_is_refused_with_422(client, body):
    response = client.post("/api/predict", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]


def test_an_unexpected_failure_is_a_500_without_a_traceback(network, monkeypatch):
    app = create_app(network, port=PORT)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("glassnet.web.app.trace_input", broken)
    client = TestClient(app, base_url=BASE, raise_server_exceptions=False)
    response = client.post("/api/predict", json={"example": 0})
    assert response.status_code == 500
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.json()["error"].startswith("internal error")


def test_the_explorer_needs_a_64_input_network():
    with pytest.raises(ConfigError, match="64 inputs"):
        create_app(gn.Network([16, 10]))


# ---------------------------------------------------------------------- fuzz
json_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=4),
    max_leaves=30,
)
FIELDS = {
    "/api/predict": ["pixels", "numbers", "example"],
    "/api/neuron": ["layer", "neuron", "numbers"],
    "/api/training/start": ["hidden", "activation", "output", "loss", "optimizer",
                            "learning_rate", "batch_size", "epochs", "seed", "early_stopping",
                            "recipe"],
    "/api/slope": ["layer", "row", "column", "learning_rate", "value"],
    "/api/slope/hop": ["learning_rate"],
    "/api/slope/fit": [],
    "/api/network/previous": [],
    "/api/network/replay": ["settings", "run_id", "expect_sha256"],
    "/api/knockout": ["layer", "neuron"],
    "/api/weight": ["layer", "row", "column", "value"],
    "/api/reset": [],
    "/api/backprop": ["numbers", "label"],
    "/api/backprop/step": ["numbers", "label", "learning_rate"],
    "/api/backprop/undo": ["numbers", "label"],
    "/api/handset": ["cell", "weight", "bias", "preset", "numbers", "weights"],
    "/api/training/pause": [],
    "/api/lesson/two-neurons": ["numbers"],
    "/api/lesson/loss": ["numbers", "label", "example"],
    "/api/lesson/one-image": ["index", "digit", "seed"],
    "/api/lesson/handwriting/score": ["drawings"],
    "/api/lesson/handwriting/train": ["drawings", "epochs", "adopt"],
}


FUZZ_SETTINGS = settings(max_examples=300, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow,
                                                HealthCheck.function_scoped_fixture])


def field_names(path: str) -> st.SearchStrategy[str]:
    """The fields ``path`` takes, and one it does not."""
    return st.sampled_from(FIELDS[path] + ["other"]) if FIELDS[path] else st.just("other")


def assert_a_json_answer_without_5xx(response) -> None:
    # 404: a replay of a saved run this server does not have.
    assert response.status_code in (200, 202, 404, 409, 422, 503), response.text
    assert "error" in response.json() or response.status_code in (200, 202)


@pytest.fixture(scope="module")
def fuzz_client(network):
    # No training may run (max_trainings=0): valid settings get 503 after validation.
    app = create_app(network, port=PORT, max_trainings=0)
    return TestClient(app, base_url=BASE, raise_server_exceptions=False)


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzzed_json_bodies_never_cause_a_server_error(fuzz_client, data):
    path = data.draw(st.sampled_from(sorted(FIELDS)))
    keys = field_names(path)
    body = data.draw(st.one_of(
        st.dictionaries(keys, json_values, max_size=5),
        json_values,
    ))
    response = fuzz_client.post(path, content=json.dumps(body).encode(),
                                headers={"content-type": "application/json"})
    assert_a_json_answer_without_5xx(response)


HUGE_INTEGER = "1" + "0" * 400  # too big for a float: float() would overflow
POST_FIELDS = [(path, name) for path, names in sorted(FIELDS.items()) for name in names]


@pytest.mark.parametrize(("path", "name"), POST_FIELDS)
@pytest.mark.parametrize("literal", [HUGE_INTEGER, "-" + HUGE_INTEGER, "1e999", "9" * 5000])
def test_a_number_too_big_for_a_float_gets_422_in_every_field(fuzz_client, path, name,
                                                              literal):
    for body in (f'{{"{name}": {literal}}}', f'{{"{name}": [{literal}, 1]}}'):
        response = fuzz_client.post(path, content=body.encode(),
                                    headers={"content-type": "application/json"})
        assert response.status_code == 422, response.text
        assert "too big for a float" in response.json()["error"]


@pytest.mark.parametrize("body", ['{"\\ud800": 1}', '{"preset": "\\udfff"}',
                                  '{"cell": "\\ud83d", "weight": 1}'])
def test_a_lone_surrogate_is_quoted_back_in_a_422(fuzz_client, body):
    for path in sorted(FIELDS):
        response = fuzz_client.post(path, content=body.encode(),
                                    headers={"content-type": "application/json"})
        assert response.status_code in (409, 422), response.text
        assert response.json()["error"]


def test_deep_nesting_gets_422(fuzz_client):
    for depth in (33, 900, 100_000):
        body = '{"numbers": ' + "[" * depth + "]" * depth + "}"
        response = fuzz_client.post("/api/predict", content=body.encode(),
                                    headers={"content-type": "application/json"})
        assert response.status_code == 422 and "nested too deeply" in response.json()["error"]


number_literals = st.one_of(
    st.integers().map(str),
    st.integers(min_value=300, max_value=6000).map(lambda n: "-" * (n % 2) + "7" * n),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(-9, 9), st.integers(-2000, 2000)),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e308", "1.8e308", "-0", "0.0"]),
)
string_literals = st.one_of(
    st.text(max_size=8).map(json.dumps),
    st.integers(0xD800, 0xDFFF).map(lambda code: f'"\\u{code:04x}"'),  # lone surrogates
)


def nested(inner: str, depth: int) -> str:
    return "[" * depth + inner + "]" * depth


raw_values = st.one_of(
    number_literals, string_literals,
    st.builds(nested, number_literals | string_literals, st.integers(0, 200)),
)


@FUZZ_SETTINGS
@given(data=st.data())
def test_fuzzed_raw_json_never_causes_a_server_error(fuzz_client, data):
    """JSON that json.dumps would never write: huge numbers, lone surrogates, deep nests."""
    path = data.draw(st.sampled_from(sorted(FIELDS)))
    keys = st.one_of(field_names(path).map(json.dumps), string_literals)
    pairs = data.draw(st.lists(st.tuples(keys, raw_values), max_size=4))
    body = "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"
    response = fuzz_client.post(path, content=body.encode(),
                                headers={"content-type": "application/json"})
    assert_a_json_answer_without_5xx(response)


# ---------------------------------------------------------------------- glassnet explore
@pytest.fixture
def served(monkeypatch, network):
    """Run ``glassnet explore`` without blocking: record what it would serve."""
    from click.testing import CliRunner

    calls: list[dict] = []
    monkeypatch.setattr("glassnet.web.app.serve",
                        lambda app, host, port: calls.append({"app": app, "host": host,
                                                              "port": port}))
    monkeypatch.setattr("glassnet.web.app.default_network", lambda data=None: network)
    return CliRunner(), calls


def test_explore_trains_a_default_network_and_prints_its_address(served, tmp_path):
    from glassnet.cli import main

    runner, calls = served
    result = runner.invoke(main, ["explore", "--port", "0", "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 0, result.output
    assert "training a small" in result.output
    port = calls[0]["port"]
    assert calls[0]["host"] == "127.0.0.1" and port > 0
    assert f"http://127.0.0.1:{port}/" in result.output
    client = TestClient(calls[0]["app"], base_url=f"http://127.0.0.1:{port}")
    assert client.get("/api/info").status_code == 200
    assert TestClient(calls[0]["app"], base_url="http://127.0.0.1:1").get(
        "/api/info").status_code == 400  # the Host must name the real port


def test_explore_loads_a_model_file(served, network, tmp_path):
    from glassnet.cli import main

    runner, calls = served
    path = gn.save(network, tmp_path / "model.npz")
    result = runner.invoke(main, ["explore", str(path), "--port", "0",
                                  "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 0, result.output
    assert "training" not in result.output
    assert calls[0]["app"].state.explorer.network.sizes == network.sizes


def test_explore_refuses_a_runs_database_it_could_not_write_before_it_starts(served,
                                                                           tmp_path):
    import os

    from glassnet.cli import main

    runner, calls = served
    fifo = tmp_path / "runs.db"
    os.mkfifo(fifo)
    result = runner.invoke(main, ["explore", "--port", "0", "--db", str(fifo)])
    assert result.exit_code == 1 and "it is a FIFO" in result.output
    assert calls == [] and "training a small" not in result.output  # nothing was started


def test_explore_takes_a_host_name_or_an_address(served, tmp_path):
    from glassnet.cli import main

    runner, calls = served
    for bad in ("bad host!", "", "a..b"):
        refused = runner.invoke(main, ["explore", "--host", bad, "--port", "0"])
        assert refused.exit_code == 2 and "is not a host name or an IP address" in refused.output
    bracketed = runner.invoke(main, ["explore", "--host", "[::1]", "--port", "0",
                                     "--db", str(tmp_path / "r.db")])
    assert bracketed.exit_code == 0, bracketed.output
    assert calls[-1]["host"] == "::1"  # as a URL writes it, bound as the address it is


def test_explore_needs_a_flag_to_listen_beyond_this_machine(served, tmp_path):
    from glassnet.cli import main

    runner, calls = served
    refused = runner.invoke(main, ["explore", "--host", "0.0.0.0", "--port", "0"])
    assert refused.exit_code == 2 and "--allow-remote" in refused.output and not calls
    allowed = runner.invoke(main, ["explore", "--host", "0.0.0.0", "--allow-remote",
                                   "--port", "0", "--db", str(tmp_path / "r.db")])
    assert allowed.exit_code == 0, allowed.output
    assert "warning: listening on 0.0.0.0" in allowed.output
    assert calls[0]["host"] == "0.0.0.0"


def test_explore_reports_a_port_in_use_in_one_line(served):
    import socket

    from glassnet.cli import main

    runner, calls = served
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["explore", "--port", str(port)])
    assert result.exit_code == 1 and not calls
    assert f"cannot listen on 127.0.0.1:{port}" in result.output


def test_the_network_reports_its_weights_checksum_and_it_follows_the_weights(app):
    client = TestClient(app, base_url=BASE)
    before = client.get("/api/network").json()
    assert re.fullmatch(r"[0-9a-f]{64}", before["weights_sha256"])
    assert client.get("/api/network").json()["weights_sha256"] == before["weights_sha256"]
    first = before["layers"][0]["weights"][0][0]
    moved = client.post("/api/weight", json={"layer": 0, "row": 0, "column": 0,
                                             "value": first + 0.5})
    assert moved.status_code == 200
    assert client.get("/api/network").json()["weights_sha256"] != before["weights_sha256"]


def test_handset_takes_all_64_weights_at_once_and_checks_them(app):
    client = TestClient(app, base_url=BASE)
    weights = [(-1.0) ** i * (i % 5) / 4 for i in range(64)]
    answer = client.post("/api/handset", json={"weights": weights, "bias": 1.5}).json()
    assert [w for row in answer["weights"] for w in row] == weights
    assert answer["bias"] == 1.5
    for bad in (weights[:63], weights + [0.0], ["1"] * 64, [1e9] * 64, "x"):
        refused = client.post("/api/handset", json={"weights": bad})
        assert refused.status_code in (400, 422), bad
        assert "weights" in refused.json()["error"]
    assert [w for row in client.get("/api/handset").json()["weights"] for w in row] == weights
