/* glassnet lesson, step 6: the slope of the loss for one weight, the hop downhill, and then
   every weight at once. Every number comes from /api/slope and /api/backprop. */
"use strict";
(function () {
  let lastSlope = null;  // the last /api/slope answer, for the question

  function drawCurve(canvas, g, answer) {
    const [ctx, width, height] = g.fitCanvas(canvas, 0.5);
    const xs = answer.x_axis, ys = answer.y_axis;
    const px = (w) => 30 + (width - 40) * (w - xs.low) / (xs.high - xs.low);
    const py = (l) => height - 20 - (height - 30) * (l - ys.low) / (ys.high - ys.low);
    ctx.strokeStyle = "#2563eb"; ctx.lineWidth = 2; ctx.beginPath();
    answer.weights.forEach((w, i) => {
      if (i === 0) ctx.moveTo(px(w), py(answer.losses[i])); else ctx.lineTo(px(w), py(answer.losses[i]));
    });
    ctx.stroke();
    ctx.fillStyle = "#e8590c";
    for (const hop of answer.hops) {
      ctx.beginPath(); ctx.arc(px(hop.to), py(hop.loss), 4, 0, 2 * Math.PI); ctx.fill();
    }
    ctx.fillStyle = "#1c1f2b";
    ctx.beginPath(); ctx.arc(px(answer.value), py(answer.loss), 6, 0, 2 * Math.PI); ctx.fill();
    ctx.font = "12px sans-serif";
    ctx.fillText("loss", 2, 12);
    ctx.fillText("the weight's value →", width - 130, height - 4);
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
      const canvas = g.el("canvas", { class: "step06-chart", "aria-label": "the loss as one weight changes" });
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
