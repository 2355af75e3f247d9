/* glassnet lesson, step 2: one neuron's weighted sum written out with the real numbers of a
   real digit (/api/neuron); the learner changes one weight (/api/weight) and the trained
   weights come back when the step is left (/api/reset). */
"use strict";
(function () {
  const SHOWN_TERMS = 6;   // the biggest terms written out; the rest are summed up by the server
  let last = null;         // the last /api/neuron answer: its value decides the question

  window.glassnetLesson.register({
    n: 2,
    title: "A neuron: a weighted sum",
    body: "<p>A neuron takes numbers in and gives one number out. Each number coming in has a " +
      "weight: how much the neuron cares about it. The neuron multiplies each input by its weight " +
      "and adds it all up, plus one extra number of its own, the bias. That total is the weighted sum.</p>" +
      "<p>A big positive weight means \"ink here makes me say yes\"; a negative weight means \"ink here " +
      "makes me say no\". Then the neuron squashes the sum into a number between 0 and 1: a big sum " +
      "gives nearly 1, a very negative sum nearly 0.</p>" +
      "<p>Below is the real output neuron that answers \"is this a 0?\", fed a real handwritten 0. " +
      "Its biggest terms are written out. Change one weight and watch the sum and the answer move. " +
      "When you leave this step, the network gets its trained weights back.</p>",
    mount(el, g) {
      last = null;
      let numbers = null, layer = null, changed = false;
      const sum = g.el("p", { class: "step02-sum", "data-testid": "step02-sum", "aria-live": "polite",
        text: "Loading the neuron…" });
      const from = g.el("input", { type: "number", id: "step02-from", min: "0", value: "0" });
      const value = g.el("input", { type: "number", id: "step02-value", min: "-10", max: "10", step: "0.5", value: "-10" });
      const label = (input, text) => g.el("label", { for: input.id, text }, [input]);
      const show = (answer) => {
        last = answer;
        const s = answer.sum;
        const terms = s.terms.slice(0, SHOWN_TERMS).map((t) => g.el("span", { class: "term",
          text: `${g.fixed(t.input, 2)} × ${g.fixed(t.weight, 2)} (input ${t.from})` }));
        const parts = [];
        terms.forEach((t, i) => { if (i) parts.push(" + "); parts.push(t); });
        const rest = s.terms.length - SHOWN_TERMS;
        sum.replaceChildren(...parts,
          rest > 0 ? ` + ${rest} smaller terms` : "", ` + bias ${g.fixed(s.bias, 2)}`,
          g.el("br"), `weighted sum = ${g.fixed(s.weighted_sum, 3)}; squashed (${answer.activation}): `,
          g.el("strong", { "data-testid": "step02-value", text: g.fixed(s.value, 3) }));
      };
      const load = async () => {
        const answer = await g.api("/api/neuron", { layer, neuron: 0, numbers });
        show(answer);
        return answer;
      };
      const set = g.el("button", { type: "button", class: "primary", "data-testid": "step02-set", text: "Set this weight" });
      set.addEventListener("click", async () => {
        try {
          await g.api("/api/weight", { layer, row: Number(from.value), column: 0, value: Number(value.value) });
          changed = true;
          // The header's test accuracy is the network's: fetch it again, it changed with the weight.
          await g.reloadNetwork();
          await load();
        } catch (error) { g.toast(error.message); }
      });
      el.append(sum, g.el("div", { class: "step02-row" }, [
        label(from, "the weight of input "), label(value, " becomes "), set]));
      (async () => {
        try {
          const network = await g.api("/api/network");
          layer = network.layers.length - 1;
          numbers = (await g.api("/api/predict", { example: 0 })).numbers;
          const answer = await load();
          from.value = String(answer.sum.terms[0].from);  // start on the biggest term
        } catch (error) { g.toast(error.message); }
      })();
      return () => {
        if (changed) g.api("/api/reset", {}).then(() => g.reloadNetwork && g.reloadNetwork()).catch((error) => g.toast(error.message));
      };
    },
    question: {
      text: "Change one weight so that this neuron's answer drops below 0.5.",
      check: async () => {
        if (!last) return { correct: false, message: "wait for the neuron to load." };
        const v = last.sum.value;
        return v < 0.5
          ? { correct: true, message: `its answer is now ${v.toFixed(3)}: one weight was enough to change its mind.` }
          : { correct: false, message: `its answer is still ${v.toFixed(3)}: try a very negative weight on its biggest term.` };
      },
    },
  });
})();
