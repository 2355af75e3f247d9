"""The lesson's own routes: step 5's losses and one-image training; step 10's handwriting."""

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


# ---------------------------------------------------------------------------- step 5
LOSS, ONE_IMAGE = "/api/lesson/loss", "/api/lesson/one-image"


def squared_error_by_hand(client, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each image's loss (n,), worked out here from the step-4 neurons' own weights:
    sigmoid(x . w) per neuron, minus the ideal (1 for the right digit), squared, summed."""
    neurons = client.post("/api/lesson/two-neurons", json={"numbers": X[0].tolist()}).json()
    W = np.column_stack([np.array(n["weights"]).reshape(64) for n in neurons["neurons"]])
    observed = 1.0 / (1.0 + np.exp(-(X @ W)))  # (n, 2), no bias
    ideal = np.eye(2)[labels]
    return ((observed - ideal) ** 2).sum(axis=1)


def test_the_loss_of_one_image_is_the_sum_of_its_squares(client):
    zeros_and_ones = gn.load_digits().subset([0, 1])
    x = zeros_and_ones.X[0]
    answer = client.post(LOSS, json={"numbers": x.tolist(), "label": 0})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [o["digit"] for o in body["outputs"]] == [0, 1]
    assert [o["ideal"] for o in body["outputs"]] == [1.0, 0.0]
    for term in body["outputs"]:
        assert term["square"] == pytest.approx((term["observed"] - term["ideal"]) ** 2)
    assert body["loss"] == pytest.approx(sum(o["square"] for o in body["outputs"]))
    assert body["loss"] == pytest.approx(squared_error_by_hand(client, x[None], np.array([0]))[0])
    assert body["guess"] == 0 and body["label"] == 0 and body["example"] is None
    # every real 0 and 1: the sum of their losses, and the same per image
    by_hand = squared_error_by_hand(client, zeros_and_ones.X, zeros_and_ones.y)
    assert body["all"]["n_images"] == len(zeros_and_ones) == 360
    assert body["all"]["total"] == pytest.approx(by_hand.sum())
    assert body["all"]["mean"] == pytest.approx(by_hand.mean())


def test_the_wrong_label_makes_the_loss_big(client):
    zero = gn.load_digits().subset([0, 1]).X[0].tolist()
    right = client.post(LOSS, json={"numbers": zero, "label": 0}).json()
    wrong = client.post(LOSS, json={"numbers": zero, "label": 1}).json()
    assert right["loss"] < 0.01 < 1.5 < wrong["loss"]  # near 0 against near 2
    assert wrong["all"] == right["all"]  # one image says nothing about the others


def test_a_real_example_is_the_same_as_its_numbers(client):
    zeros_and_ones = gn.load_digits().subset([0, 1])
    for example in (0, 1, len(zeros_and_ones) - 1):
        by_example = client.post(LOSS, json={"example": example}).json()
        label = int(zeros_and_ones.y[example])
        by_numbers = client.post(LOSS, json={"numbers": zeros_and_ones.X[example].tolist(),
                                             "label": label}).json()
        assert by_example["label"] == label and by_example["example"] == example
        assert by_example["loss"] == pytest.approx(by_numbers["loss"])
        np.testing.assert_allclose(by_example["numbers"], zeros_and_ones.X[example], atol=1e-4)


def test_one_image_training_answers_that_digit_for_everything(client):
    digits = gn.load_digits()
    before = client.get("/api/network").json()
    answer = client.post(ONE_IMAGE, json={"digit": 3})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["index"] == int(np.flatnonzero(digits.y == 3)[0]) and body["label"] == 3
    np.testing.assert_allclose(body["numbers"], digits.X[body["index"]], atol=1e-4)
    assert body["loss_after"] < body["loss_before"] / 100
    counts = {a["digit"]: a["count"] for a in body["answers"]}
    assert sorted(counts) == list(range(10))
    assert sum(counts.values()) == body["n_images"] == len(digits)
    assert counts[3] >= 0.95 * len(digits) and body["most_common"] == 3
    assert body["accuracy"] == pytest.approx(np.mean(digits.y == 3), abs=0.01)
    # a fresh network each time: the session's own is untouched
    after = client.get("/api/network").json()
    assert after["layers"] == before["layers"] and after["version"] == before["version"]


def test_one_image_training_is_the_same_for_the_same_seed(client):
    digits = gn.load_digits()
    index = int(np.flatnonzero(digits.y == 7)[4])
    first = client.post(ONE_IMAGE, json={"index": index, "seed": 5}).json()
    again = client.post(ONE_IMAGE, json={"index": index, "seed": 5}).json()
    other = client.post(ONE_IMAGE, json={"index": index, "seed": 6}).json()
    assert first == again
    assert first["label"] == 7 and first["most_common"] == 7 and first["seed"] == 5
    assert other["loss_before"] != first["loss_before"]  # other random starting weights
    assert client.post(ONE_IMAGE, json={"index": index}).json()["seed"] == 0


zero_image = [0.0] * 64


@pytest.mark.parametrize(("path", "body", "words"), [
    (LOSS, {}, "numbers is required"),
    (LOSS, {"numbers": zero_image}, "label is required"),
    (LOSS, {"numbers": zero_image, "label": 2}, "label must be between 0 and 1"),
    (LOSS, {"numbers": zero_image[:63], "label": 0}, "exactly 64 numbers"),
    (LOSS, {"numbers": [1.5] * 64, "label": 0}, "between 0 and 1"),
    (LOSS, {"numbers": zero_image, "label": True}, "label must be a whole number"),
    (LOSS, {"example": 360}, "example must be between 0 and 359"),
    (LOSS, {"example": -1}, "example must be between"),
    (LOSS, {"example": 3, "label": 0}, "unknown field(s) label"),
    (LOSS, {"numbers": zero_image, "label": 0, "colour": 1}, "unknown field(s) colour"),
    (ONE_IMAGE, {}, "either index"),
    (ONE_IMAGE, {"index": 1, "digit": 1}, "either index"),
    (ONE_IMAGE, {"index": 1797}, "index must be between 0 and 1796"),
    (ONE_IMAGE, {"digit": 10}, "digit must be between 0 and 9"),
    (ONE_IMAGE, {"digit": "3"}, "digit must be a whole number"),
    (ONE_IMAGE, {"digit": 3, "seed": -1}, "seed must be between"),
    (ONE_IMAGE, {"digit": 3, "seed": 0.5}, "seed must be a whole number"),
    (ONE_IMAGE, {"digit": 3, "epochs": 500}, "unknown field(s) epochs"),
])
def test_bad_step_5_bodies_get_422_with_the_reason(client, path, body, words):
    answer = client.post(path, json=body)
    assert answer.status_code == 422, answer.text
    assert words in answer.json()["error"]
