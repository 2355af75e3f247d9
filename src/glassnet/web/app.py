"""The explorer's web application: one page, and a JSON API that does all the math.

``create_app`` builds a Starlette application. It serves the page (``static/``) and
answers the page's questions under ``/api`` (every endpoint is documented in
docs/explorer.md). Each answer is computed by glassnet's core: a drawing is prepared
by ``glassnet.data.preprocess.prepare_image`` and run through ``Network.trace``; live
training is ``glassnet.app.experiment.run`` (a finished network replaces the
session's, which is kept one step back; a diverging run is never adopted); the
slope of one weight comes from ``gradcheck.numerical_slope`` and ``Network.backward``.
The page never computes a neuron's value itself.

How the server protects itself and its user (see ``security`` and ``validation``):
foreign Host and Origin headers are refused, bodies must be JSON under 1 MB, every
field is checked (422 with a clear message when wrong), no endpoint takes a file
path, and the number of sessions, the size of networks and the length of trainings
are bounded. A ``GlassnetError`` becomes a 422 ``{"error": "..."}``; anything
unexpected becomes a 500 ``{"error": "internal error"}``, never a traceback.

``serve`` runs the application with uvicorn, on 127.0.0.1 unless told otherwise, with
limits on connections that stall or pile up (``server``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import anyio
import numpy as np
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..app.experiment import DEFAULT_LEARNING_RATES, RunResult, RunSettings, run, split_data
from ..app.recipes import DEFAULT_RECIPE, RECIPES, rate_for, settings_for
from ..app.recording import save_and_record_run
from ..core.defaults import MAX_SEED
from ..core.layer_sizes import parse_hidden
from ..core.losses import LOSSES
from ..core.metrics import evaluate
from ..core.network import Network, as_network
from ..core.optimizers import OPTIMIZERS
from ..data.dataset import Dataset
from ..data.digits import load_digits
from ..errors import ConfigError, GlassnetError, ServerBusy, SessionConflict
from ..store.modelfile import array_checksum
from ..store.version import __version__
from ..training.augmentation import nudge_for
from . import lesson, lesson_practice
from . import validation as check
from .backprop import DEFAULT_STEP, backprop_view, undo_depth
from .backprop import step as backprop_step
from .drawing import MAX_CANVAS_SIDE, NO_INK, read_drawing
from .handset import PRESETS, WEIGHT_LIMIT, HandSetNetwork, outside_zeros_and_ones
from .inspection import describe_network, explain_neuron, rounded, trace_input
from .livetraining import LiveTraining
from .replay import NoSavedRun, load_saved_run, reproducing_settings, saved_runs
from .security import MAX_BODY_BYTES, RequestGuard, is_decimal_number
from .sessions import COOKIE_NAME, Origin, Session, SessionStore
from .slopelab import SlopeLab, steepest_connection

STATIC_DIR = Path(__file__).parent / "static"

#: Limits that keep one visitor from exhausting the machine.
MAX_SESSIONS = 64
MAX_TRAININGS = 2
MAX_HIDDEN_LAYERS = 3
MAX_HIDDEN_UNITS = 256
MAX_EPOCHS = 300
MAX_BATCH_SIZE = 512
MAX_SLOPE_DESCENT_WEIGHTS = 1000
MIN_SLOPE_DESCENT_BATCH = 128
MAX_PACE_SECONDS = 2.0
SLOPE_IMAGES = 300
HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid")
OUTPUT_ACTIVATIONS = ("softmax", "sigmoid")

LIVE_DEFAULTS = RunSettings(hidden=(32,), epochs=60, average_from=30, patience=10)
"""Live training's defaults: glassnet's own, with fewer epochs (it is watched).

60 epochs average the weights of their second half, from epoch 30 on, as the
default's 80 do from epoch 40; with seeds 0 to 4 they reach
97.5-99.2% test accuracy (97.8% with the default seed), and at the page's default
pace the whole run takes about 3.3 s (``bench/live.py`` measures both; the figures
are in docs/benchmarks.md).
"""

DEFAULT_SETTINGS = LIVE_DEFAULTS.replace(epochs=80)
"""What ``glassnet explore`` trains when it is given no model: about two seconds.

Live training's settings for 80 epochs, so that the page can make this network
again (a shared link replays it) by its own rules.
"""


def live_settings(recipe: str) -> RunSettings:
    """The starting settings of a live training of ``recipe``: the form's values.

    The default recipe trains 60 epochs here instead of 80 (``LIVE_DEFAULTS``); the
    others are as everywhere else (``fast``'s 8 epochs, ``best``'s 64-256-256-256-10 for
    100 epochs, within ``MAX_EPOCHS`` and ``MAX_HIDDEN_UNITS``). Every live training
    gives up after 10 epochs without progress if early stopping is switched on.
    """
    if recipe == DEFAULT_RECIPE:
        return LIVE_DEFAULTS
    return settings_for(recipe, patience=LIVE_DEFAULTS.patience)


def live_averaging(settings: RunSettings) -> str:
    """How a live training of ``settings`` averages its weights, for the recipe's note.

    The form changes only the number of epochs, and ``settings_from`` keeps the share
    of them averaged (``RunSettings.for_epochs``), so the note speaks of the share.
    """
    if settings.average_from is None:
        return "no weight averaging"
    return (f"weights averaged over the last {settings.averaged_epochs} of its "
            f"{settings.epochs} epochs (the same share of a shorter or longer run)")


#: Every recipe's live settings, made once: ``/api/info`` lists them, training starts
#: from them.
LIVE_RECIPES = {name: live_settings(name) for name in RECIPES}


LIVE_PACE_SECONDS = 0.05
"""The page's default pace: 20 epochs a second, so 60 epochs are watched in 3 s."""

TRAINING_FIELDS = ("recipe", "hidden", "activation", "output", "loss", "optimizer",
                   "learning_rate", "batch_size", "epochs", "seed", "early_stopping")
"""The ``RunSettings`` fields the page may set for a live training (the rest are fixed)."""

READ_ONLY_METHODS = ("GET", "HEAD")
"""Requests that change nothing: without a session they see the default view."""

logger = logging.getLogger("uvicorn.error")  # so its lines look like the server's own

EVENT_POLL_SECONDS = 0.1
KEEPALIVE_SECONDS = 15.0


def default_network(data: Dataset | None = None) -> Network:
    """Train the small network the explorer uses when given none (64-32-10, ~97%)."""
    return run(DEFAULT_SETTINGS, data if data is not None else load_digits(),
               catch_interrupt=False).network


class Explorer:
    """The server's state: the data, the starting network, and every session.

    One instance per application; the route handlers are its methods.
    """

    def __init__(self, network: Network, data: Dataset, *, db_path: str | Path | None,
                 max_sessions: int, max_trainings: int,
                 start_settings: RunSettings | None = None) -> None:
        if network.n_inputs != 64:
            raise ConfigError(
                f"the explorer shows 8x8 digits, so the network needs 64 inputs; "
                f"this one has {network.n_inputs}"
            )
        self.network = network
        self.data = data
        self.training_part, _ = data.split(test_fraction=0.2, seed=0)
        self.slope_images = self.training_part.take(np.arange(min(SLOPE_IMAGES,
                                                                   len(self.training_part))))
        self.zeros_and_ones = data.subset(classes=[0, 1])
        # The test digits a default live training holds out (the default network's too).
        self._held_out = lru_cache(maxsize=16)(self._split_off_test_part)
        self.test_part = self._held_out(LIVE_DEFAULTS.seed, LIVE_DEFAULTS.test_fraction)
        self.db_path = None if db_path is None else Path(db_path)
        # Where every session's network comes from at first: settings only if trained here.
        self.start_origin = Origin.of(network, "start", None if start_settings is None
                                      else start_settings.to_dict())
        self.test_accuracy = evaluate(network, self.test_part_for(self.start_origin)).accuracy
        self.sessions = SessionStore(self._new_session, max_sessions=max_sessions,
                                     max_trainings=max_trainings)
        self.default_view = self._new_session("")
        """What a browser without a session sees: read-only, shared, never stored."""

    def _new_session(self, token: str) -> Session:
        # The slope lab measures the loss the network was most likely trained with.
        probabilities = self.network.output_activation.name in ("softmax", "sigmoid")
        loss = "cross_entropy" if probabilities else "squared_error"
        return Session(token=token, network=self.network.copy(),
                       handset=HandSetNetwork(self.zeros_and_ones), loss=loss,
                       test_accuracy=self.test_accuracy, origin=self.start_origin)

    def test_part_for(self, origin: Origin) -> Dataset:
        """The test digits a network's own training held out: where it is scored.

        Which digits a training holds out depends on its seed and test fraction
        (``split_data``), so a network trained with seed 7, edited by hand or with a
        neuron switched off, is scored on seed 7's test digits: those its trained
        accuracy was measured on, and none it learned from. A network whose training is
        not known (one read from a file, one trained on drawings) is scored on a
        default live training's.
        """
        try:
            settings = (RunSettings.from_dict(origin.settings) if origin.settings
                        else LIVE_DEFAULTS)
        except GlassnetError:  # a recorded run edited by hand: the default split
            settings = LIVE_DEFAULTS
        return self._held_out(settings.seed, settings.test_fraction)

    def _split_off_test_part(self, seed: int, test_fraction: float) -> Dataset:
        settings = dataclasses.replace(LIVE_DEFAULTS, seed=seed, test_fraction=test_fraction)
        return split_data(settings, self.data)[2]

    # ------------------------------------------------------------------ plumbing
    def endpoint(
        self, handler: Callable[[Request, Session], Awaitable[Any]]
    ) -> Callable[[Request], Awaitable[Response]]:
        """Wrap a handler: find the session, turn its answer into JSON, set the cookie.

        A read-only request without a live session gets the shared default view; a
        write makes a session (see ``sessions``), forgotten again if the request fails,
        so a refused request leaves nothing behind.
        """
        async def wrapped(request: Request) -> Response:
            session = self.sessions.find(request.cookies.get(COOKIE_NAME))
            created = session is None and request.method not in READ_ONLY_METHODS
            if session is None:
                session = self.sessions.create() if created else self.default_view
            try:
                answer = await handler(request, session)
            except ClientDisconnect:
                if created:
                    self.sessions.discard(session)
                logger.info("A client went away before its request to %s was read.",
                            request.url.path)
                return Response(status_code=400)  # no one is listening any more
            except BaseException:
                if created:
                    self.sessions.discard(session)
                raise
            response = answer if isinstance(answer, Response) else JSONAnswer(answer)
            if created:
                response.set_cookie(COOKIE_NAME, session.token, httponly=True, samesite="strict",
                                    path="/")
            response.headers["Cache-Control"] = "no-store"
            return response

        return wrapped

    # ------------------------------------------------------------------ the network
    async def info(self, request: Request, session: Session) -> dict[str, Any]:
        """GET /api/info: the choices and limits the page builds its forms from."""
        return {
            "glassnet_version": __version__,
            "choices": {
                "activation": list(HIDDEN_ACTIVATIONS), "output": list(OUTPUT_ACTIVATIONS),
                "loss": list(LOSSES), "optimizer": list(OPTIMIZERS),
                "handset_presets": list(PRESETS), "recipe": list(RECIPES),
            },
            # "nudges": how far the recipe nudges these images (its nudge_pixels, or the
            # default's for pictures when None), so the page need not know the rule;
            # "averaging" says how its weights are averaged, in words.
            "recipes": {name: {"summary": recipe.summary,
                               "settings": LIVE_RECIPES[name].to_dict(),
                               "nudges": nudge_for(self.data, self.data.n_features,
                                                   LIVE_RECIPES[name].nudge_pixels),
                               "averaging": live_averaging(LIVE_RECIPES[name])}
                        for name, recipe in RECIPES.items()},
            "defaults": {**LIVE_DEFAULTS.to_dict(), "learning_rates": DEFAULT_LEARNING_RATES,
                         "pace": LIVE_PACE_SECONDS},
            "limits": {
                "hidden_layers": MAX_HIDDEN_LAYERS, "hidden_units": MAX_HIDDEN_UNITS,
                "epochs": MAX_EPOCHS, "batch_size": MAX_BATCH_SIZE,
                "canvas_side": MAX_CANVAS_SIDE, "body_bytes": MAX_BODY_BYTES,
                "slope_descent_weights": MAX_SLOPE_DESCENT_WEIGHTS,
                "slope_descent_batch_size": MIN_SLOPE_DESCENT_BATCH,
            },
            "data": {"name": self.data.name, "images": len(self.data)},
        }

    async def get_network(self, request: Request, session: Session) -> dict[str, Any]:
        """GET /api/network: the session's network, every weight, its test accuracy.

        ``test_accuracy`` is the share of held-out test digits it gets right: for the
        starting network, the test digits of a default live training (seed 0); for a
        trained one, its own run's. ``previous`` is the network "back" would bring
        back (``sizes`` and ``test_accuracy``), or None. ``origin`` says how to make
        these weights again (``sessions.Origin.report``): ``kind`` "start", "trained"
        or "edited", the ``settings`` of a training that makes them (or None) and the
        ``run_id`` whose saved model holds them (or None).
        """
        with session.lock:  # a copy: an edit meanwhile must not mix into what is described
            network, version = session.network.copy(), session.version
            accuracy, previous, origin = session.test_accuracy, session.previous, session.origin
        answer = await run_in_threadpool(describe_network, network, version)
        answer["origin"] = origin.report(answer["weights_sha256"])
        answer["test_accuracy"] = accuracy
        answer["previous"] = None if previous is None else {
            "sizes": list(previous.network.sizes), "test_accuracy": previous.test_accuracy}
        return answer

    async def previous_network(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/network/previous: swap back to the previous network (409 if none).

        The network it replaces becomes the previous one, so a second swap undoes it.
        """
        check.reject_unknown(await read_body(request), set())
        session.swap_with_previous()
        return await self.get_network(request, session)

    async def predict(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/predict: prepare a drawing (or take 64 numbers) and trace it."""
        body = await read_body(request)
        check.reject_unknown(body, {"pixels", "numbers", "example"})
        if sum(key in body for key in ("pixels", "numbers", "example")) != 1:
            raise check.InvalidInput("send exactly one of: pixels, numbers, example")
        answer: dict[str, Any] = {"ink": True}
        if "pixels" in body:
            prepared = read_drawing(body)
            if prepared is None:
                return {"ink": False, "message": NO_INK}
            x = prepared.x
            answer["box32"] = prepared.box32.astype(int).tolist()
            answer["counts"] = prepared.counts.tolist()
        elif "numbers" in body:
            x = check.get_vector(body, "numbers", length=64, low=0.0, high=1.0)
        else:
            index = check.get_int(body, "example", low=0, high=len(self.data) - 1)
            x = self.data.X[index]
            answer["label"] = int(self.data.y[index])
        answer["numbers"] = rounded(x)
        with session.lock:
            network, version = session.network, session.version
        answer.update(trace_input(network, x))
        answer["version"] = version
        return answer

    async def neuron(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/neuron: one neuron's weights, its sum written out, its favourite digits."""
        body = await read_body(request)
        check.reject_unknown(body, {"layer", "neuron", "numbers"})
        with session.lock:
            network = session.network
        # The ranges are this network's, so a wrong number gets the range it can have.
        layer = check.get_int(body, "layer", low=0, high=len(network.layers) - 1)
        neuron = check.get_int(body, "neuron", low=0, high=network.layers[layer].n_out - 1)
        x = check.get_vector(body, "numbers", length=64, low=0.0, high=1.0, default=None)
        return await run_in_threadpool(explain_neuron, network, layer, neuron, x,
                                       self.training_part)

    # ------------------------------------------------------------------ live training
    def settings_from(self, body: dict[str, Any]) -> RunSettings:
        """Checked training settings from a request body (bounded, so training stays small)."""
        check.reject_unknown(body, {*TRAINING_FIELDS, "pace"})
        defaults = LIVE_RECIPES[check.get_choice(body, "recipe", list(RECIPES),
                                                 default=DEFAULT_RECIPE)]
        hidden = self.hidden_from(body, defaults.hidden)
        optimizer = check.get_choice(body, "optimizer", list(OPTIMIZERS),
                                     default=defaults.optimizer)
        output = check.get_choice(body, "output", OUTPUT_ACTIVATIONS, default=defaults.output)
        epochs = check.get_int(body, "epochs", low=1, high=MAX_EPOCHS, default=defaults.epochs)
        # The form sets only the run's length: its averaging keeps the recipe's share.
        settings = defaults.for_epochs(epochs).replace(  # the rest (noise, dtype, ...) stay
            hidden=hidden,
            activation=check.get_choice(body, "activation", HIDDEN_ACTIVATIONS,
                                        default=defaults.activation),
            output=output,
            loss=check.get_choice(body, "loss", list(LOSSES), default=defaults.loss),
            optimizer=optimizer,
            learning_rate=check.get_number(body, "learning_rate", low=1e-6, high=10.0,
                                           default=rate_for(defaults, optimizer)),
            batch_size=check.get_int(body, "batch_size", low=1, high=MAX_BATCH_SIZE,
                                     default=defaults.batch_size),
            seed=check.get_int(body, "seed", low=0, high=MAX_SEED, default=defaults.seed),
            early_stopping=check.get_bool(body, "early_stopping",
                                          default=defaults.early_stopping),
            patience=defaults.patience,
        )
        sizes = [64, *settings.hidden, len(self.data.classes)]
        weights = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=False))
        if optimizer == "slope_descent" and weights > MAX_SLOPE_DESCENT_WEIGHTS:
            raise check.InvalidInput(
                f"slope descent measures every weight one at a time, too slow for "
                f"{weights:,} weights; use it with at most {MAX_SLOPE_DESCENT_WEIGHTS:,} "
                f"(for example no hidden layer), or choose adam or sgd"
            )
        if optimizer == "slope_descent" and settings.batch_size < MIN_SLOPE_DESCENT_BATCH:
            raise check.InvalidInput(
                f"slope descent measures every weight once per batch; use batches of at least "
                f"{MIN_SLOPE_DESCENT_BATCH} images so an epoch takes seconds, not minutes"
            )
        settings.make_network(64, self.data.classes)  # raises ConfigError for bad combinations
        return settings

    @staticmethod
    def hidden_from(body: dict[str, Any], default: tuple[int, ...]) -> tuple[int, ...]:
        """The request's hidden layer sizes: a JSON list, bounded to keep training small.

        A short list of numbers is first read by ``parse_hidden``, so a size of 0 or 2.5
        gets the words ``--hidden`` and the estimator use for it; then the explorer's own
        limits apply. Anything else (a long list, a string, ``true``) gets the explorer's
        words, in JSON's terms.
        """
        value = body.get("hidden")
        if (isinstance(value, list) and len(value) <= MAX_HIDDEN_LAYERS
                and all(check.is_number(size) for size in value)):
            parse_hidden(value)
        return tuple(check.get_int_list(body, "hidden", max_length=MAX_HIDDEN_LAYERS, low=1,
                                        high=MAX_HIDDEN_UNITS, default=list(default)))

    async def training_start(self, request: Request, session: Session) -> Response:
        """POST /api/training/start: train in a worker thread (one per session)."""
        body = await read_body(request)
        pace = check.get_number(body, "pace", low=0.0, high=MAX_PACE_SECONDS, default=0.0)
        settings = self.settings_from(body)
        job = self.sessions.start_training(session, partial(
            LiveTraining, settings, self.data,
            on_finished=partial(self._adopt_trained, session), pace=pace))
        return JSONAnswer(job.status(), status_code=202)

    def _adopt_trained(self, session: Session, result: RunResult) -> dict[str, Any]:
        """The finished network becomes the session's; the run is recorded and saved.

        As ``glassnet train`` does (``app.recording.save_and_record_run``), the model is
        saved next to the runs database as ``model-<run id>.npz``, so it can be explored
        again later.
        """
        version = session.adopt(result.network, result.settings.loss, result.test_accuracy,
                                trained_origin(result))
        extra: dict[str, Any] = {"version": version, "run_id": None}
        if self.db_path is None:
            return extra
        try:
            saved = save_and_record_run(self.db_path, result, source="explorer")
            extra["run_id"] = saved.run_id
            if saved.run_id is not None:
                session.note_run_id(result.network, saved.run_id)
            if saved.not_recorded is not None:
                extra["record_error"] = str(saved.not_recorded)
        except (GlassnetError, OSError) as error:
            extra["record_error"] = str(error)
        return extra

    # ------------------------------------------------------------------ a shared network again
    def replay_settings(self, values: dict[str, Any]) -> RunSettings:
        """Checked settings to train again, given as ``RunSettings.to_dict()`` gives them.

        The fields the page sets (``TRAINING_FIELDS``) go through ``settings_from``, so
        live training's limits hold; every other field must have the value the
        explorer trains with (its own patience, say), since it trains nothing else;
        ``average_from`` may be any value it trains with (``replayed_average_from``).
        """
        known = {f.name for f in dataclasses.fields(RunSettings)}
        unknown = sorted(str(key) for key in values if key not in known)
        if unknown:
            raise check.InvalidInput(f"settings has unknown field(s) {', '.join(unknown)}; "
                                     f"it takes the fields of a training's settings")
        try:
            settings = self.settings_from({k: v for k, v in values.items()
                                           if k in TRAINING_FIELDS})
        except ConfigError as error:
            raise check.InvalidInput(f"settings: {error}") from None
        if "average_from" in values:
            settings = settings.replace(average_from=self.replayed_average_from(
                settings, values["average_from"]))
        fixed = settings.to_dict()
        for name in sorted(set(values) - set(TRAINING_FIELDS)):
            if values[name] != fixed[name]:
                raise check.InvalidInput(
                    f"settings.{name} must be {json.dumps(fixed[name])}: the explorer trains "
                    f"only with that value, so it cannot make this network again")
        return settings

    @staticmethod
    def replayed_average_from(settings: RunSettings, given: Any) -> int | None:
        """``given`` if the explorer could have trained ``settings`` with it, else 422.

        ``settings_from`` scales the recipe's ``average_from`` to the epochs asked for
        (``RunSettings.for_epochs``), but a run stopped by hand ran fewer epochs than
        it asked for, and one trained before that scaling kept the recipe's own value.
        So any value ``average_from_for`` gives for the epochs run or more is taken, or the
        recipe's, and nothing else: the explorer trains nothing else.
        """
        recipe = LIVE_RECIPES[settings.recipe]
        possible = {recipe.average_from} | {recipe.average_from_for(epochs)
                                            for epochs in range(settings.epochs, MAX_EPOCHS + 1)}
        if (given is not None and type(given) is not int) or given not in possible:
            raise check.InvalidInput(
                f"settings.average_from {json.dumps(given)[:40]} is not one the explorer "
                f"averages {settings.epochs} epochs of the {settings.recipe} recipe with, "
                "so it cannot make this network again")
        return given

    async def network_replay(self, request: Request, session: Session) -> Response:
        """POST /api/network/replay: make a shared network again, and draw against it.

        ``{"run_id": n}`` loads the model the explorer saved for run n
        (``replay.load_saved_run``; 404 if there is none). ``{"settings": {...}}``
        trains those settings again (``RunSettings.to_dict()`` style, checked by
        ``replay_settings``) as this session's training, at full speed, and answers
        when it is done. ``expect_sha256`` is the checksum the weights must have: a
        network with others is refused with 409, and the session keeps its own.

        With both, as a shared link sends them, the saved run is taken if this
        server has it with the expected weights (a run number names another run, or
        none, on another server), and otherwise the settings are trained again and
        taken whatever their checksum: on another machine the arithmetic may differ
        in the last bits, and the nearest network is still the one to show.

        Like a finished training, the network becomes the session's and the one it
        replaces is kept for "back". Answers as GET /api/network does, plus
        ``replayed``: "run_id" or "settings".
        """
        body = await read_body(request)
        check.reject_unknown(body, {"settings", "run_id", "expect_sha256"})
        expect = check.get_checksum(body, "expect_sha256", default=None)
        run_id = check.get_int(body, "run_id", low=1, high=2**62, default=None)
        settings = (self.replay_settings(check.get_object(body, "settings"))
                    if "settings" in body else None)
        if run_id is None and settings is None:  # neither sent, or "run_id": null
            raise check.InvalidInput("send run_id, settings, or both")

        def differs(checksum: str) -> str | None:
            if expect is None or checksum == expect:
                return None
            return (f"the network made again has other weights (checksum {checksum[:12]}...) "
                    f"than expected ({expect[:12]}...); this session keeps its network")

        if run_id is not None:
            try:
                saved = await run_in_threadpool(load_saved_run, self.db_path, run_id,
                                                list(self.data.classes))
                problem = differs(array_checksum(saved.network.parameters()))
            except GlassnetError as error:
                if settings is None:
                    return error_response(404 if isinstance(error, NoSavedRun) else 422,
                                          str(error))
                problem = str(error)
            if problem is None:
                loss = (saved.settings or {}).get("loss", session.loss)
                session.adopt(saved.network, loss, saved.test_accuracy,
                              Origin.of(saved.network, "trained", saved.settings, run_id))
                return await self._replayed(request, session, "run_id")
            if settings is None:
                return error_response(409, problem)
            expect = None  # the settings are the fallback: taken whatever their checksum
        assert settings is not None
        problems: list[str] = []

        def adopt_if_expected(result: RunResult) -> dict[str, Any]:
            problem = differs(array_checksum(result.network.parameters()))
            if problem is not None:
                problems.append(problem)
                return {"adopted": False}
            return {"adopted": True,
                    "version": session.adopt(result.network, result.settings.loss,
                                             result.test_accuracy, trained_origin(result))}

        job = self.sessions.start_training(session, partial(
            LiveTraining, settings, self.data, on_finished=adopt_if_expected))
        await run_in_threadpool(job.join)
        if job.state == "failed":
            return error_response(422, job.error or "the training failed")
        if problems:
            return error_response(409, problems[0])
        return await self._replayed(request, session, "settings")

    async def runs(self, request: Request, session: Session) -> dict[str, Any]:
        """GET /api/runs: the newest saved runs a page may load (``replay.saved_runs``)."""
        return {"runs": await run_in_threadpool(saved_runs, self.db_path)}

    async def _replayed(self, request: Request, session: Session, how: str) -> Response:
        answer = await self.get_network(request, session)
        answer["replayed"] = how
        return JSONAnswer(answer)

    async def training_status(self, request: Request, session: Session) -> dict[str, Any]:
        """GET /api/training: the state and every epoch so far."""
        if session.training is None:
            return {"state": "idle", "epochs": [], "outcome": None, "last_event_id": 0}
        return session.training.status()

    async def training_control(self, request: Request, session: Session) -> Response:
        """POST /api/training/{pause,resume,step,stop}."""
        body = await read_body(request)
        check.reject_unknown(body, set())
        actions = ("pause", "resume", "step", "stop")
        action = request.path_params["action"]
        if action not in actions:
            return error_response(404, f"unknown training action; use one of: {', '.join(actions)}")
        job = session.training
        if job is None or not job.active:
            return error_response(409, "no training is running; start one first")
        {"pause": job.pause, "resume": job.resume, "step": job.step, "stop": job.stop}[action]()
        return JSONAnswer(job.status())

    async def training_events(self, request: Request, session: Session) -> Response:
        """GET /api/training/events: the training's events as Server-Sent Events."""
        job = session.training
        if job is None:
            return error_response(404, "no training has been started in this session")
        header = request.headers.get("last-event-id", "0")
        last_id = int(header) if is_decimal_number(header) and len(header) < 10 else 0
        return StreamingResponse(event_stream(job, last_id), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store",
                                          "X-Accel-Buffering": "no"})

    # ------------------------------------------------------------------ one weight's slope
    async def slope(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/slope: pick a connection; its loss curve and both slopes.

        Without ``layer``, ``row`` and ``column`` the server picks the connection whose
        slope is steepest on the lab's images (``slopelab.steepest_connection``) and,
        unless ``value`` is given, starts its weight 2 up the side of its valley
        (``SlopeLab.start_uphill``): a trained weight sits at the bottom, where a hop
        moves nothing.
        """
        body = await read_body(request)
        check.reject_unknown(body, {"layer", "row", "column", "learning_rate", "value"})
        rate = check.get_number(body, "learning_rate", low=1e-4, high=1000.0, default=1.0)
        value = check.get_number(body, "value", low=-WEIGHT_LIMIT * 10, high=WEIGHT_LIMIT * 10,
                                 default=None)
        named = [key for key in ("layer", "row", "column") if key in body]
        if named and len(named) != 3:
            raise check.InvalidInput("name a connection with all of layer, row and column, "
                                     "or none of them to start at the steepest one")

        def pick() -> dict[str, Any]:
            with session.lock:  # checked against the very network the lab will use
                network, images = session.network, self.slope_images
                if named:
                    shapes = [layer.W.shape for layer in network.layers]  # (n_in, n_out)
                    # The ranges are this network's, so a wrong number gets its range.
                    layer = check.get_int(body, "layer", low=0, high=len(shapes) - 1)
                    row = check.get_int(body, "row", low=0, high=shapes[layer][0] - 1)
                    column = check.get_int(body, "column", low=0, high=shapes[layer][1] - 1)
                else:
                    layer, row, column = steepest_connection(network, images.X, images.y,
                                                             session.loss)
                lab = SlopeLab(network, images.X, images.y, session.loss, layer, row, column,
                               learning_rate=rate)
                if value is not None:
                    lab.move_to(value)
                elif not named:
                    lab.start_uphill()
                session.slope_lab = lab
                return {**lab.landscape(), "chosen_by": "you" if named else "steepest"}

        return await run_in_threadpool(pick)

    async def slope_fit(self, request: Request, session: Session) -> Response:
        """POST /api/slope/fit: re-scale the chart to the whole hop path."""
        check.reject_unknown(await read_body(request), set())
        lab = session.slope_lab
        if lab is None:
            return error_response(409, "pick a connection first (POST /api/slope)")

        def fit() -> dict[str, Any]:
            with session.lock:
                lab.fit_to_path()
                return lab.landscape()

        return JSONAnswer(await run_in_threadpool(fit))

    async def slope_hop(self, request: Request, session: Session) -> Response:
        """POST /api/slope/hop: one hop downhill by the article's rule."""
        body = await read_body(request)
        check.reject_unknown(body, {"learning_rate"})
        rate = check.get_number(body, "learning_rate", low=1e-4, high=1000.0, default=None)
        lab = session.slope_lab
        if lab is None:
            return error_response(409, "pick a connection first (POST /api/slope)")

        def hop() -> dict[str, Any]:
            with session.lock:
                if rate is not None and rate != lab.learning_rate:
                    lab.set_learning_rate(rate)
                return lab.hop()

        return JSONAnswer(await run_in_threadpool(hop))

    # ------------------------------------------------------------------ backpropagation
    def _backprop_input(self, body: dict[str, Any], network: Network) -> tuple[Any, Any]:
        """The drawing (64 numbers) and the answer the learner says is right."""
        x = check.get_vector(body, "numbers", length=network.n_inputs, low=0.0, high=1.0)
        label = check.get_int(body, "label", low=-(10**9), high=10**9)
        classes = network.classes.tolist()
        if label not in classes:
            raise check.InvalidInput(f"label must be one of this network's classes: {classes}")
        return x, label

    async def backprop(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/backprop: the loss of one drawing and every slope behind it."""
        body = await read_body(request)
        check.reject_unknown(body, {"numbers", "label"})
        with session.lock:
            x, label = self._backprop_input(body, session.network)
            answer = backprop_view(session.network, x, label, session.loss)
            return {**answer, "version": session.version,
                    "can_undo": bool(session.backprop_undo)}

    async def backprop_step(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/backprop/step: one step downhill on every weight, for this one drawing."""
        body = await read_body(request)
        check.reject_unknown(body, {"numbers", "label", "learning_rate"})
        rate = check.get_number(body, "learning_rate", low=1e-4, high=100.0,
                                default=DEFAULT_STEP)

        def take_step() -> dict[str, Any]:
            with session.lock:
                network = session.network
                x, label = self._backprop_input(body, network)
                kept = network.get_parameters()
                session.remember_trained()
                moved = backprop_step(network, x, label, session.loss, rate)
                room = undo_depth(network) - 1  # for the older steps, beside this one
                older = session.backprop_undo[-room:] if room else []
                session.backprop_undo = [*older, kept]
                test_part = self.test_part_for(session.origin)
                version = session.weights_changed(evaluate(network, test_part).accuracy)
                return {**moved, **backprop_view(network, x, label, session.loss),
                        "version": version, "can_undo": True,
                        "test_accuracy": session.test_accuracy}

        return await run_in_threadpool(take_step)

    async def backprop_undo(self, request: Request, session: Session) -> Response:
        """POST /api/backprop/undo: put back the weights from before the last step."""
        body = await read_body(request)
        check.reject_unknown(body, {"numbers", "label"})
        with session.lock:
            network = session.network
            given = self._backprop_input(body, network) if body else None
            if not session.backprop_undo:
                return error_response(409, "there is no step to undo")
            network.set_parameters(session.backprop_undo.pop())
            test_part = self.test_part_for(session.origin)
            version = session.weights_changed(evaluate(network, test_part).accuracy)
            answer: dict[str, Any] = {"version": version,
                                      "can_undo": bool(session.backprop_undo),
                                      "test_accuracy": session.test_accuracy}
            if given is not None:
                answer.update(backprop_view(network, *given, session.loss))
            return JSONAnswer(answer)

    # ------------------------------------------------------------------ poking the network
    def _per_class(self, network: Network, origin: Origin) -> dict[str, Any]:
        scores = evaluate(network, self.test_part_for(origin))
        return {"test_accuracy": scores.accuracy,
                "per_class": {str(label): value
                              for label, value in scores.per_class_accuracy.items()}}

    async def knockout(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/knockout: switch a hidden neuron off, and what that costs each digit.

        Off means its outgoing weights are 0: whatever it computes, nothing after it
        hears. Reset (POST /api/reset) brings the trained weights back.
        """
        body = await read_body(request)
        check.reject_unknown(body, {"layer", "neuron"})

        def switch_off() -> dict[str, Any]:
            with session.lock:
                network = session.network
                if len(network.layers) < 2:
                    raise check.InvalidInput("this network has no hidden neuron to switch off")
                layer = check.get_int(body, "layer", low=0, high=len(network.layers) - 2)
                neuron = check.get_int(body, "neuron", low=0,
                                       high=network.layers[layer].n_out - 1)
                with_it = self._per_class(network, session.origin)
                session.remember_trained()
                outgoing = network.layers[layer + 1].W  # (n_neurons, n_next)
                outgoing[neuron, :] = 0.0
                without = self._per_class(network, session.origin)
                version = session.weights_changed(without["test_accuracy"])
                return {"layer": layer, "neuron": neuron, "version": version,
                        "with": with_it, "without": without}

        return await run_in_threadpool(switch_off)

    async def set_weight(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/weight: set one weight by hand, ``layers[layer].weights[row][column]``."""
        body = await read_body(request)
        check.reject_unknown(body, {"layer", "row", "column", "value"})
        value = check.get_number(body, "value", low=-WEIGHT_LIMIT, high=WEIGHT_LIMIT)
        with session.lock:
            network = session.network
            layer = check.get_int(body, "layer", low=0, high=len(network.layers) - 1)
            row = check.get_int(body, "row", low=0, high=network.layers[layer].n_in - 1)
            column = check.get_int(body, "column", low=0, high=network.layers[layer].n_out - 1)
            session.remember_trained()
            network.layers[layer].W[row, column] = value
            accuracy = evaluate(network, self.test_part_for(session.origin)).accuracy
            version = session.weights_changed(accuracy)
        return {"layer": layer, "row": row, "column": column, "value": value,
                "version": version, "test_accuracy": accuracy}

    async def reset_weights(self, request: Request, session: Session) -> Response:
        """POST /api/reset: the trained weights back, after knockouts, edits and steps."""
        check.reject_unknown(await read_body(request), set())
        with session.lock:
            if session.trained_weights is None:
                return error_response(409, "the network has its trained weights already")
            session.network.set_parameters(session.trained_weights)
            accuracy = session.trained_accuracy
            session.trained_weights = session.trained_accuracy = None
            session.backprop_undo = []
            version = session.weights_changed(accuracy)
        return JSONAnswer({"version": version, "test_accuracy": accuracy})

    # ------------------------------------------------------------------ the lesson's own
    async def handwriting_score(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/lesson/handwriting/score (see ``lesson_practice``)."""
        return await lesson_practice.handwriting_score(await read_body(request), session,
                                                       self.test_part_for(session.origin))

    async def handwriting_train(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/lesson/handwriting/train (see ``lesson_practice``)."""
        return await lesson_practice.handwriting_train(await read_body(request), session,
                                                       self.test_part_for(session.origin))

    async def two_neurons(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/lesson/two-neurons (see ``lesson``)."""
        return await lesson.two_neurons(await read_body(request), session)

    async def lesson_loss(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/lesson/loss (see ``lesson``)."""
        return await lesson.loss(await read_body(request), self.zeros_and_ones)

    async def one_image(self, request: Request, session: Session) -> dict[str, Any]:
        """POST /api/lesson/one-image (see ``lesson``): never the session's network."""
        return await lesson.one_image(await read_body(request), self.data)

    # ------------------------------------------------------------------ hand-set weights
    async def handset(self, request: Request, session: Session) -> dict[str, Any]:
        """GET/POST /api/handset: edit the hand-set 0-vs-1 network and score it."""
        body = await read_body(request) if request.method == "POST" else {}
        check.reject_unknown(body, {"cell", "weight", "bias", "preset", "numbers", "weights"})
        x = check.get_vector(body, "numbers", length=64, low=0.0, high=1.0, default=None)
        every = check.get_vector(body, "weights", length=64, low=-WEIGHT_LIMIT, high=WEIGHT_LIMIT,
                                 default=None)
        preset = check.get_choice(body, "preset", PRESETS, default=None)
        cell, weight = None, None
        if "cell" in body or "weight" in body:
            cell = check.get_int_list(body, "cell", max_length=2, low=0, high=7)
            if len(cell) != 2:
                raise check.InvalidInput("cell must be [row, column], each 0..7")
            weight = check.get_number(body, "weight", low=-WEIGHT_LIMIT, high=WEIGHT_LIMIT)
        bias = check.get_number(body, "bias", low=-WEIGHT_LIMIT, high=WEIGHT_LIMIT, default=None)
        with session.lock:
            hand = session.handset
            if preset is not None:
                hand.preset(preset)
            if every is not None:
                hand.set_all(every)
            if cell is not None:
                hand.set_cell(cell[0], cell[1], weight)
            if bias is not None:
                hand.set_bias(bias)
            answer = hand.score(x)
            network = session.network
        if x is not None:
            answer.update(outside_zeros_and_ones(network, x))
        return answer


def trained_origin(result: RunResult) -> Origin:
    """The origin of a network this explorer trained: the settings that train it again."""
    return Origin.of(result.network, "trained", reproducing_settings(result))


async def event_stream(job: LiveTraining, last_id: int):  # noqa: ANN201 - async generator
    """Server-Sent Events for one training: every event after ``last_id``, then the end.

    Each event is ``id``, ``event`` (started, state, epoch, done, failed) and ``data``
    (JSON). A comment line every 15 s keeps idle connections (a long pause) open.
    """
    quiet = 0.0
    while True:
        events = job.events_after(last_id)
        for event in events:
            last_id = event["id"]
            yield (f"id: {event['id']}\nevent: {event['event']}\n"
                   f"data: {json.dumps(event['data'], separators=(',', ':'))}\n\n")
        if events and events[-1]["event"] in ("done", "failed"):
            return
        if not events and not job.active and not job.events_after(last_id):
            return
        quiet = 0.0 if events else quiet + EVENT_POLL_SECONDS
        if quiet >= KEEPALIVE_SECONDS:
            quiet = 0.0
            yield ": still here\n\n"
        await anyio.sleep(EVENT_POLL_SECONDS)


async def read_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (the guard has already checked type and size)."""
    return check.decode_json_object(await request.body())


class JSONAnswer(JSONResponse):
    """A JSON response that can write any string, even one with a lone surrogate.

    Starlette's own writes UTF-8, which has no bytes for ``"\\ud800"`` (a JSON
    body may hold one, escaped, and an error message may quote it back): escaping
    every non-ASCII character, as ``json.dumps`` does by default, always works.
    """

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")
        except ValueError:  # inf or NaN in the answer, which JSON cannot hold
            self.status_code = 422  # every answer is written here, whoever made it
            return json.dumps({"error": NOT_FINITE}).encode("ascii")


#: Why an answer holding inf or NaN is refused: only a network with huge weights (one
#: loaded from a file, say) computes them from a drawing's pixels of 0 to 1.
NOT_FINITE = ("the network's values overflowed (to inf or NaN) here: its weights are too "
              "large to compute with; load or train another network")


def error_response(status: int, message: str, headers: dict[str, str] | None = None
                   ) -> JSONAnswer:
    return JSONAnswer({"error": message}, status_code=status, headers=headers)


async def _glassnet_error(request: Request, error: Exception) -> Response:
    return error_response(422, str(error))


async def _busy(request: Request, error: Exception) -> Response:
    assert isinstance(error, ServerBusy)
    return error_response(503, str(error), headers={"Retry-After": str(error.retry_after)})


async def _conflict(request: Request, error: Exception) -> Response:
    return error_response(409, str(error))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)  # its headers too: a 405 says what is Allowed
    return error_response(error.status_code, str(error.detail), headers=error.headers)


async def _unexpected_error(request: Request, error: Exception) -> Response:
    return error_response(500, "internal error: the server could not answer this request")


def create_app(
    network: Network | None = None,
    *,
    db_path: str | Path | None = None,
    max_sessions: int = MAX_SESSIONS,
    max_trainings: int = MAX_TRAININGS,
    host: str = "127.0.0.1",
    port: int | None = None,
    data: Dataset | None = None,
) -> Starlette:
    """Build the explorer application.

    Parameters
    ----------
    network : Network, optional
        The network every new session starts with (64 inputs). Default: a small
        network trained on the spot (``default_network``, about two seconds), whose
        settings ``GET /api/network`` then reports, so a shared view can replay it.
    db_path : path, optional
        The runs database where live trainings are recorded; None records nothing.
    max_sessions : int
        The most browser sessions kept. A new one takes the place of the longest
        idle only if that one is not training and was unused for 10 minutes; else
        the newcomer gets 503 (see ``sessions``).
    max_trainings : int
        The most trainings running at once, over all sessions.
    host, port : str, int
        Where the server listens: the ``Host`` header must name it (loopback names
        are always accepted). ``port=None`` accepts any port.
    data : Dataset, optional
        The digits to train and search (default ``load_digits()``).

    Returns
    -------
    starlette.applications.Starlette
    """
    data = data if data is not None else load_digits()
    # A network trained here can be trained again by a browser that opens a shared view.
    start_settings = DEFAULT_SETTINGS if network is None else None
    network = (as_network(network, "create_app serves") if network is not None
               else default_network(data))
    explorer = Explorer(network, data, db_path=db_path, max_sessions=max_sessions,
                        max_trainings=max_trainings, start_settings=start_settings)
    api = explorer.endpoint

    async def index(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-store"})

    routes = [
        Route("/", index),
        Route("/api/info", api(explorer.info)),
        Route("/api/network", api(explorer.get_network)),
        Route("/api/network/previous", api(explorer.previous_network), methods=["POST"]),
        Route("/api/network/replay", api(explorer.network_replay), methods=["POST"]),
        Route("/api/runs", api(explorer.runs)),
        Route("/api/predict", api(explorer.predict), methods=["POST"]),
        Route("/api/neuron", api(explorer.neuron), methods=["POST"]),
        Route("/api/training", api(explorer.training_status)),
        Route("/api/training/start", api(explorer.training_start), methods=["POST"]),
        Route("/api/training/events", api(explorer.training_events)),
        Route("/api/training/{action:str}", api(explorer.training_control), methods=["POST"]),
        Route("/api/slope", api(explorer.slope), methods=["POST"]),
        Route("/api/slope/hop", api(explorer.slope_hop), methods=["POST"]),
        Route("/api/slope/fit", api(explorer.slope_fit), methods=["POST"]),
        Route("/api/knockout", api(explorer.knockout), methods=["POST"]),
        Route("/api/weight", api(explorer.set_weight), methods=["POST"]),
        Route("/api/reset", api(explorer.reset_weights), methods=["POST"]),
        Route("/api/backprop", api(explorer.backprop), methods=["POST"]),
        Route("/api/backprop/step", api(explorer.backprop_step), methods=["POST"]),
        Route("/api/backprop/undo", api(explorer.backprop_undo), methods=["POST"]),
        Route("/api/handset", api(explorer.handset), methods=["GET", "POST"]),
        Route("/api/lesson/two-neurons", api(explorer.two_neurons), methods=["POST"]),
        Route("/api/lesson/loss", api(explorer.lesson_loss), methods=["POST"]),
        Route("/api/lesson/one-image", api(explorer.one_image), methods=["POST"]),
        Route("/api/lesson/handwriting/score", api(explorer.handwriting_score),
              methods=["POST"]),
        Route("/api/lesson/handwriting/train", api(explorer.handwriting_train),
              methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette):  # noqa: ANN202
        yield
        explorer.sessions.close_all()

    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestGuard, host=host, port=port)],
        exception_handlers={GlassnetError: _glassnet_error, ServerBusy: _busy,
                            SessionConflict: _conflict, HTTPException: _http_error,
                            Exception: _unexpected_error},
        lifespan=lifespan,
    )
    app.state.explorer = explorer
    return app


def find_free_port(host: str = "127.0.0.1") -> int:
    """A port the system says is free right now (for ``--port 0`` and tests)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def serve(app: Starlette, host: str = "127.0.0.1", port: int = 8000, *,
          header_timeout: float | None = None, max_concurrency: int | None = None) -> None:
    """Run the application with uvicorn until Ctrl-C (blocks).

    The server protects itself from connections that stall or pile up (see
    ``glassnet.web.server``, which builds the configuration):

    - a client has ``header_timeout`` seconds (default 20) to send a request's line
      and headers, on a new connection or after the previous answer. Then it gets
      408 if it sent part of them, and its connection is closed. uvicorn alone never
      closes such a connection. Answers themselves have no time limit, so a
      live-training event stream runs as long as the training;
    - each piece of a request body must come within 5 s, and the whole body within
      10 s (``security.RequestGuard``, 408); bodies over 1 MB get 413;
    - a connection idle after an answer is closed after 2 s (keep-alive);
    - a request arriving while the server holds ``max_concurrency`` connections
      (default 128, counting stalled ones and its own) or runs that many requests
      gets 503 at once, instead of queueing more work and memory. Connections are
      still accepted: a stalled one lives at most ``header_timeout`` seconds;
    - an unfinished request line and headers held past 16 KiB get 400.

    Parameters
    ----------
    app : Starlette
        From ``create_app``.
    host, port : str, int
        The address to listen on.
    header_timeout : float, optional
        Seconds for a request's line and headers (``server.HEADER_TIMEOUT_SECONDS``).
    max_concurrency : int, optional
        uvicorn's ``limit_concurrency`` (``server.MAX_CONCURRENCY``).
    """
    import uvicorn

    from . import server

    config = server.server_config(
        app, host=host, port=port,
        header_timeout=server.HEADER_TIMEOUT_SECONDS if header_timeout is None else header_timeout,
        max_concurrency=server.MAX_CONCURRENCY if max_concurrency is None else max_concurrency,
    )
    uvicorn.Server(config).run()


__all__ = ["create_app", "default_network", "serve", "find_free_port", "Explorer",
           "DEFAULT_SETTINGS", "MAX_SESSIONS", "MAX_EPOCHS", "MAX_HIDDEN_UNITS"]
