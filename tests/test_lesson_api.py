"""The lesson's own routes: the learner's handwriting scored, and a copy trained on it."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("starlette")

with __import__("warnings").catch_warnings():
    __import__("warnings").simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

import glassnet as gn  # noqa: E402
from glassnet.app.experiment import RunSettings, run  # noqa: E402
from glassnet.app.handwriting import split_writer  # noqa: E402
from glassnet.core.metrics import evaluate  # noqa: E402
from glassnet.data.preprocess import prepare_image  # noqa: E402
from glassnet.web import create_app  # noqa: E402
from glassnet.web.lesson_practice import MAX_DRAWING_SIDE, MAX_DRAWINGS, MAX_WRITER_EPOCHS  # noqa: E402

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
SCORE, TRAIN = "/api/lesson/handwriting/score", "/api/lesson/handwriting/train"


@pytest.fixture(scope="module")
def network() -> gn.Network:
    return run(RunSettings(hidden=(8,), epochs=3), catch_interrupt=False).network


@pytest.fixture(scope="module")
def app(network):
    return create_app(network, port=PORT)


@pytest.fixture
def client(app) -> TestClient:
    return TestClient(app, base_url=BASE)


def pad(image: np.ndarray) -> list[list[float]]:
    """An 8x8 digit (ink 0..1) drawn on a 32x32 pad, four pad cells per pixel."""
    return np.kron(image.reshape(8, 8), np.ones((4, 4))).round(2).tolist()


def handwriting(per_digit: int = 2, start: int = 0) -> list[dict]:
    """Real digits drawn on pads: ``per_digit`` of each of 0..9, labelled."""
    data = gn.load_digits()
    drawings = []
    for label in range(10):
        rows = np.flatnonzero(data.y == label)[start:start + per_digit]
        drawings += [{"pixels": pad(data.X[row]), "label": label} for row in rows]
    return drawings


def prepared(drawings: list[dict]) -> np.ndarray:
    return np.vstack([prepare_image(np.array(d["pixels"]), ink="high").x for d in drawings])


def test_score_puts_the_drawings_beside_the_test_images(client, app, network):
    drawings = handwriting()
    answer = client.post(SCORE, json={"drawings": drawings})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    X = prepared(drawings)  # the way /api/predict prepares a drawing
    labels = [d["label"] for d in drawings]
    guesses = [int(g) for g in network.predict(X)]
    assert body["writer"]["guesses"] == guesses
    assert body["writer"]["total"] == len(drawings)
    assert body["writer"]["correct"] == sum(g == y for g, y in zip(guesses, labels, strict=True))
    assert body["writer"]["accuracy"] == pytest.approx(body["writer"]["correct"] / len(drawings))
    assert body["wrong"] == [{"index": i, "label": y, "guess": g}
                             for i, (y, g) in enumerate(zip(labels, guesses, strict=True))
                             if g != y]
    explorer = app.state.explorer
    assert body["test"]["accuracy"] == evaluate(network, explorer.test_part).accuracy
    assert body["test"]["total"] == len(explorer.test_part)
    np.testing.assert_allclose(body["numbers"], X, atol=1e-3)


def test_a_weak_network_gets_some_drawings_wrong_and_says_which(client):
    body = client.post(SCORE, json={"drawings": handwriting(per_digit=3)}).json()
    assert body["wrong"], "a 3-epoch 8-neuron network should miss some of 30 drawings"
    assert all(w["guess"] != w["label"] for w in body["wrong"])


def test_train_changes_a_copy_never_the_explorers_network(client, network):
    before = client.get("/api/network").json()
    answer = client.post(TRAIN, json={"drawings": handwriting(), "epochs": MAX_WRITER_EPOCHS})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["adopted"] is False and body["epochs"] == MAX_WRITER_EPOCHS
    after = client.get("/api/network").json()
    assert after["layers"] == before["layers"] and after["version"] == before["version"]
    assert body["before"]["test"] == before["test_accuracy"]
    # every second drawing of each digit is kept apart, never trained on
    labels = [d["label"] for d in handwriting()]
    train_rows, kept_rows = split_writer(labels)
    assert body["trained_on"] == train_rows.tolist() and body["kept_apart"] == kept_rows.tolist()
    assert set(body["trained_on"]).isdisjoint(body["kept_apart"])
    assert len(body["kept_apart"]) == 10
    # a few epochs on its drawings teach the copy those drawings
    assert body["after"]["trained_on"] > body["before"]["trained_on"]
    for scores in (body["before"], body["after"]):
        assert set(scores) == {"test", "kept_apart", "trained_on"}
        assert all(0.0 <= value <= 1.0 for value in scores.values())


def test_train_with_adopt_makes_the_copy_the_explorers_network(app):
    client = TestClient(app, base_url=BASE)
    before = client.get("/api/network").json()
    body = client.post(TRAIN, json={"drawings": handwriting(), "epochs": 5,
                                    "adopt": True}).json()
    assert body["adopted"] is True
    after = client.get("/api/network").json()
    assert after["version"] == body["version"] != before["version"]
    assert after["layers"] != before["layers"]
    assert after["test_accuracy"] == body["after"]["test"]
    assert after["previous"]["test_accuracy"] == before["test_accuracy"]


def test_training_needs_a_digit_drawn_twice(client):
    drawings = handwriting(per_digit=1)
    answer = client.post(TRAIN, json={"drawings": drawings, "epochs": 2})
    assert answer.status_code == 422
    assert "twice" in answer.json()["error"]
    assert client.post(SCORE, json={"drawings": drawings}).status_code == 200


def blank(side: int = 16) -> list[list[float]]:
    return np.zeros((side, side)).tolist()


one = handwriting(per_digit=1)[1]


@pytest.mark.parametrize(("path", "body", "words"), [
    (SCORE, {}, "drawings must be a list"),
    (SCORE, {"drawings": []}, "drawings must be a list of 1 to"),
    (SCORE, {"drawings": [one] * (MAX_DRAWINGS + 1)}, f"1 to {MAX_DRAWINGS} drawings"),
    (SCORE, {"drawings": "many"}, "drawings must be a list"),
    (SCORE, {"drawings": [[1, 2]]}, "drawing 1 must be an object"),
    (SCORE, {"drawings": [one, {"pixels": blank(), "label": 3}]}, "drawing 2 has no ink"),
    (SCORE, {"drawings": [{**one, "label": 10}]}, "drawing 1: label"),
    (SCORE, {"drawings": [{**one, "label": "1"}]}, "drawing 1: label"),
    (SCORE, {"drawings": [{"pixels": one["pixels"]}]}, "drawing 1: label"),
    (SCORE, {"drawings": [{**one, "colour": "red"}]}, "drawing 1: unknown field"),
    (SCORE, {"drawings": [{**one, "pixels": [[2.0] * 8] * 8}]},
     "drawing 1: every number in pixels"),
    (SCORE, {"drawings": [{"pixels": blank(MAX_DRAWING_SIDE + 1), "label": 1}]},
     "drawing 1: pixels"),
    (SCORE, {"drawings": [one], "epochs": 3}, "unknown field"),
    (TRAIN, {"drawings": [one, one]}, "epochs"),
    (TRAIN, {"drawings": [one, one], "epochs": 0}, "epochs"),
    (TRAIN, {"drawings": [one, one], "epochs": MAX_WRITER_EPOCHS + 1}, "epochs"),
    (TRAIN, {"drawings": [one, one], "epochs": 2, "adopt": "yes"}, "adopt"),
])
def test_bad_bodies_get_422_with_the_reason(client, path, body, words):
    answer = client.post(path, json=body)
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["error"]


def test_a_refused_training_leaves_the_network_alone(client):
    before = client.get("/api/network").json()
    client.post(TRAIN, json={"drawings": [one, one], "epochs": 0})
    assert client.get("/api/network").json()["version"] == before["version"]
