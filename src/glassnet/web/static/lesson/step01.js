/* glassnet lesson, step 1: an image is a list of 64 numbers. A real digit and the learner's
   own drawing, as shades and as the numbers /api/predict sends back. */
"use strict";
(function () {
  let shown = null;  // the last /api/predict answer: its numbers decide the question

  window.glassnetLesson.register({
    n: 1,
    title: "An image is a list of numbers",
    body: "<p>A computer does not see a picture the way you do. To it, an image is a grid of " +
      "little squares, and each square is just a number: how dark it is. These digits are tiny, " +
      "8 squares by 8, so each one is a list of 64 numbers.</p>" +
      "<p>Here 0 means white paper and 1 means the darkest ink; the shades in between are the " +
      "numbers in between. Look at a real handwritten digit from the collection the network " +
      "learns from, then draw your own: the server shrinks your drawing to 8 by 8 and sends back " +
      "its 64 numbers.</p>" +
      "<p>Everything the network will ever do starts from these 64 numbers, and nothing else.</p>",
    mount(el, g) {
      shown = null;
      let example = 0;
      const shades = g.el("canvas", { width: "192", height: "192", class: "step01-shades",
        "data-testid": "step01-shades", "aria-label": "the image as 64 shades" });
      const table = g.el("table", { class: "step01-numbers", "data-testid": "step01-numbers" });
      const words = g.el("p", { "data-testid": "step01-words", "aria-live": "polite",
        text: "Show a real digit or draw one." });
      const show = (answer, what) => {
        shown = answer;
        g.paintGrid(shades, answer.numbers, 8, g.inkColor);
        const rows = [];
        for (let r = 0; r < 8; r++) {
          rows.push(g.el("tr", {}, answer.numbers.slice(8 * r, 8 * r + 8).map(
            (v) => g.el("td", { text: g.fixed(v, 2) }))));
        }
        table.replaceChildren(...rows);
        words.textContent = `${what}: these are its 64 numbers, row by row.`;
      };
      const { paper, pad, inked, clear } = window.glassnetLessonPad(g, "step01-pad");
      const real = g.el("button", { type: "button", class: "primary", "data-testid": "step01-real",
        text: "Show a real digit" });
      real.addEventListener("click", async () => {
        try {
          const answer = await g.api("/api/predict", { example });
          example += 1;
          show(answer, `A real ${answer.label}`);
        } catch (error) { g.toast(error.message); }
      });
      const mine = g.el("button", { type: "button", "data-testid": "step01-mine", text: "Turn my drawing into numbers" });
      mine.addEventListener("click", async () => {
        if (!inked()) { g.toast("draw a digit on the pad first"); return; }
        try {
          const answer = await g.api("/api/predict", { pixels: g.readPad(pad) });
          if (!answer.ink) { g.toast(answer.message); return; }
          show(answer, "Your drawing");
        } catch (error) { g.toast(error.message); }
      });
      const wipe = g.el("button", { type: "button", text: "Clear the pad" });
      wipe.addEventListener("click", clear);
      el.append(
        g.el("div", { class: "lesson-row" }, [paper, g.el("div", {}, [real, " ", mine, " ", wipe])]),
        g.el("div", { class: "lesson-row" }, [shades, table]), words);
    },
    question: {
      text: "Show an image (a real one or your own drawing) whose top-left number is 0 and that has " +
        "at least one square of full ink, a 1. Then press Check.",
      check: async () => {
        if (!shown) return { correct: false, message: "show a real digit or turn your drawing into numbers first." };
        const corner = shown.numbers[0], darkest = Math.max(...shown.numbers);
        if (corner !== 0) return { correct: false, message: `its top-left number is ${corner}, not 0.` };
        if (darkest < 1) return { correct: false, message: `its darkest square is only ${darkest}: no square is a full 1.` };
        return { correct: true, message: "the top-left square is blank paper (0) and at least one square is full ink (1)." };
      },
    },
  });
})();
