/* glassnet lesson, step 4: two output neurons with opposite weights, the larger one wins.
   The drawing is prepared by /api/predict and scored by /api/lesson/two-neurons. */
"use strict";
(function () {
  let last = null;  // the last /api/lesson/two-neurons answer: its winner decides the question

  window.glassnetLesson.register({
    n: 4,
    title: "Two outputs: the larger one wins",
    body: "<p>One neuron saying \"near 1 means a 1, near 0 means a 0\" works for two digits, but it " +
      "does not grow to ten. So give each digit its own output neuron, and let the network answer " +
      "with the digit whose neuron says the largest number.</p>" +
      "<p>For 0s and 1s that is easy to build by hand. The 1-neuron keeps the weights of the last " +
      "step. The 0-neuron gets the exact opposite: −1 in the middle and +1 at the sides, so ink " +
      "around an empty middle makes its sum big.</p>" +
      "<p>Draw a digit and see both neurons' sums and answers side by side, and which one wins.</p>",
    mount(el, g) {
      last = null;
      const { paper, pad, inked, clear } = window.glassnetLessonPad(g, "step04-pad");
      const neurons = g.el("div", { class: "step04-neurons", "data-testid": "step04-neurons" });
      const words = g.el("p", { "data-testid": "step04-words", "aria-live": "polite",
        text: "Draw a digit, then ask both neurons." });
      const show = (answer) => {
        neurons.replaceChildren(...answer.neurons.map((n) => {
          const weights = n.weights.flat();
          return g.el("div", { class: `step04-neuron${n.digit === answer.winner ? " winner" : ""}`,
            "data-testid": `step04-neuron-${n.digit}` }, [
            g.el("strong", { text: `The ${n.digit}-neuron` }),
            g.thumb(weights, "its weights", (w) => g.weightColor(w, g.maxAbs(weights))),
            g.el("p", { text: `sum ${g.fixed(n.weighted_sum, 2)}, answer ${g.fixed(n.output, 3)}` }),
          ]);
        }));
        words.textContent = `The ${answer.winner}-neuron says the larger number, so the network answers ${answer.winner}. ` +
          `Together they get ${g.percent(answer.accuracy, 0)} of the real 0s and 1s right.`;
      };
      const ask = g.el("button", { type: "button", class: "primary", "data-testid": "step04-ask", text: "Ask both neurons" });
      ask.addEventListener("click", async () => {
        if (!inked()) { g.toast("draw a digit on the pad first"); return; }
        try {
          const drawing = await g.api("/api/predict", { pixels: g.readPad(pad) });
          if (!drawing.ink) { g.toast(drawing.message); return; }
          last = await g.api("/api/lesson/two-neurons", { numbers: drawing.numbers });
          show(last);
        } catch (error) { g.toast(error.message); }
      });
      const wipe = g.el("button", { type: "button", "data-testid": "step04-clear", text: "Clear the pad" });
      wipe.addEventListener("click", () => { clear(); last = null; });
      el.append(g.el("div", { class: "lesson-row" }, [paper, g.el("div", {}, [ask, " ", wipe])]), neurons, words);
    },
    question: {
      text: "Draw something on which the 0-neuron wins, ask both neurons, and press Check.",
      check: async () => {
        if (!last) return { correct: false, message: "draw a digit and ask both neurons first." };
        const [zero, one] = last.neurons;
        return last.winner === 0
          ? { correct: true, message: `the 0-neuron says ${zero.output}, more than the 1-neuron's ${one.output}.` }
          : { correct: false, message: `the 1-neuron wins (${one.output} against ${zero.output}): ink the sides, leave the middle empty.` };
      },
    },
  });
})();
