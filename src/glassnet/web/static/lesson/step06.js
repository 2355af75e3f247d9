/* glassnet lesson, step 6: the slope of the loss for one weight, the hop downhill, and then
   every weight at once. Every number comes from /api/slope and /api/backprop.
   This file also holds the frame the lesson's charts share (window.glassnetLessonChart:
   steps 6 and 7), as step 7 shares its training with step 9. */
"use strict";

/* The frame of the lesson's charts (steps 6 and 7), drawn like the explorer's own charts
   (app.js, drawChart): light grid lines at round values, their numbers on the left and
   along the bottom. The server chooses the values and their labels (web/axes.py); the
   page only turns numbers into pixels. */
(function () {
  const NUMBERS = "#626a7e", GRID = "#eceef4", INK = "#1c1f2b";
  const NUMBER_FONT = "11px system-ui, sans-serif", WORD_FONT = "12px system-ui, sans-serif";

  /**
   * Draw a chart's frame on ctx (width x height CSS pixels): a grid line and a number at each
   * tick, and the words of both axes ("loss" above the numbers on the left, words.x under the
   * numbers at the bottom right). x and y: {low, high, ticks: [{value, label}]}.
   * A number that would touch the one before it is left out, so they stay readable on a
   * phone. The canvas's data-x-ticks and data-y-ticks list the numbers drawn (JSON).
   * Returns {X, Y, plot}: value to pixel on each axis, and the box inside the axes.
   */
  function drawFrame(canvas, ctx, width, height, x, y, words) {
    ctx.font = NUMBER_FONT;
    const widest = Math.max(0, ...y.ticks.map((tick) => ctx.measureText(tick.label).width));
    const plot = { left: Math.ceil(widest) + 10, right: width - 14, top: 26, bottom: height - 36 };
    const X = (v) => plot.left + (plot.right - plot.left) * (v - x.low) / ((x.high - x.low) || 1);
    const Y = (v) => plot.bottom - (plot.bottom - plot.top) * (v - y.low) / ((y.high - y.low) || 1);
    ctx.fillStyle = NUMBERS; ctx.strokeStyle = GRID; ctx.lineWidth = 1;
    const shownY = [];
    let above = Infinity;  // the pixel row of the last number drawn, going up
    for (const tick of y.ticks) {
      const at = Y(tick.value);
      if (at > plot.bottom + 0.5 || at < plot.top - 0.5 || above - at < 14) continue;
      ctx.beginPath(); ctx.moveTo(plot.left, at); ctx.lineTo(plot.right, at); ctx.stroke();
      ctx.textAlign = "right"; ctx.fillText(tick.label, plot.left - 5, at + 4);
      shownY.push(tick.label); above = at;
    }
    const shownX = [];
    let rightEdge = -Infinity;  // where the last number drawn ends, going right
    for (const tick of x.ticks) {
      const at = X(tick.value), half = ctx.measureText(tick.label).width / 2;
      const centre = Math.min(Math.max(at, half + 1), width - half - 1);  // inside the canvas
      if (at < plot.left - 0.5 || at > plot.right + 0.5 || centre - half < rightEdge + 8) continue;
      ctx.beginPath(); ctx.moveTo(at, plot.top); ctx.lineTo(at, plot.bottom); ctx.stroke();
      ctx.textAlign = "center"; ctx.fillText(tick.label, centre, plot.bottom + 15);
      shownX.push(tick.label); rightEdge = centre + half;
    }
    ctx.fillStyle = INK; ctx.font = WORD_FONT;
    ctx.textAlign = "left"; ctx.fillText(words.y, 4, 12);
    ctx.textAlign = "right"; ctx.fillText(words.x, width - 4, height - 4);
    ctx.textAlign = "left";
    canvas.dataset.xTicks = JSON.stringify(shownX);
    canvas.dataset.yTicks = JSON.stringify(shownY);
    return { X, Y, plot };
  }

  /** Draw only inside the axes while draw() runs (a hop off the chart does not cover a number). */
  function insidePlot(ctx, plot, draw) {
    ctx.save();
    ctx.beginPath(); ctx.rect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top); ctx.clip();
    draw();
    ctx.restore();
  }

  window.glassnetLessonChart = Object.freeze({ drawFrame, insidePlot });
})();

(function () {
  let lastSlope = null;  // the last /api/slope answer, for the question

  function drawCurve(canvas, g, answer) {
    const [ctx, width, height] = g.fitCanvas(canvas, 0.5);
    const chart = window.glassnetLessonChart;
    // The server sends both axes with their round tick values and labels.
    const { X, Y, plot } = chart.drawFrame(canvas, ctx, width, height, answer.x_axis, answer.y_axis,
      { x: "the weight's value →", y: "loss" });
    chart.insidePlot(ctx, plot, () => {
      ctx.strokeStyle = "#2563eb"; ctx.lineWidth = 2; ctx.beginPath();
      answer.weights.forEach((w, i) => {
        if (i === 0) ctx.moveTo(X(w), Y(answer.losses[i])); else ctx.lineTo(X(w), Y(answer.losses[i]));
      });
      ctx.stroke();
      ctx.fillStyle = "#e8590c";
      for (const hop of answer.hops) {
        ctx.beginPath(); ctx.arc(X(hop.to), Y(hop.loss), 4, 0, 2 * Math.PI); ctx.fill();
      }
      ctx.fillStyle = "#1c1f2b";
      ctx.beginPath(); ctx.arc(X(answer.value), Y(answer.loss), 6, 0, 2 * Math.PI); ctx.fill();
    });
  }

  function describe(answer, g) {
    const slope = answer.numerical_slope;
    const way = slope > 0 ? "uphill to the right, so the hop goes left (smaller weight)"
      : slope < 0 ? "downhill to the right, so the hop goes right (bigger weight)" : "flat here";
    const last = answer.hops.length ? answer.hops[answer.hops.length - 1] : null;
    const hop = last ? ` Last hop: ${g.fixed(last.from)} → ${g.fixed(last.to)}` +
      (last.overshot ? ", it overshot, so the next hop is smaller." : ".") : "";
    return `Weight ${answer.row} → ${answer.column} of layer ${answer.layer}: value ${g.fixed(answer.value)},` +
      ` loss ${g.fixed(answer.loss)}, slope ${g.fixed(slope, 4)}: ${way}.${hop}`;
  }

  window.glassnetLesson.register({
    n: 6,
    title: "The slope: which way is downhill",
    body: "<p>To make the loss smaller, look at one weight at a time. Nudge it a little and see " +
      "whether the loss goes up or down: that is the slope. If the loss rises as the weight grows, " +
      "make the weight smaller; if it falls, make it bigger. The steeper the slope, the bigger the hop.</p>" +
      "<p>Sometimes a hop is too big and jumps past the bottom of the valley. Then the next hop is " +
      "smaller. Below is the real loss of this network as one of its weights changes.</p>" +
      "<p>The network does this for every weight at once. For one digit, the pictures at the bottom " +
      "show the slope of each incoming weight of the first hidden neurons: blue means the loss rises " +
      "if that weight grows, orange that it falls.</p>",
    mount(el, g) {
      lastSlope = null;
      const canvas = g.el("canvas", { class: "step06-chart", role: "img",
        "aria-label": "the loss as one weight changes" });
      const words = g.el("p", { "data-testid": "step06-words", "aria-live": "polite",
        text: "Pick a weight to see its loss curve." });
      const layer = g.el("input", { type: "number", id: "step06-layer", min: "0", value: "0" });
      const row = g.el("input", { type: "number", id: "step06-row", min: "0", value: "36" });
      const column = g.el("input", { type: "number", id: "step06-column", min: "0", value: "0" });
      const show = (answer) => {
        lastSlope = answer;
        // The boxes always name the weight on the chart, also when the server picked it
        // (the steepest): then "Look at this weight" looks at it again, not at an older one.
        layer.value = String(answer.layer);
        row.value = String(answer.row);
        column.value = String(answer.column);
        drawCurve(canvas, g, answer);
        words.textContent = describe(answer, g);
      };
      const call = async (path, body) => {
        try { show(await g.api(path, body)); } catch (error) { g.toast(error.message); }
      };
      const steepest = g.el("button", { type: "button", "data-testid": "step06-steepest", text: "Pick the steepest weight" });
      steepest.addEventListener("click", () => call("/api/slope", {}));
      const pick = g.el("button", { type: "button", "data-testid": "step06-pick", text: "Look at this weight" });
      pick.addEventListener("click", () => call("/api/slope", {
        layer: Number(layer.value), row: Number(row.value), column: Number(column.value) }));
      const hop = g.el("button", { type: "button", class: "primary", "data-testid": "step06-hop", text: "Hop downhill" });
      hop.addEventListener("click", () => { if (lastSlope) call("/api/slope/hop", {}); else g.toast("pick a weight first"); });
      const label = (input, text) => g.el("label", { for: input.id, text }, [input]);
      const pictures = g.el("div", { class: "thumbs", "data-testid": "step06-slopes" });
      const every = g.el("button", { type: "button", "data-testid": "step06-every", text: "Every weight at once, for one digit" });
      every.addEventListener("click", async () => {
        try {
          const digit = await g.api("/api/predict", { example: 0 });
          const view = await g.api("/api/backprop", { numbers: digit.numbers, label: digit.label });
          pictures.replaceChildren(g.thumb(digit.numbers, `a ${digit.label}`));
          view.slope_pictures.slice(0, 12).forEach((slopes, j) => pictures.append(
            g.thumb(slopes, `neuron ${j}`, (s) => g.weightColor(s, view.slope_scale))));
        } catch (error) { g.toast(error.message); }
      });
      el.append(
        g.el("div", { class: "step06-row" }, [steepest, label(layer, "layer "), label(row, "from "), label(column, "to "), pick, hop]),
        canvas, words, g.el("div", { class: "step06-row" }, [every]), pictures);
    },
    question: {
      text: "Find a weight whose slope is positive (the loss rises as it grows): pick one and press Check.",
      check: async () => {
        if (!lastSlope) return { correct: false, message: "pick a weight first, then check." };
        const slope = lastSlope.numerical_slope;
        return slope > 0
          ? { correct: true, message: `its slope is ${slope.toFixed(4)}: a hop would make it smaller.` }
          : { correct: false, message: `its slope is ${slope.toFixed(4)}, not positive: try another weight.` };
      },
    },
  });
})();
