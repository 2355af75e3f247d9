/* glassnet lesson, step 8: hidden neurons learn parts of digits. Their weights as 8x8 pictures
   (from /api/network) and the training digits that excite each most (/api/neuron). */
"use strict";
(function () {
  let chosen = null;  // the last /api/neuron answer

  window.glassnetLesson.register({
    n: 8,
    title: "Hidden layers learn parts of digits",
    body: "<p>Between the inputs and the outputs sit hidden neurons. Each one looks at all 64 pixels " +
      "with its own weights, so its weights can be drawn as a little 8×8 picture: blue where ink " +
      "pushes it up, orange where ink pulls it down.</p>" +
      "<p>Nobody told them what to look for. Training shaped each into a detector of some part of a " +
      "digit: a stroke, a curve, an empty middle. Pick a neuron to see the training digits that excite it most.</p>",
    mount(el, g) {
      chosen = null;
      const grid = g.el("div", { class: "thumbs step08-neurons", "data-testid": "step08-neurons" });
      const detail = g.el("div", { class: "step08-detail", "aria-live": "polite" });
      // The learner's answer starts empty: a digit chosen in advance would be graded as a
      // guess nobody made (and be "right" by luck for a neuron whose favourite it is).
      const guess = g.el("select", { id: "step08-guess", "data-testid": "step08-guess" }, [
        g.el("option", { value: "", text: "choose a digit", disabled: "", selected: "" })]);
      for (let d = 0; d <= 9; d++) guess.append(g.el("option", { value: String(d), text: String(d) }));
      const show = async (j, button) => {
        try {
          chosen = await g.api("/api/neuron", { layer: 0, neuron: j });
          for (const b of grid.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b === button));
          const favourites = g.el("div", { class: "thumbs", "data-testid": "step08-exciting" });
          chosen.exciting.forEach((e) => favourites.append(g.thumb(e.image, `${e.label}`)));
          detail.replaceChildren(
            g.el("p", { text: `Neuron ${j}: its weights, and the training digits that excite it most (with their labels).` }),
            g.thumb(chosen.picture.flat(), `neuron ${j}`, (w) => g.weightColor(w, g.maxAbs(chosen.picture.flat()))),
            favourites);
        } catch (error) { g.toast(error.message); }
      };
      (async () => {
        try {
          const network = await g.api("/api/network");
          if (network.layers.length < 2) {
            grid.append(g.el("p", { text: "This network has no hidden layer: train one with hidden neurons in step 7 or 9." }));
            return;
          }
          const weights = network.layers[0].weights;  // (64, n_hidden)
          const count = Math.min(weights[0].length, 16);
          for (let j = 0; j < count; j++) {
            const column = weights.map((row) => row[j]);
            const picture = g.thumb(column, `#${j}`, (w) => g.weightColor(w, g.maxAbs(column)));
            const button = g.el("button", { type: "button", class: "step08-neuron", "data-testid": `step08-neuron-${j}`,
              "aria-pressed": "false", "aria-label": `hidden neuron ${j}` }, [picture]);
            button.addEventListener("click", () => show(j, button));
            grid.append(button);
          }
        } catch (error) { g.toast(error.message); }
      })();
      el.append(grid, detail, g.el("p", {}, [g.el("label", { for: "step08-guess",
        text: "Which digit excites the chosen neuron most? " }), guess]));
    },
    question: {
      text: "Pick a hidden neuron, choose the digit you think excites it most, and press Check.",
      check: async (el) => {
        if (!chosen) return { correct: false, message: "pick a neuron first." };
        const answer = el.querySelector("#step08-guess").value;
        if (answer === "") return { correct: false, message: "choose the digit you think excites it most." };
        const said = Number(answer), top = chosen.exciting[0].label;
        return said === top
          ? { correct: true, message: `the digit that excites neuron ${chosen.neuron} most is a ${top}.` }
          : { correct: false, message: `neuron ${chosen.neuron}'s favourite is a ${top}, not a ${said}.` };
      },
    },
  });
})();
