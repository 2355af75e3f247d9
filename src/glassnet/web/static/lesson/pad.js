/* glassnet lesson: the drawing pad steps 1, 3, 4 and 10 share (mouse, touch, or keyboard pen). */
"use strict";
(function () {
  /** A pad to draw one digit on. Returns { paper (the element to show), pad, inked(), clear() }. */
  window.glassnetLessonPad = function (g, testid) {
    const pad = g.el("canvas", { width: "128", height: "128", class: "lesson-pad", "data-testid": testid,
      tabindex: "0", "aria-describedby": `${testid}-keys`, "aria-label": "drawing pad: draw one digit" });
    const ctx = pad.getContext("2d", { willReadFrequently: true });
    ctx.lineWidth = 10; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
    let drawing = false, inked = false;
    const dot = (x, y) => { ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 0.1, y); ctx.stroke(); inked = true; };
    const at = (event) => {
      const box = pad.getBoundingClientRect();
      return [(event.clientX - box.left) * pad.width / box.width, (event.clientY - box.top) * pad.height / box.height];
    };
    pad.addEventListener("pointerdown", (event) => {
      drawing = true; pad.setPointerCapture(event.pointerId);
      const [x, y] = at(event); dot(x, y); ctx.beginPath(); ctx.moveTo(x, y);
    });
    pad.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      const [x, y] = at(event); ctx.lineTo(x, y); ctx.stroke();
    });
    pad.addEventListener("pointerup", () => { drawing = false; pad.dispatchEvent(new Event("drawn")); });
    // The keyboard's pen: arrows move it, Space puts it down on the paper or lifts it.
    const pen = { x: 64, y: 24, down: false };
    const marker = g.el("span", { class: "lesson-pen", "aria-hidden": "true" });
    const placeMarker = () => {
      marker.style.left = `${(100 * pen.x) / pad.width}%`;
      marker.style.top = `${(100 * pen.y) / pad.height}%`;
      marker.classList.toggle("down", pen.down);
    };
    const STEP = 8, MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    pad.addEventListener("keydown", (event) => {
      if (event.key === " ") {
        pen.down = !pen.down;
        if (pen.down) dot(pen.x, pen.y); else pad.dispatchEvent(new Event("drawn"));
      } else if (MOVES[event.key]) {
        const [dx, dy] = MOVES[event.key];
        const x = Math.max(4, Math.min(pad.width - 4, pen.x + dx * STEP));
        const y = Math.max(4, Math.min(pad.height - 4, pen.y + dy * STEP));
        if (pen.down) { ctx.beginPath(); ctx.moveTo(pen.x, pen.y); ctx.lineTo(x, y); ctx.stroke(); inked = true; }
        pen.x = x; pen.y = y;
      } else return;
      event.preventDefault();
      placeMarker();
    });
    pad.addEventListener("focus", () => { marker.hidden = false; placeMarker(); });
    pad.addEventListener("blur", () => { marker.hidden = true; });
    marker.hidden = true;
    const clear = () => { ctx.clearRect(0, 0, pad.width, pad.height); inked = false; pen.down = false; placeMarker(); };
    const keys = g.el("p", { id: `${testid}-keys`, class: "lesson-pad-keys",
      text: "With the keyboard: on the pad, the arrows move the pen and Space puts it down or lifts it." });
    const paper = g.el("div", { class: "lesson-paper-box" }, [g.el("div", { class: "lesson-paper" }, [pad, marker]), keys]);
    return { paper, pad, inked: () => inked, clear };
  };
})();
