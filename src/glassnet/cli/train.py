"""``glassnet train``: train a network, save it and record the run."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..app.settings import RunSettings, format_hidden
from ..core.defaults import MAX_WHOLE_NUMBER
from ..errors import ConfigError, TrainingDiverged, plural
from ..store.paths import DEFAULT_DATABASE_PATH, db_hint

if TYPE_CHECKING:
    pass
from .group import CONTEXT_SETTINGS, main
from .options import TRAINING_OPTIONS, WholeRange, settings_from_options, training_options
from .text import class_noun, echo_lines, per_class_lines, percent


def format_epoch(history: Any, total: int) -> str:
    """One line about the last epoch: ``epoch 3/150  loss 0.1234  acc 97.1%  val_loss ...``."""
    epoch = history.epochs
    parts = [f"epoch {epoch}/{total}"]
    if history.train_loss:  # empty when trained with score_training=False
        parts += [f"loss {history.train_loss[-1]:.4f}",
                  f"acc {percent(history.train_accuracy[-1])}"]
    if history.validation_loss:
        parts += [
            f"val_loss {history.validation_loss[-1]:.4f}",
            f"val_acc {percent(history.validation_accuracy[-1])}",
        ]
    return "  ".join(parts)


class EpochReporter:
    """The training callback that shows progress after every epoch.

    On a terminal it draws a tqdm progress bar; when the output goes to a file or a
    pipe (or a test) it writes one plain line per epoch instead, which reads well in
    a log. Use it as a context manager so the bar is closed however training ends.

    A training resumed from a checkpoint after epoch k starts its bar at k, not 0:
    the bar then shows how far the whole run is, and its rate and time left count
    only the epochs trained now. (The plain lines need nothing for that: the resumed
    history already holds the first k epochs, so they read ``epoch k+1/N`` on.)

    Parameters
    ----------
    total : int
        The most epochs the run may take.
    quiet : bool
        Show nothing.
    use_bar : bool, optional
        Force the bar on or off; default: on when standard error is a terminal.
    initial : int
        The epochs already done before this run starts (a resumed checkpoint's epoch).
    """

    def __init__(self, total: int, *, quiet: bool = False, use_bar: bool | None = None,
                 initial: int = 0) -> None:
        self.total = total
        self.quiet = quiet
        self.use_bar = sys.stderr.isatty() if use_bar is None else use_bar
        self.initial = initial
        self._bar: Any = None

    def __enter__(self) -> EpochReporter:
        if self.use_bar and not self.quiet:
            from tqdm import tqdm

            self._bar = tqdm(total=self.total, initial=self.initial, unit="epoch",
                             file=sys.stderr, dynamic_ncols=True)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __call__(self, history: Any, network: Any) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.set_postfix_str(
                format_epoch(history, self.total).split("  ", 1)[1], refresh=False
            )
            self._bar.update(history.epochs - self._bar.n)  # the bar follows the history
        else:
            click.echo(format_epoch(history, self.total), err=True)


#: How a recorded run's ``stop_reason`` reads in ``runs show`` and ``runs compare``.
_RECORDED_STOP_REASONS = {
    "completed": "all epochs done",
    "early_stopping": "early stopping",
    "interrupted": "Ctrl-C",
    "callback": "Stop button or a callback",
}


def stop_words(reason: Any) -> str:
    """A recorded ``stop_reason`` in words ("callback" is the explorer's Stop button)."""
    return _RECORDED_STOP_REASONS.get(reason, "-" if reason is None else str(reason))


_STOP_REASONS = {
    "completed": "after all {epochs} epochs",
    "early_stopping": "early stopping after epoch {epochs}: the {watched} loss stopped improving;"
    " kept the best epoch, {best}",
    "interrupted": "INTERRUPTED (Ctrl-C) after epoch {epochs}: the network learned so far"
    " is saved and recorded",
    "callback": "stopped after epoch {epochs}",
}


def averaged_text(history: Any) -> str:
    """ "; weights averaged over the last N epochs" when weight averaging was on."""
    averaged = getattr(history, "averaged_epochs", 0)
    return f"; weights averaged over {last_epochs(averaged)}" if averaged else ""


def last_epochs(count: int) -> str:
    """ "the last epoch", "the last 41 epochs": the epochs an average spans."""
    return "the last epoch" if count == 1 else f"the last {count} epochs"




def checkpoint_plan(
    options: dict[str, Any],
    out: Path | None,
    db: Path,
    every: int | None,
    checkpoint_path: Path | None,
    resume_path: Path | None,
) -> tuple[RunSettings, Any, Any]:
    """The settings, the checkpoint to resume (or None) and the checkpoint hook (or None).

    A resumed training takes its settings from the checkpoint, because carrying on
    with other settings would be a different training; only ``--epochs`` may change,
    to go further. Checkpoints are written when any of the three options is given.
    """
    from ..store.checkpoints import Checkpointer, load_checkpoint

    resume = None
    if resume_path is None:
        settings = settings_from_options(**options)
    else:
        given = sorted(row.flag for row in TRAINING_OPTIONS
                       if options.get(row.setting) is not None and row.setting != "epochs")
        if given:
            raise click.UsageError(
                f"--resume carries on with the checkpoint's own settings; only --epochs may be "
                f"given with it, not {', '.join(given)}"
            )
        resume = load_checkpoint(resume_path)
        if resume.settings is None:
            raise ConfigError(f"{resume_path} does not record its settings, so glassnet train "
                              "cannot carry it on (resume it from Python with train(resume=...))")
        settings = RunSettings.from_dict(resume.settings)
        if options.get("epochs") is not None:
            settings = settings.replace(epochs=options["epochs"])
    if every is None and checkpoint_path is None and resume_path is None:
        return settings, resume, None
    if checkpoint_path is None:
        if resume_path is not None:
            checkpoint_path = resume_path
        elif out is not None:
            checkpoint_path = out.with_name(f"{out.stem}.checkpoint.npz")
        else:
            checkpoint_path = db.parent / f"checkpoint-{datetime.now():%Y%m%d-%H%M%S}.npz"
    return settings, resume, Checkpointer(checkpoint_path, settings=settings.to_dict())


def describe_checkpoint(checkpoint: Any) -> str:
    from ..store.checkpoints import describe

    return describe(checkpoint)


@main.command(context_settings=CONTEXT_SETTINGS)
@training_options
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to save the model [default: model-<run id>.npz next to the database, "
         "model-<name>-<run id>.npz beside a --db not called glassnet.db; never over a file].",
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_DATABASE_PATH,
    show_default=True,
    help="The runs database to record the run in.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress, just the results.")
@click.option("--checkpoint-every", type=WholeRange(1, MAX_WHOLE_NUMBER), metavar="N",
              help="Write a checkpoint every N epochs (and at the end, and on Ctrl-C).")
@click.option("--checkpoint", "checkpoint_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The checkpoint file [default: <out>.checkpoint.npz, or next to the database; "
                   "with --resume: the checkpoint resumed].")
@click.option("--resume", "resume_path", type=click.Path(dir_okay=False, path_type=Path),
              metavar="CHECKPOINT",
              help="Carry on a training from its checkpoint, with its settings (only --epochs "
                   "may change); the result is bit for bit that of an unbroken run.")
def train(out: Path | None, db: Path, quiet: bool, checkpoint_every: int | None,
          checkpoint_path: Path | None, resume_path: Path | None, **options: Any) -> None:
    """Train a network on the digits, test it, save it and record the run.

    The defaults train a 64-32-10 network (ReLU hidden neurons, softmax outputs,
    cross-entropy loss, SGD with momentum) to about 98% on test images in seconds. The
    article's own network is:

    \b
      glassnet train --activation sigmoid --output sigmoid --loss squared_error \\
                     --optimizer sgd --learning-rate 1 --momentum 0 --batch-size 10 \\
                     --epochs 60 --input-noise 0 --nudge-pixels 0 --average-from none

    --recipe fast or --recipe best starts from another named recipe (any other option
    still wins over it); the run records the recipe's name with its settings.

    Press Ctrl-C to stop early: the network learned so far is still saved and recorded.
    With --checkpoint-every N a long training can be killed and carried on later with
    --resume CHECKPOINT.
    """
    import numpy as np

    from ..app.experiment import run
    from ..app.recording import save_and_record_run
    from ..data.spec import load_dataset, scale_advice
    from ..store.atomicfile import writable_target

    if out is not None and out.suffix.lower() == ".json":
        raise click.BadParameter(
            "a model is saved as .npz; for a JSON copy use glassnet export MODEL --json OUT",
            param_hint="'--out'",
        )
    # Before the training, not after it: a path glassnet will not write over fails now.
    for what, path in (("model file", out), ("runs database", db),
                       ("checkpoint", checkpoint_path)):
        if path is not None:
            writable_target(path, what=what)
    refuse_same_file(("--out", out), ("--db", db), ("--checkpoint", checkpoint_path))
    # The checkpoint resumed is written on (that is --checkpoint's default), never over.
    refuse_same_file(("--resume", resume_path), ("--out", out), ("--db", db))
    settings, resume, checkpointer = checkpoint_plan(
        options, out, db, checkpoint_every, checkpoint_path, resume_path
    )
    data = load_dataset(settings.data)  # a wrong --data fails before anything is printed
    settings.checked_numbers(data)  # and so does a number train would refuse
    from ..store.modelfile import check_saveable_layout

    # train always saves: what no model file could hold is refused before the weights
    check_saveable_layout([data.n_features, *settings.hidden, len(data.classes)], data.classes)
    if resume is not None and not quiet:
        click.echo(f"resuming from {resume_path}: {describe_checkpoint(resume)}")
        from ..training import nothing_left_to_train

        if nothing_left_to_train(resume.state, settings.epochs):
            click.echo("that training had finished: nothing is left to train, so its network is "
                       "saved and recorded as it was")
    if not quiet:
        click.echo(
            f"training on {settings.data}: hidden {format_hidden(settings.hidden)}, "
            f"{settings.activation} hidden, {settings.output} output, {settings.loss}, "
            f"{settings.optimizer} (learning rate {settings.effective_learning_rate:g}), "
            f"up to {plural(settings.epochs, 'epoch')}, seed {settings.seed}, "
            f"{settings.dtype}, recipe {settings.recipe}"
        )
    averaging = settings.averaging_advice() if resume is None else None  # resumed: fixed
    for advice in (scale_advice(data, settings.data), averaging):
        if advice is not None:
            click.echo(f"note: {advice}", err=True)
    with EpochReporter(settings.epochs, quiet=quiet,
                       initial=0 if resume is None else resume.epoch) as reporter:
        try:
            result = run(settings, data, callbacks=[reporter],
                         resume=None if resume is None else resume.state,
                         checkpoint=checkpointer, checkpoint_every=checkpoint_every or 1)
        except TrainingDiverged as error:
            # The library's message says what the network object keeps; here no model
            # file is written and no run recorded, which is what a user needs to know.
            raise TrainingDiverged(
                f"{error.problem} No model was saved and the run was not recorded."
            ) from error
    history = result.history
    saved = save_and_record_run(db, result, source="cli", model_path=out)
    model_path, run_id, note = saved.model_path, saved.run_id, saved.saved

    network = result.network
    reason = _STOP_REASONS.get(history.stop_reason, history.stop_reason)
    if history.epochs == 1:
        reason = reason.replace("all {epochs} epochs", "its one epoch")
    # Early stopping watches the validation loss, or without validation images the
    # training loss (training/early_stopping.py): say which.
    watched = "validation" if history.validation_loss else "training"
    test = result.test_evaluation
    lines = [
        f"network: {'-'.join(map(str, network.sizes))} ({network.n_parameters:,} parameters)",
        f"ended: {reason.format(epochs=history.epochs, best=history.best_epoch, watched=watched)}"
        + averaged_text(history),
        f"train accuracy: {percent(result.train_accuracy)} "
        f"({len(result.train_evaluation.y_true)} training images)",
        f"test accuracy: {percent(result.test_accuracy)} "
        f"({int(np.trace(test.confusion))} of {len(test.y_true)} test images, never seen in "
        "training)",
        f"test accuracy per {class_noun(settings.data)}:",
        *per_class_lines(test.per_class_accuracy),
        f"time: {result.seconds:.1f} s",
        f"model saved to: {model_path}",
    ]
    if note:
        lines.append(f"note: {note}")
    if checkpointer is not None and checkpointer.saved:
        lines.append(f"checkpoint: {checkpointer.path} (after epoch {checkpointer.last_epoch})")
    if run_id is not None:
        lines.append(
            f"run recorded as #{run_id} in {db} (see: glassnet runs show {run_id}{db_hint(db)})"
        )
    if not quiet and run_id in (None, 1):  # a new runs database: most likely a newcomer
        lines += ["", *training_words(settings, history, result)]
    echo_lines(lines)
    if saved.not_recorded is not None:
        raise click.ClickException(
            f"the model was saved to {model_path}, but the run was not recorded: "
            f"{saved.not_recorded}"
        )


def training_words(settings: Any, history: Any, result: Any) -> list[str]:
    """What the words of ``glassnet train``'s output mean, for the first run of a database.

    Only the words this run's output used are explained, each in a line or two.
    """
    lines = ["what the words above mean:"]
    if history.validation_loss:
        held_back = round(settings.validation_fraction * 100)
        lines += [
            f"  val, validation: {held_back}% of the training images, held back from the steps "
            "and",
            "    scored after every epoch: how the network does on images it is not learning",
            "    from (the test images stay unseen until the very end)",
        ]
        if history.validation_accuracy[-1] < result.test_accuracy:
            lines += [
                f"  val_acc {percent(history.validation_accuracy[-1])} is below the test "
                f"accuracy {percent(result.test_accuracy)}: both are small",
                "    samples, so a few images more or less right move either by a point",
            ]
    if getattr(history, "averaged_epochs", 0):
        lines += [
            f"  weights averaged over {last_epochs(history.averaged_epochs)}: the saved "
            "network's weights",
            "    are the average of its weights after each of those epochs, which sits nearer",
            "    the bottom of the loss valley than any one of them",
        ]
    if history.stop_reason == "early_stopping" and history.best_epoch is not None:
        lines += [
            f"  best epoch ({history.best_epoch}): the epoch with the lowest validation loss; "
            "the network",
            "    keeps the weights it had then",
        ]
    lines += ["  (explained for the first run of each runs database)"]
    return lines if len(lines) > 2 else []


def refuse_same_file(*named: tuple[str, Path | None]) -> None:
    """A usage error when two options name one file (``--out runs/glassnet.db`` would
    write the model over every recorded run)."""
    seen: dict[Path, str] = {}
    for flag, path in named:
        if path is None:
            continue
        key = Path(os.path.realpath(path))  # a link's target; a looping link is itself
        if key in seen:
            raise click.BadParameter(
                f"{path} is also the {seen[key]} file; give each its own file",
                param_hint=f"'{flag}'",
            )
        seen[key] = flag
