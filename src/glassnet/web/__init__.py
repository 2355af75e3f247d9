"""The explorer: a web page where you draw a digit and watch it flow through the network.

``glassnet explore`` serves one static page (HTML, CSS and plain JavaScript, no build
step, nothing fetched from the internet) and a small JSON API. The page only *draws*:
every number it shows, from the 64 inputs to the slope of one weight, is computed in
Python by the same core the command line and the tour use.

Modules, one idea each:

- ``app``: the Starlette application and its routes (``create_app``, ``serve``);
- ``server``: the uvicorn configuration ``serve`` uses, with a deadline for request
  headers and a limit on concurrent connections;
- ``security``: what a local server must refuse (foreign hosts and origins, big or
  non-JSON bodies) before any route runs;
- ``validation``: turning untrusted JSON into checked numbers, or a clear 422;
- ``sessions``: one network, one training and one set of experiments per browser;
- ``livetraining``: training in a worker thread that can be paused, stepped, stopped
  and watched epoch by epoch;
- ``inspection``: what happened inside the network for one input, neuron by neuron;
- ``slopelab``: the loss as one weight varies, and the article's hop downhill;
- ``handset``: the article's hand-weighted 0-vs-1 network.

Starlette and uvicorn are imported only here, so ``import glassnet`` stays light.
"""

from .app import create_app, default_network, serve

__all__ = ["create_app", "default_network", "serve"]
