/* glassnet lesson, step 9: train, test, tweak, retrain, retest. Each row of the table is a
   finished training's own result from the server (/api/training). */
"use strict";
(function () {
  const CHOICES = { "none": [], "8": [8], "32": [32], "32, 32": [32, 32] };
  const rows = [];  // {layers, test_accuracy, seconds}: kept while the page is open

  window.glassnetLesson.register({
    n: 9,
    title: "Train, test, tweak, retrain, retest",
    body: "<p>The test images are kept apart: the network never learns from them, so its score on " +
      "them says how it will do on digits it has never seen. That score is the one to compare.</p>" +
      "<p>Now tweak it. Choose the hidden layers, train, and see the new score in the table. Try a " +
      "few: no hidden layer, a small one, a big one, two layers. More is not always better, and it " +
      "always takes longer.</p>",
    mount(el, g) {
      const layers = g.el("select", { id: "step09-layers" });
      for (const name of Object.keys(CHOICES)) layers.append(g.el("option", { value: name, text: name }));
      layers.value = "8";
      const train = g.el("button", { type: "button", class: "primary", "data-testid": "step09-train", text: "Train and test" });
      const words = g.el("p", { "aria-live": "polite", "data-testid": "step09-words" });
      const table = g.el("table", { class: "step09-table", "data-testid": "step09-table" });
      const best = g.el("select", { id: "step09-best" });
      const redraw = () => {
        table.replaceChildren(g.el("tr", {}, ["hidden layers", "test accuracy", "time"].map(
          (h) => g.el("th", { scope: "col", text: h }))));
        best.replaceChildren();
        rows.forEach((r, i) => {
          table.append(g.el("tr", {}, [g.el("td", { text: r.layers }), g.el("td", { text: g.percent(r.test_accuracy) }),
            g.el("td", { text: `${r.seconds.toFixed(2)} s` })]));
          best.append(g.el("option", { value: String(i), text: `row ${i + 1}: ${r.layers}` }));
        });
      };
      let alive = true;
      train.addEventListener("click", async () => {
        train.disabled = true;
        words.textContent = "Training…";
        try {
          const status = await window.glassnetLessonTraining.follow(
            g, { hidden: CHOICES[layers.value], epochs: 10, seed: 0 }, null, () => alive);
          await g.reloadNetwork();  // the explorer shows the network just trained
          if (!alive) return;
          rows.push({ layers: layers.value, test_accuracy: status.outcome.test_accuracy, seconds: status.outcome.seconds });
          words.textContent = `Hidden layers ${layers.value}: ${g.percent(status.outcome.test_accuracy)} of the test images right.`;
          redraw();
        } catch (error) { g.toast(error.message); words.textContent = error.message; }
        finally { train.disabled = false; }
      });
      redraw();
      el.append(g.el("div", { class: "step06-row" }, [g.el("label", { for: "step09-layers", text: "hidden layers " }), layers, train]),
        words, table, g.el("p", {}, [g.el("label", { for: "step09-best", text: "Which row scored best on the test? " }), best]));
      return () => { alive = false; };
    },
    question: {
      text: "Train at least two different hidden layers, pick the row that scored best, and press Check.",
      check: async (el) => {
        if (rows.length < 2) return { correct: false, message: "train at least two rows to compare." };
        const said = Number(el.querySelector("#step09-best").value);
        const top = Math.max(...rows.map((r) => r.test_accuracy));
        return rows[said].test_accuracy === top
          ? { correct: true, message: `row ${said + 1} (${rows[said].layers}) scored best: ${(100 * top).toFixed(1)}%.` }
          : { correct: false, message: `row ${said + 1} scored ${(100 * rows[said].test_accuracy).toFixed(1)}%; another did better.` };
      },
    },
  });
})();
