/* glassnet lesson, step 5: the loss. One image's loss through step 4's two neurons, term by term
   (/api/lesson/loss), the loss of every real 0 and 1, and a fresh network trained on one image
   only, which then answers that digit for everything (/api/lesson/one-image). */
"use strict";
(function () {
  let trained = null;  // the last /api/lesson/one-image answer: its answers decide the question

  /** A small number with two significant digits showing (0.000031, not 0.0000). */
  const shown = (x) => {
    if (x === 0) return "0";
    const decimals = Math.min(8, Math.max(3, 1 - Math.floor(Math.log10(Math.abs(x)))));
    return x.toFixed(decimals);
  };

  /** A bar for a value between 0 and `top`, with the value written beside it. */
  function bar(g, label, value, top, text, best) {
    const fill = g.el("div", { class: "bar-fill" });
    fill.style.width = `${Math.min(100, (100 * value) / top)}%`;
    return g.el("div", { class: `bar${best ? " best" : ""}` }, [
      g.el("span", { class: "bar-label", text: label }),
      g.el("div", { class: "bar-track", "aria-hidden": "true" }, [fill]),
      g.el("span", { class: "bar-value", text }),
    ]);
  }

  window.glassnetLesson.register({
    n: 5,
    title: "The loss: how wrong is the network?",
    body: "<p>To get better, a network first needs to know how wrong it is. For one image we know " +
      "what each output neuron should say: 1 for the neuron of the right digit, 0 for the other. " +
      "Take what a neuron says, see how far it is from what it should say, and square that " +
      "distance, so that it always counts as bad and big misses count a lot. Add this up over the " +
      "output neurons: that is the image's loss. It is 0 only for a perfect answer.</p>" +
      "<p>The loss of the whole network is the same thing added up over every image. Training " +
      "means changing the weights so that this total gets smaller.</p>" +
      "<p>Why every image, and not just one? Try it: train a fresh network on one single image and " +
      "nothing else, then ask it about all the others.</p>",
    mount(el, g) {
      trained = null;
      let example = 0;

      // --- the loss of one image, through step 4's two neurons
      const picture = g.el("div", { class: "thumbs step05-picture" });
      const terms = g.el("table", { class: "step05-terms", "data-testid": "step05-terms" });
      const lossWords = g.el("p", { class: "step05-loss", "data-testid": "step05-loss", "aria-live": "polite",
        text: "Show a real 0 or 1, or draw one." });
      const allWords = g.el("p", { "data-testid": "step05-all" });
      const showLoss = (answer, what) => {
        picture.replaceChildren(g.thumb(answer.numbers, what));
        const head = g.el("tr", {}, ["Output neuron", "It says", "It should say", "Distance, squared"].map(
          (words) => g.el("th", { scope: "col", text: words })));
        terms.replaceChildren(g.el("caption", { text: `The two neurons of step 4 on this image (it is a ${answer.label})` }),
          head, ...answer.outputs.map((o) => g.el("tr", {}, [
            g.el("th", { scope: "row", text: `the ${o.digit}-neuron` }),
            g.el("td", { text: g.fixed(o.observed, 4) }),
            g.el("td", { text: String(o.ideal) }),
            g.el("td", {}, [bar(g, "", o.square, 1, shown(o.square))]),
          ])));
        lossWords.textContent = `This image's loss, the two squares added up: ${shown(answer.loss)}. ` +
          `The network guesses ${answer.guess}` + (answer.guess === answer.label ? ", right." : `, but it is a ${answer.label}.`);
        allWords.textContent = `Over all ${answer.all.n_images} real 0s and 1s the losses add up to ` +
          `${g.fixed(answer.all.total, 2)}: ${shown(answer.all.mean)} per image on average.`;
      };
      const real = g.el("button", { type: "button", class: "primary", "data-testid": "step05-real",
        text: "Show a real 0 or 1" });
      real.addEventListener("click", async () => {
        try {
          const answer = await g.api("/api/lesson/loss", { example });
          example += 1;
          showLoss(answer, `a real ${answer.label}`);
        } catch (error) { g.toast(error.message); }
      });
      const { paper, pad, inked, clear } = window.glassnetLessonPad(g, "step05-pad");
      const label = g.el("select", { id: "step05-label", "data-testid": "step05-label" },
        [0, 1].map((d) => g.el("option", { value: String(d), text: String(d) })));
      const mine = g.el("button", { type: "button", "data-testid": "step05-mine", text: "The loss of my drawing" });
      mine.addEventListener("click", async () => {
        if (!inked()) { g.toast("draw a 0 or a 1 on the pad first"); return; }
        try {
          const drawing = await g.api("/api/predict", { pixels: g.readPad(pad) });
          if (!drawing.ink) { g.toast(drawing.message); return; }
          const answer = await g.api("/api/lesson/loss", { numbers: drawing.numbers, label: Number(label.value) });
          showLoss(answer, "your drawing");
        } catch (error) { g.toast(error.message); }
      });
      const wipe = g.el("button", { type: "button", "data-testid": "step05-clear", text: "Clear the pad" });
      wipe.addEventListener("click", clear);

      // --- a fresh network trained on one image only
      const digit = g.el("select", { id: "step05-digit", "data-testid": "step05-digit" },
        [...Array(10).keys()].map((d) => g.el("option", { value: String(d), text: String(d) })));
      digit.value = "3";
      const train = g.el("button", { type: "button", class: "primary", "data-testid": "step05-train",
        text: "Train on this one image only" });
      const trainedPicture = g.el("div", { class: "thumbs step05-picture" });
      const answers = g.el("div", { class: "step05-answers", "data-testid": "step05-answers",
        role: "group", "aria-label": "how many images it answers with each digit" });
      const trainWords = g.el("p", { "data-testid": "step05-trained", "aria-live": "polite",
        text: "Not trained yet." });
      train.addEventListener("click", async () => {
        train.disabled = true;
        trainWords.textContent = "Training…";
        try {
          const answer = await g.api("/api/lesson/one-image", { digit: Number(digit.value) });
          trained = answer;
          trainedPicture.replaceChildren(g.thumb(answer.numbers, `the only image: a ${answer.label}`));
          answers.replaceChildren(g.el("p", { class: "step05-answers-title", text: "What it answers, over all the images:" }),
            ...answer.answers.map((a) => bar(g, String(a.digit), a.count, answer.n_images, String(a.count),
              a.digit === answer.most_common)));
          trainWords.textContent = `In ${answer.epochs} hops downhill the loss of that one image went from ` +
            `${g.fixed(answer.loss_before, 3)} to ${shown(answer.loss_after)}. Then it was shown all ` +
            `${answer.n_images} images: see the bars. It gets ${g.percent(answer.accuracy)} of them right.`;
        } catch (error) { g.toast(error.message); trainWords.textContent = error.message; }
        finally { train.disabled = false; }
      });
      const guess = g.el("select", { id: "step05-guess", "data-testid": "step05-guess" }, [
        g.el("option", { value: "", text: "choose…" }),
        ...[...Array(10).keys()].map((d) => g.el("option", { value: String(d), text: String(d) }))]);

      el.append(
        g.el("h3", { text: "The loss of one image" }),
        g.el("div", { class: "lesson-row" }, [paper, g.el("div", { class: "step05-controls" }, [
          real,
          g.el("p", {}, [g.el("label", { for: "step05-label", text: "My drawing is a " }), label, " ", mine]),
          wipe,
        ]), picture]),
        terms, lossWords, allWords,
        g.el("h3", { text: "Train on one image only" }),
        g.el("div", { class: "step05-row" }, [
          g.el("label", { for: "step05-digit", text: "The digit of the image:" }), digit, train]),
        g.el("div", { class: "lesson-row" }, [trainedPicture, answers]),
        trainWords,
        g.el("p", { class: "step05-row" }, [
          g.el("label", { for: "step05-guess", text: "Your answer: it answers (nearly) everything with the digit" }), guess]),
      );
      real.click();  // something to look at straight away: the first real 0
    },
    question: {
      text: "Train a network on one image only. Which digit does it answer for (nearly) every image? " +
        "Choose it under the bars and press Check.",
      check: async (el) => {
        if (!trained) return { correct: false, message: "train on one image first." };
        const chosen = el.querySelector("[data-testid=step05-guess]").value;
        if (chosen === "") return { correct: false, message: "choose a digit under the bars first." };
        const count = (d) => (trained.answers.find((a) => a.digit === d) || { count: 0 }).count;
        const top = trained.most_common, n = trained.n_images;
        return Number(chosen) === top
          ? { correct: true, message: `it says ${top} for ${count(top)} of the ${n} images. Trained on one ${trained.label} ` +
              `alone, all it learnt is "say ${top}": that is why the loss must add up every image.` }
          : { correct: false, message: `it says ${chosen} for ${count(Number(chosen))} of the ${n} images. Look at the longest bar.` };
      },
    },
  });
})();
