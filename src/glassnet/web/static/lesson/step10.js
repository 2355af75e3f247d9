/* glassnet lesson, step 10: the learner's own handwriting as test data. The drawings go to
   /api/lesson/handwriting/score and /train; a copy is trained there, never this network. */
"use strict";
(function () {
  const drawings = [];  // {pixels, label}: kept while the page is open
  let scored = null;    // the last score answer

  window.glassnetLesson.register({
    n: 10,
    title: "Your own handwriting as test data",
    body: "<p>The test digits came from people the network never learned from. You are one more such " +
      "person. Draw each digit from 0 to 9, a few times if you like, and tell the page which digit each is.</p>" +
      "<p>Then see how the network scores on your writing, beside its score on the test images, and which " +
      "of your drawings it gets wrong. Finally, train a copy of it for a few epochs on half of your " +
      "drawings and see what that does to both scores: the other half stays apart to test on.</p>",
    mount(el, g) {
      scored = null;
      const { paper, pad, inked, clear } = window.glassnetLessonPad(g, "step10-pad");
      const label = g.el("select", { id: "step10-label" });
      for (let d = 0; d <= 9; d++) label.append(g.el("option", { value: String(d), text: String(d) }));
      const counter = g.el("p", { "data-testid": "step10-counter", "aria-live": "polite" });
      const count = () => {
        const digits = new Set(drawings.map((d) => d.label));
        counter.textContent = `${digits.size} of 10 digits drawn (${drawings.length} ${drawings.length === 1 ? "drawing" : "drawings"})`;
      };
      const add = g.el("button", { type: "button", "data-testid": "step10-add", text: "Keep this drawing" });
      add.addEventListener("click", () => {
        if (!inked()) { g.toast("draw a digit on the pad first"); return; }
        if (drawings.length >= 100) { g.toast("that is 100 drawings: enough"); return; }
        drawings.push({ pixels: g.readPad(pad), label: Number(label.value) });
        clear();
        label.value = String((Number(label.value) + 1) % 10);
        count();
      });
      const wipe = g.el("button", { type: "button", text: "Clear the pad" });
      wipe.addEventListener("click", clear);
      const forget = g.el("button", { type: "button", text: "Forget my drawings" });
      forget.addEventListener("click", () => { drawings.length = 0; scored = null; count(); results.replaceChildren(); });
      const results = g.el("div", { "data-testid": "step10-results", "aria-live": "polite" });
      const score = g.el("button", { type: "button", class: "primary", "data-testid": "step10-score", text: "Score my handwriting" });
      score.addEventListener("click", async () => {
        if (!drawings.length) { g.toast("keep at least one drawing first"); return; }
        try {
          scored = await g.api("/api/lesson/handwriting/score", { drawings });
          const wrong = g.el("div", { class: "thumbs", "data-testid": "step10-wrong" });
          scored.wrong.forEach((w) => wrong.append(g.thumb(scored.numbers[w.index], `${w.label}→${w.guess}`)));
          results.replaceChildren(
            g.el("p", { "data-testid": "step10-scores", text: `On your drawings: ${g.percent(scored.writer.accuracy)} right ` +
              `(${scored.writer.correct} of ${scored.writer.total}). On the test images: ${g.percent(scored.test.accuracy)}.` }),
            g.el("p", { text: scored.wrong.length ? "The ones it got wrong (your digit → its guess):" : "It got every drawing right." }),
            wrong);
        } catch (error) { g.toast(error.message); }
      });
      const train = g.el("button", { type: "button", "data-testid": "step10-train", text: "Train a copy on half of them (5 epochs)" });
      train.addEventListener("click", async () => {
        try {
          const sent = drawings.slice();
          const answer = await g.api("/api/lesson/handwriting/train", { drawings: sent, epochs: 5 });
          const row = (name, key) => g.el("tr", {}, [g.el("td", { text: name }),
            g.el("td", { text: g.percent(answer.before[key]) }), g.el("td", { text: g.percent(answer.after[key]) })]);
          results.append(g.el("table", { class: "step09-table", "data-testid": "step10-trained" }, [
            g.el("tr", {}, ["", "before", "after"].map((h) => g.el("th", { scope: "col", text: h }))),
            row("test images", "test"), row("your drawings kept apart", "kept_apart"),
            row("your drawings it trained on", "trained_on")]));
          const adopt = g.el("button", { type: "button", "data-testid": "step10-adopt",
            text: "Use this trained copy in the explorer" });
          adopt.addEventListener("click", async () => {
            try {  // the same drawings, epochs and seed train the same copy again, kept this time
              const kept = await g.api("/api/lesson/handwriting/train", { drawings: sent, epochs: 5, adopt: true });
              await g.reloadNetwork();
              adopt.replaceWith(g.el("p", { "data-testid": "step10-adopted",
                text: `The explorer now uses the copy: ${g.percent(kept.after.test)} on the test images ("back" in the explorer undoes it).` }));
            } catch (error) { g.toast(error.message); }
          });
          results.append(adopt);
        } catch (error) { g.toast(error.message); }
      });
      count();
      el.append(g.el("div", { class: "step10-drawing" }, [paper, g.el("div", {}, [
        g.el("p", {}, [g.el("label", { for: "step10-label", text: "This is a " }), label]),
        g.el("div", { class: "step06-row" }, [add, wipe, forget]), counter])]),
        g.el("div", { class: "step06-row" }, [score, train]), results);
    },
    question: {
      text: "Draw every digit 0-9 at least once, score your handwriting, and press Check.",
      check: async () => {
        if (!scored) return { correct: false, message: "score your drawings first." };
        const digits = new Set(drawings.map((d) => d.label)).size;
        if (digits < 10) return { correct: false, message: `only ${digits} of the 10 digits ${digits === 1 ? "is" : "are"} drawn.` };
        return { correct: true, message: `it read ${scored.writer.correct} of your ${scored.writer.total} drawings, ` +
          `against ${(100 * scored.test.accuracy).toFixed(1)}% of the test images.` };
      },
    },
  });
})();
