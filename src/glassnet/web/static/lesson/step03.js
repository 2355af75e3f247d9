/* glassnet lesson, step 3: the article's hand-weighted neuron that tells 0s from 1s (paint in
   the middle +1, the edges -1). The learner's drawing goes through /api/predict (its 8x8
   numbers) and then /api/handset, which scores it and the real 0s and 1s. */
"use strict";
(function () {
  let last = null;  // the last /api/handset answer for a drawing: its guess decides the question

  window.glassnetLesson.register({
    n: 3,
    title: "A neuron set by hand: 0 or 1?",
    body: "<p>Before any learning, we can set a neuron's weights by hand. A 1 is mostly a stroke " +
      "down the middle; a 0 is a ring with an empty middle. So give the squares in the middle a " +
      "weight of +1 and every other square a weight of −1.</p>" +
      "<p>Now ink in the middle pushes the weighted sum up and ink at the sides pulls it down. " +
      "Squashed, a big sum is close to 1 (\"this is a 1\") and a very negative one close to 0 " +
      "(\"this is a 0\"). Half way, 0.5, is the line between them.</p>" +
      "<p>No training at all, yet this one neuron gets most real 0s and 1s right. Draw a digit and " +
      "see what it says. It only knows 0s and 1s: shown a 7 it still answers one of the two.</p>",
    mount(el, g) {
      last = null;
      const { paper, pad, inked, clear } = window.glassnetLessonPad(g, "step03-pad");
      const pictures = g.el("div", { class: "thumbs lesson-row" });
      const words = g.el("p", { "data-testid": "step03-words", "aria-live": "polite",
        text: "Draw a digit, then ask the neuron." });
      const show = (answer, numbers) => {
        const weights = answer.weights.flat();
        pictures.replaceChildren(
          g.el("div", { class: "step03-weights" }, [g.thumb(weights, "its weights: blue +, orange −",
            (w) => g.weightColor(w, g.maxAbs(weights)))]));
        if (numbers) pictures.append(g.el("div", { class: "step03-image" }, [g.thumb(numbers, "your drawing, 8×8")]));
        const real = `On the real digits it gets ${g.percent(answer.accuracy_zeros, 0)} of ${answer.n_zeros} zeros ` +
          `and ${g.percent(answer.accuracy_ones, 0)} of ${answer.n_ones} ones right.`;
        words.textContent = answer.guess === undefined ? real
          : `Weighted sum ${g.fixed(answer.weighted_sum, 2)}, squashed ${g.fixed(answer.output, 3)}: ` +
            `it says ${answer.guess}. ${real}${answer.neither ? " " + answer.neither : ""}`;
      };
      const ask = g.el("button", { type: "button", class: "primary", "data-testid": "step03-ask", text: "Ask the neuron" });
      ask.addEventListener("click", async () => {
        if (!inked()) { g.toast("draw a digit on the pad first"); return; }
        try {
          const drawing = await g.api("/api/predict", { pixels: g.readPad(pad) });
          if (!drawing.ink) { g.toast(drawing.message); return; }
          last = await g.api("/api/handset", { preset: "source", numbers: drawing.numbers });
          show(last, drawing.numbers);
        } catch (error) { g.toast(error.message); }
      });
      const wipe = g.el("button", { type: "button", "data-testid": "step03-clear", text: "Clear the pad" });
      wipe.addEventListener("click", () => { clear(); last = null; });
      el.append(g.el("div", { class: "lesson-row" }, [paper, g.el("div", {}, [ask, " ", wipe, pictures])]), words);
      g.api("/api/handset", { preset: "source" }).then((answer) => show(answer, null)).catch((error) => g.toast(error.message));
    },
    question: {
      text: "Draw something this neuron calls a 1, ask it, and press Check.",
      check: async () => {
        if (!last) return { correct: false, message: "draw a digit and ask the neuron first." };
        return last.guess === 1
          ? { correct: true, message: `its squashed sum is ${last.output}, at least 0.5: it says 1.` }
          : { correct: false, message: `its squashed sum is ${last.output}, below 0.5: it says ${last.guess}. Ink the middle, not the sides.` };
      },
    },
  });
})();
