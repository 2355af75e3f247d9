/* glassnet lesson: the article's ideas in order, each beside a live widget on the real
   network. This file is the framework: the Lesson / Explorer views, the addresses
   (#lesson/N, #explore), the step list, and each step's question and verdict. The steps
   themselves are static/lesson/stepNN.js; each calls window.glassnetLesson.register(...).
   Like the explorer, the page computes nothing: widgets and checks ask the server (/api). */
"use strict";

(function () {
  const STEPS = 10;
  const STEP_KEY = "glassnet.lesson.step";  // the last step a learner opened
  const VIEW_KEY = "glassnet.view";         // "lesson" or "explore": the view chosen last
  const registered = new Map();             // n -> step
  const solved = new Set();                 // steps answered right in this visit
  let current = null;                       // {n, cleanup}
  let started = false;

  const remember = (key, value) => { try { localStorage.setItem(key, String(value)); } catch (e) { /* private mode */ } };
  const recall = (key) => { try { return localStorage.getItem(key); } catch (e) { return null; } };
  const validStep = (n) => Number.isInteger(n) && n >= 1 && n <= STEPS;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  /** A step file's description: {n, title, body, mount(el, g), question: {text, check(el, g)}}. */
  function register(step) {
    if (!step || !validStep(step.n)) throw new Error("a lesson step needs n between 1 and " + STEPS);
    if (registered.has(step.n)) throw new Error("lesson step " + step.n + " is registered twice");
    if (typeof step.title !== "string" || typeof step.mount !== "function" ||
        !step.question || typeof step.question.check !== "function") {
      throw new Error("lesson step " + step.n + " needs a title, mount() and question.check()");
    }
    registered.set(step.n, step);
    if (started && current && current.n === step.n) showStep(step.n);
  }

  // ------------------------------------------------------------------ the page's skeleton
  const root = document.getElementById("lesson-view");
  const list = el("ol", { class: "lesson-steps", "aria-label": "The lesson's steps" });
  const progress = el("p", { class: "lesson-progress", "data-testid": "lesson-progress" });
  const stage = el("div", { class: "lesson-stage" });
  root.append(el("nav", { class: "lesson-nav", "aria-label": "Lesson steps" }, [progress, list]), stage);
  for (let n = 1; n <= STEPS; n++) {
    const link = el("a", { href: "#lesson/" + n, class: "lesson-step-link", "data-step": String(n),
      "data-testid": "lesson-goto-" + n });
    link.append(el("span", { class: "lesson-step-number", text: String(n) }),
      el("span", { class: "lesson-step-title", text: "…" }));
    list.append(el("li", {}, [link]));
  }

  function refreshList() {
    list.querySelectorAll(".lesson-step-link").forEach((link) => {
      const n = Number(link.dataset.step);
      const step = registered.get(n);
      link.querySelector(".lesson-step-title").textContent = step ? step.title : "coming";
      link.setAttribute("aria-label", `Step ${n}: ${step ? step.title : "coming"}` +
        (solved.has(n) ? " (answered)" : ""));
      link.classList.toggle("solved", solved.has(n));
      if (current && current.n === n) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    });
    if (current) {
      progress.textContent = `Step ${current.n} of ${STEPS}` +
        (solved.size ? ` · ${solved.size} answered` : "");
    }
  }

  function button(testid, text, attrs) {
    return el("button", Object.assign({ type: "button", "data-testid": testid, text }, attrs || {}));
  }

  function leaveStep() {
    if (current && typeof current.cleanup === "function") {
      try { current.cleanup(); } catch (e) { /* a step's tidy-up must not stop the lesson */ }
    }
    current = null;
  }

  /** Build step n in the stage. focus: move keyboard focus to its title. */
  function showStep(n, focus) {
    leaveStep();
    const step = registered.get(n);
    current = { n, cleanup: null };
    remember(STEP_KEY, n);
    const title = el("h2", { class: "lesson-title", tabindex: "-1", id: "lesson-title" });
    title.append(el("span", { class: "step", text: String(n) }), el("span", { text: step ? step.title : "Coming soon" }));
    const container = el("article", { class: "lesson-card card", "data-testid": "lesson-step",
      "data-step": String(n), "aria-labelledby": "lesson-title" }, [title]);
    const previous = button("lesson-previous", "← Previous");
    const next = button("lesson-next", n === STEPS ? "Last step" : "Next step →", { class: "primary" });
    previous.disabled = n === 1;
    next.disabled = n === STEPS;
    previous.addEventListener("click", () => go(n - 1, true));
    next.addEventListener("click", () => go(n + 1, true));

    if (!step) {
      container.append(el("p", { class: "lesson-coming", "data-testid": "lesson-coming",
        text: "This step is coming: it is being written. The steps before it work already, " +
              "and the explorer has every piece in the meantime." }));
    } else {
      const body = el("div", { class: "lesson-body" });
      body.innerHTML = step.body || "";  // the step file's own paragraphs, never user input
      const widget = el("div", { class: "lesson-widget", "data-testid": "lesson-widget" });
      const answer = el("div", { class: "lesson-answer", "data-testid": "lesson-answer", role: "status",
        "aria-live": "polite" });
      const check = button("lesson-check", "Check my answer", { class: "primary" });
      const question = el("section", { class: "lesson-question", "aria-label": "Question" }, [
        el("h3", { text: "Your turn" }),
        el("p", { class: "lesson-question-text", "data-testid": "lesson-question", text: step.question.text }),
        el("div", { class: "lesson-check-row" }, [check, answer]),
      ]);
      check.addEventListener("click", async () => {
        check.disabled = true;
        answer.className = "lesson-answer checking";
        answer.textContent = "checking…";
        try {
          const verdict = await step.question.check(widget, window.glassnet);
          answer.className = "lesson-answer " + (verdict.correct ? "correct" : "wrong");
          answer.dataset.correct = verdict.correct ? "true" : "false";
          const sentence = verdict.message.charAt(0).toUpperCase() + verdict.message.slice(1);
          answer.textContent = (verdict.correct ? "Right. " : "Not yet. ") + sentence;
          if (verdict.correct) solved.add(n);
          refreshList();
        } catch (error) {
          answer.className = "lesson-answer wrong";
          answer.dataset.correct = "false";
          answer.textContent = "Could not check: " + error.message;
        } finally {
          check.disabled = false;
        }
      });
      container.append(body, widget, question);
      try {
        current.cleanup = step.mount(widget, window.glassnet) || null;
      } catch (error) {
        widget.textContent = "This widget could not start: " + error.message;
      }
    }
    container.append(el("div", { class: "lesson-buttons" }, [previous, next]));
    stage.replaceChildren(container);
    refreshList();
    if (focus) title.focus();
  }

  // ------------------------------------------------------------------ views and addresses
  function showView(name) {
    const lesson = name === "lesson";
    root.hidden = !lesson;
    document.getElementById("explore-view").hidden = lesson;
    document.body.dataset.view = name;
    for (const [id, on] of [["view-lesson", lesson], ["view-explore", !lesson]]) {
      const link = document.getElementById(id);
      if (on) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
    }
    remember(VIEW_KEY, name);
    if (!lesson) {
      leaveStep();
      stage.replaceChildren();
      if (window.glassnet) window.glassnet.redraw();  // it was sized while hidden
    }
  }

  /** Open what the address asks: #lesson/N, #lesson (the step last open), #explore, or nothing. */
  function route(focus) {
    const hash = location.hash.replace(/^#/, "");
    const match = /^lesson(?:\/(\d+))?$/.exec(hash);
    if (hash === "explore" || (hash === "" && recall(VIEW_KEY) === "explore")) {
      showView("explore");
      return;
    }
    let n = match && match[1] ? Number(match[1]) : Number(recall(STEP_KEY));
    if (!validStep(n)) n = 1;
    showView("lesson");
    if (!current || current.n !== n) showStep(n, focus);
  }

  function go(n, focus) {
    if (!validStep(n)) return;
    if (location.hash === "#lesson/" + n) showStep(n, focus);
    else { pendingFocus = focus; location.hash = "lesson/" + n; }
  }
  let pendingFocus = false;
  window.addEventListener("hashchange", () => { route(pendingFocus); pendingFocus = false; });

  window.glassnetLesson = Object.freeze({ register, steps: STEPS, go: (n) => go(n, true) });
  // Every step file's <script> has run by DOMContentLoaded: then open the address.
  const begin = () => { started = true; route(false); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
