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


  function drawLoss(canvas, g, epochs) {
    const [ctx, width, height] = g.fitCanvas(canvas, 0.45);
    if (!epochs.length) return;
    const losses = epochs.map((e) => e.train_loss);
    const top = Math.max(...losses) * 1.05;
    const px = (i) => 36 + (width - 46) * (epochs.length === 1 ? 0 : i / (epochs.length - 1));
    const py = (l) => height - 20 - (height - 30) * l / top;
    ctx.strokeStyle = "#2563eb"; ctx.lineWidth = 2; ctx.beginPath();
    losses.forEach((l, i) => { if (i === 0) ctx.moveTo(px(i), py(l)); else ctx.lineTo(px(i), py(l)); });
    ctx.stroke();
    ctx.fillStyle = "#1c1f2b"; ctx.font = "12px sans-serif";
    ctx.fillText("loss", 2, 12);
    ctx.fillText(`epoch ${epochs.length}`, width - 70, height - 4);
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
      const canvas = g.el("canvas", { class: "step07-chart", "aria-label": "the training loss, epoch by epoch" });
      const words = g.el("p", { "data-testid": "step07-words", "aria-live": "polite",
        text: "Not trained yet in this step." });
      const train = g.el("button", { type: "button", class: "primary", "data-testid": "step07-train",
        text: "Train from random weights" });
      train.addEventListener("click", async () => {
        train.disabled = true;
        words.textContent = "Training…";
        try {
          const status = await follow(g, { hidden: [16], epochs: 12, seed: 1, pace: 0.05 }, (s) => {
            drawLoss(canvas, g, s.epochs);
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
