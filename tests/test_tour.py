"""The guided tour: every claim a step makes is checked here, and ``glassnet tour`` is run."""

from __future__ import annotations

import re

import numpy as np
import pytest
from click.testing import CliRunner

import glassnet
from glassnet import tour
from glassnet.cli import main
from glassnet.errors import ConfigError
from glassnet.store.runs import RunsDatabase

N_STEPS = len(tour.STEPS)


@pytest.fixture(scope="module")
def digits():
    return glassnet.load_digits()


@pytest.fixture(scope="module")
def tour_db(tmp_path_factory):
    return tmp_path_factory.mktemp("tour") / "runs.db"


@pytest.fixture(scope="module")
def steps(digits, tour_db):
    """Every step, run once for the whole module (the trained ones take a second or two)."""
    return {number: tour.run_step(number, data=digits, db_path=tour_db)
            for number in range(1, N_STEPS + 1)}


def invoke(*args, input=None):
    return CliRunner().invoke(main, ["tour", *map(str, args)], input=input)


# ---------------------------------------------------------------------------- every step
def test_there_are_nine_steps_in_order(steps):
    assert N_STEPS == 9
    assert [steps[n].number for n in range(1, 10)] == list(range(1, 10))


@pytest.mark.parametrize("number", range(1, 10))
def test_every_step_explains_shows_and_draws(steps, number):
    step = steps[number]
    text = step.text()
    assert text.startswith(f"Step {number} of 9: {step.title}")
    assert len(step.explanation.split(". ")) >= 2  # a few sentences, not a label
    assert step.lines and step.numbers
    assert step.figures, "every step has at least one picture"
    assert all(callable(make) for make in step.figures.values())
    assert max(len(line) for line in text.splitlines()) <= 100


def test_bad_step_numbers_are_refused():
    for bad in (0, 10, -1, "3", 2.0, True, None):
        with pytest.raises(ConfigError, match="steps 1 to 9"):
            tour.run_step(bad)


# ---------------------------------------------------------------------------- step 1
def test_step_1_shows_the_64_numbers_the_network_sees(steps, digits):
    step = steps[1]
    pixels = np.asarray(step.numbers["pixels"])
    assert pixels.shape == (64,)
    np.testing.assert_array_equal(pixels, digits.X[tour.FIRST_IMAGE])
    counts = step.numbers["ink_counts"]
    assert counts.shape == (8, 8)
    np.testing.assert_array_equal(counts.reshape(-1) / 16, pixels)  # counts / 16, exactly
    assert step.numbers["label"] == digits.y[tour.FIRST_IMAGE]
    text = step.text()
    assert "0.00, 0.00, 0.31, 0.81" in text  # the list, as the network sees it
    assert " 0  0  5 13  9  1  0  0" in text  # the grid of counts
    assert "@" in text or "%" in text  # the shades


# ---------------------------------------------------------------------------- step 2
def test_step_2_the_neuron_is_a_sigmoid_of_a_weighted_sum(steps, digits):
    numbers = steps[2].numbers
    network = steps[2].objects["network"]
    x = digits.X[tour.FIRST_IMAGE]
    expected_sum = float(x @ network.layers[0].W[:, 0] + network.layers[0].b[0])
    assert numbers["weighted_sum"] == pytest.approx(expected_sum, abs=1e-12)
    assert numbers["network_weighted_sum"] == pytest.approx(expected_sum, abs=1e-12)
    assert numbers["sigmoid_by_hand"] == pytest.approx(1 / (1 + np.exp(-expected_sum)))
    assert numbers["network_output"] == pytest.approx(numbers["sigmoid_by_hand"], abs=1e-12)
    assert 0 < numbers["network_output"] < 1


# ---------------------------------------------------------------------------- step 3
def test_hand_weights_are_middle_plus_edges_minus():
    weights = tour.hand_weights()
    assert weights.shape == (8, 8)
    assert (weights[:, 3:5] == 1).all()  # the middle, where a 1 has ink and a 0 a hole
    assert (weights[:, [0, 1, 2, 5, 6, 7]] == -1).all()  # the rest, where a 0 has its ring
    assert tour.HAND_BIAS == 0


def test_the_tour_and_the_explorer_share_one_hand_weight_recipe(steps, digits):
    from glassnet.web.handset import HandSetNetwork, two_neurons

    zeros_and_ones = digits.subset([0, 1])
    handset = HandSetNetwork(zeros_and_ones)
    np.testing.assert_array_equal(handset.score()["weights"], tour.hand_weights())
    assert handset.score()["accuracy"] == steps[3].numbers["accuracy"]
    both = two_neurons(zeros_and_ones.X[0], zeros_and_ones)
    assert both["accuracy"] == steps[4].numbers["two_output_accuracy"]


def test_step_3_hand_weighted_network_gets_over_90_percent_without_training(steps, digits):
    numbers = steps[3].numbers
    zeros_and_ones = digits.subset([0, 1])
    assert numbers["n_images"] == zeros_and_ones.n_samples == 360
    assert numbers["accuracy"] > 0.9
    # The number is the real accuracy of the hand-weighted network on all 0s and 1s.
    network = tour.hand_weighted_network()
    assert glassnet.accuracy(network, zeros_and_ones) == numbers["accuracy"]
    assert f"accuracy {100 * numbers['accuracy']:.1f}%" in steps[3].text()
    # Its outputs for the examples: 0s low, 1s high.
    for label, output in zip(numbers["example_labels"], numbers["example_outputs"], strict=True):
        assert (output >= 0.5) == (label == 1)
    assert set(numbers["example_labels"]) == {0, 1}


# ---------------------------------------------------------------------------- step 4
def test_step_4_inverse_weights_give_the_inverse_answer(steps):
    numbers = steps[4].numbers
    assert numbers["accuracy"] == steps[3].numbers["accuracy"]
    assert numbers["inverse_accuracy"] == pytest.approx(1 - numbers["accuracy"])
    np.testing.assert_allclose(numbers["example_inverse_outputs"],
                               1 - np.asarray(numbers["example_outputs"]), atol=1e-12)


def test_step_4_two_outputs_guess_the_larger_and_guess_well(steps):
    numbers = steps[4].numbers
    outputs = np.asarray(numbers["example_two_outputs"])  # (8, 2)
    assert outputs.shape == (8, 2)
    np.testing.assert_array_equal(numbers["example_guesses"], outputs.argmax(axis=1))
    np.testing.assert_array_equal(numbers["example_guesses"], numbers["example_labels"])
    assert numbers["two_output_accuracy"] > 0.9
    # Output 0 is the inverse neuron, output 1 the original.
    np.testing.assert_allclose(outputs[:, 1], numbers["example_outputs"], atol=1e-12)
    np.testing.assert_allclose(outputs[:, 0], numbers["example_inverse_outputs"], atol=1e-12)


# ---------------------------------------------------------------------------- step 5
def test_step_5_the_loss_is_the_sum_of_squared_differences(steps, digits):
    numbers = steps[5].numbers
    assert numbers["image_loss"] == pytest.approx(sum(numbers["image_squares"]), rel=1e-12)
    zeros_and_ones = digits.subset([0, 1])
    network = tour.two_output_network()
    outputs = network.forward(zeros_and_ones.X)
    ideal = network.targets(zeros_and_ones.y)
    by_hand = float(((outputs - ideal) ** 2).sum())
    assert numbers["total_loss"] == pytest.approx(by_hand, rel=1e-10)
    assert numbers["mean_loss"] == pytest.approx(by_hand / zeros_and_ones.n_samples, rel=1e-10)


def test_step_5_minimising_one_image_answers_the_same_digit_for_everything(steps, digits):
    numbers = steps[5].numbers
    label = numbers["single_image_label"]
    assert numbers["single_image_loss_after"] < numbers["single_image_loss_before"] / 10
    assert numbers["single_image_answers"] == {label: digits.n_samples}
    network = steps[5].objects["single_image_network"]
    assert set(network.predict(digits.X).tolist()) == {label}
    share = float(np.mean(digits.y == label))
    assert numbers["single_image_accuracy"] == pytest.approx(share)


# ---------------------------------------------------------------------------- step 6
def test_step_6_the_slope_matches_the_loss_curve_and_backpropagation(steps):
    numbers = steps[6].numbers
    slope = numbers["slope"]
    assert abs(slope - numbers["backprop_slope"]) < 1e-6 * max(1.0, abs(slope))
    assert numbers["gradcheck_worst"] < 1e-6
    # The slope's sign says which way the loss curve goes from the current weight.
    values, losses = np.asarray(numbers["weight_values"]), np.asarray(numbers["losses"])
    now = int(np.flatnonzero(values == numbers["weight"])[0])
    assert losses[now] == pytest.approx(numbers["hop_losses"][0])
    assert np.sign(losses[now + 1] - losses[now - 1]) == np.sign(slope)


def test_step_6_slope_descent_lowers_the_loss_hop_after_hop(steps):
    losses = steps[6].numbers["hop_losses"]
    assert len(losses) == tour.SLOPE_HOPS + 1
    assert all(after < before for before, after in zip(losses, losses[1:], strict=False))
    assert steps[6].numbers["hop_accuracies"][-1] > 0.9


def test_step_6_backpropagation_gives_the_same_slopes_as_nudging(steps):
    network = steps[6].objects["network"]
    data = steps[6].objects["data"]
    assert glassnet.gradcheck(network, data.X[:50], data.y[:50], "squared_error") < 1e-6


# ---------------------------------------------------------------------------- steps 7-9
def test_step_7_ten_outputs_trained_get_over_90_percent_of_new_images(steps):
    numbers = steps[7].numbers
    assert numbers["sizes"] == [64, 10]
    assert numbers["test_accuracy"] > 0.9  # the step says "more than nine digits in ten"
    assert "more than nine digits in ten" in steps[7].explanation
    result = steps[7].objects["result"]
    assert result.settings.hidden == ()
    assert set(numbers["per_class_accuracy"]) == set(range(10))


def test_step_8_a_hidden_layer_beats_no_hidden_layer_on_the_test_images(steps):
    numbers = steps[8].numbers
    assert numbers["sizes"] == [64, *tour.TOUR_HIDDEN, 10]
    assert numbers["test_accuracy"] > numbers["no_hidden_test_accuracy"]
    assert numbers["no_hidden_test_accuracy"] == steps[7].numbers["test_accuracy"]


def test_step_9_compares_hidden_sizes_and_records_them(steps, tour_db):
    numbers = steps[9].numbers
    rows = numbers["rows"]
    assert [row["hidden"] for row in rows] == ["none", "16", "32", "64"]
    assert all(0 < row["test_accuracy"] <= 1 for row in rows)
    assert rows[0]["test_accuracy"] == steps[7].numbers["test_accuracy"]  # same settings
    best = max(rows, key=lambda row: row["test_accuracy"])
    assert numbers["best_hidden"] == best["hidden"]
    with RunsDatabase(tour_db) as database:
        recorded = database.compare(numbers["run_ids"])
    assert [run["source"] for run in recorded] == ["tour"] * 4
    assert [run["test_accuracy"] for run in recorded] == [row["test_accuracy"] for row in rows]
    assert [run["settings"]["hidden"] for run in recorded] == [[], [16], [32], [64]]
    for row in rows:
        assert f"#{row['run_id']}" in steps[9].text()


def test_step_9_without_a_database_records_nothing(digits):
    step = tour.step_9_tweak_retrain_retest(None, digits, hidden_sizes=[()])
    assert step.numbers["run_ids"] == [None]
    assert "Not recorded" in step.text()


# ---------------------------------------------------------------------------- the command
def test_tour_all_prints_every_step_and_saves_every_picture(tmp_path):
    out, db = tmp_path / "pictures", tmp_path / "runs.db"
    result = invoke("--all", "--out", out, "--db", db)
    assert result.exit_code == 0, result.output
    for number in range(1, 10):
        assert f"Step {number} of 9: " in result.output
        pictures = sorted(out.glob(f"step-{number}-*.png"))
        assert pictures, f"no picture for step {number}"
        for picture in pictures:
            assert picture.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
            assert f"picture: {picture}" in result.output
    # Step 3's claim, as printed: the real accuracy of the article's hand weights.
    hand_accuracy = glassnet.accuracy(tour.hand_weighted_network(),
                                      glassnet.load_digits().subset([0, 1]))
    assert f"accuracy {100 * hand_accuracy:.1f}%" in result.output
    with RunsDatabase(db) as database:
        assert [run["source"] for run in database.list_runs()] == ["tour"] * 4


def test_tour_step_runs_only_that_step(tmp_path):
    result = invoke("--step", 4, "--db", tmp_path / "runs.db")
    assert result.exit_code == 0, result.output
    assert re.findall(r"^Step (\d) of 9", result.output, flags=re.MULTILINE) == ["4"]
    assert not (tmp_path / "runs.db").exists()  # only step 9 writes to the database


@pytest.mark.parametrize("bad", ["0", "10", "-2", "three"])
def test_tour_bad_step_is_a_usage_error(bad):
    result = invoke("--step", bad)
    assert result.exit_code == 2
    assert "Error: Invalid value for '--step'" in result.output
    assert "Step 1 of 9" not in result.output


def test_tour_waits_for_enter_at_a_terminal_and_q_stops(monkeypatch, tmp_path):
    monkeypatch.setattr("glassnet.cli.tour._stdin_is_terminal", lambda: True)
    result = invoke("--db", tmp_path / "runs.db", input="\nq\n")
    assert result.exit_code == 0, result.output
    shown = re.findall(r"^Step (\d) of 9", result.output, flags=re.MULTILINE)
    assert shown == ["1", "2"]
    assert "[Enter: step 2 of 9, q: stop]" in result.output


def test_tour_without_a_terminal_runs_straight_through(tmp_path, monkeypatch):
    monkeypatch.setattr("glassnet.cli.tour._stdin_is_terminal", lambda: False)
    monkeypatch.setattr(tour, "STEPS", tour.STEPS[:3])  # the cheap steps suffice here
    result = invoke("--db", tmp_path / "runs.db", input="")
    assert result.exit_code == 0, result.output
    assert re.findall(r"^Step (\d) of 3", result.output, flags=re.MULTILINE) == ["1", "2", "3"]
    assert "Enter" not in result.output


def test_tour_out_that_is_a_file_is_refused_before_anything_runs(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the pictures folder should be")
    result = invoke("--step", 2, "--out", blocker)
    assert result.exit_code == 2
    assert "Error: Invalid value for '--out'" in result.output
    assert "Step 2" not in result.output


def test_tour_out_inside_a_file_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = invoke("--step", 2, "--out", blocker / "pictures")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("Error: ")
    assert "Traceback" not in result.output


def test_save_figures_writes_each_picture_of_a_step(tmp_path, steps):
    written = tour.save_figures(steps[4], tmp_path / "new" / "folder")
    assert [path.name for path in written] == ["step-4-two-output-weights.png"]
    assert written[0].read_bytes().startswith(b"\x89PNG")


def test_the_tour_keeps_its_runs_apart_from_the_users_by_default(tmp_path, monkeypatch):
    """Step 9 records in runs/tour.db, so runs/glassnet.db's numbering stays the user's."""
    monkeypatch.chdir(tmp_path)
    result = invoke("--step", 9)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "runs" / "glassnet.db").exists()
    with RunsDatabase(tmp_path / "runs" / "tour.db") as database:
        assert [run["source"] for run in database.list_runs()] == ["tour"] * 4
    assert "Recorded in the runs database runs/tour.db" in result.output
    assert "glassnet runs compare 1 2 3 4 --db runs/tour.db" in result.output


def test_the_tour_records_in_its_own_database_not_the_users(tmp_path, monkeypatch):
    """By default the tour's runs go to runs/tour.db and never into runs/glassnet.db,
    whose run numbers the README's `runs compare 1 2` relies on."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["tour", "--step", "9"])
    assert result.exit_code == 0, result.output
    assert "runs/tour.db" in result.output  # it says where
    assert len(RunsDatabase(tmp_path / "runs" / "tour.db").list_runs()) == 4
    assert not (tmp_path / "runs" / "glassnet.db").exists()


@pytest.mark.parametrize("kind", ["fifo", "file", "link to nowhere"])
def test_an_out_that_is_no_folder_is_refused_before_the_step_runs(tmp_path, kind):
    import os

    out = tmp_path / "pictures"
    if kind == "fifo":
        os.mkfifo(out)
    elif kind == "file":
        out.write_text("not a folder")
    else:
        out.symlink_to(tmp_path / "missing" / "folder")
    result = invoke("--step", "1", "--out", out)
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "it is not a folder" in result.output or "is a file" in result.output
    assert "Step 1" not in result.output  # refused up front, not after the work
