/* glassnet lesson, step 7: ten outputs, random starting weights, and a live training whose
   loss falls epoch by epoch (the explorer's /api/training routes). */
"use strict";
(function () {
  /** Start a training and follow it: resolves to the finished status. Shared with step 9. */
  async function follow(g, settings, onStatus, alive) {
    await g.api("/api/training/start", settings);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const status = await g.api("/api/training");
      if (alive && !alive()) return status;
      if (onStatus) onStatus(status);
      if (status.state === "finished") return status;
      if (status.state === "failed") throw new Error((status.outcome && status.outcome.error) || "the training failed");
    }
  }
  window.glassnetLessonTraining = Object.freeze({ follow });


  /** The training loss so far, on an epoch axis as long as the whole training (it fills in). */
  function drawLoss(canvas, g, status) {
    const [ctx, width, height] = g.fitCanvas(canvas, 0.45);
    const epochs = status.epochs;
    if (!epochs.length) return;
    const chart = window.glassnetLessonChart;
    // The server sends both axes: epochs up to the last one planned, losses from 0.
    const axes = status.loss_axes;
    const { X, Y, plot } = chart.drawFrame(canvas, ctx, width, height, axes.x_axis, axes.y_axis,
      { x: `epoch ${epochs.length}`, y: "loss" });
    chart.insidePlot(ctx, plot, () => {
      ctx.strokeStyle = "#2563eb"; ctx.fillStyle = "#2563eb"; ctx.lineWidth = 2; ctx.beginPath();
      epochs.forEach((e, i) => {
        if (i === 0) ctx.moveTo(X(e.epoch), Y(e.train_loss)); else ctx.lineTo(X(e.epoch), Y(e.train_loss));
      });
      ctx.stroke();
      if (epochs.length === 1) {  // one epoch is a point, not yet a line
        ctx.beginPath(); ctx.arc(X(epochs[0].epoch), Y(epochs[0].train_loss), 3, 0, 2 * Math.PI); ctx.fill();
      }
    });
  }

  window.glassnetLesson.register({
    n: 7,
    title: "Ten outputs, random weights, and training",
    body: "<p>To tell all ten digits apart, the network gets ten output neurons, one for each digit; " +
      "the one that lights up most is its guess.</p>" +
      "<p>Nobody sets its weights by hand. They start random, so at first its guesses are no better " +
      "than chance. Then it goes through the training images again and again, and after each batch of " +
      "images every weight hops a little downhill. One pass over all the images is an epoch.</p>" +
      "<p>Press Train and watch the loss fall as the epochs go by.</p>",
    mount(el, g) {
      let alive = true;
      const canvas = g.el("canvas", { class: "step07-chart", role: "img",
        "aria-label": "the training loss, epoch by epoch" });
      const words = g.el("p", { "data-testid": "step07-words", "aria-live": "polite",
        text: "Not trained yet in this step." });
      const train = g.el("button", { type: "button", class: "primary", "data-testid": "step07-train",
        text: "Train from random weights" });
      train.addEventListener("click", async () => {
        train.disabled = true;
        words.textContent = "Training…";
        try {
          const status = await follow(g, { hidden: [16], epochs: 12, seed: 1, pace: 0.05 }, (s) => {
            drawLoss(canvas, g, s);
            const last = s.epochs[s.epochs.length - 1];
            if (last) words.textContent = `Epoch ${last.epoch}: loss ${g.fixed(last.train_loss)}, ` +
              `${g.percent(last.train_accuracy)} of the training images right.`;
          }, () => alive);
          await g.reloadNetwork();  // the trained network is the explorer's now: show it
          if (!alive) return;
          const first = status.epochs[0], last = status.epochs[status.epochs.length - 1];
          words.textContent = `Done: the loss fell from ${g.fixed(first.train_loss)} to ${g.fixed(last.train_loss)}; ` +
            `on test images it never saw it gets ${g.percent(status.outcome.test_accuracy)} right.`;
        } catch (error) { g.toast(error.message); words.textContent = error.message; }
        finally { train.disabled = false; }
      });
      el.append(g.el("div", { class: "step06-row" }, [train]), canvas, words);
      return () => { alive = false; };
    },
    question: {
      text: "Train the network, then press Check: did its loss fall by more than half?",
      check: async (el, g) => {
        const status = await g.api("/api/training");
        if (status.state !== "finished" || !status.epochs.length) {
          return { correct: false, message: "train it first and wait until it is done." };
        }
        const first = status.epochs[0].train_loss, last = status.epochs[status.epochs.length - 1].train_loss;
        return last < first / 2
          ? { correct: true, message: `the loss fell from ${first.toFixed(3)} to ${last.toFixed(3)}.` }
          : { correct: false, message: `the loss went from ${first.toFixed(3)} to ${last.toFixed(3)}: not half.` };
      },
    },
  });
})();
