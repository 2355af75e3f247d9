/* glassnet explorer: the page only draws. Every number comes from the Python server
   (/api, see docs/explorer.md): no forward pass, no training and no slope is computed here. */
"use strict";

(function () {
  // ------------------------------------------------------------------ helpers
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) node.append(child);
    return node;
  };
  const SVG = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs) => {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    return node;
  };
  const fixed = (x, digits = 3) => (x === null || x === undefined ? "–" : Number(x).toFixed(digits));
  const percent = (x, digits = 1) => (x === null || x === undefined ? "–" : (100 * x).toFixed(digits) + "%");

  let toastTimer = null;
  function toast(message) {
    const box = $("toast");
    box.textContent = message;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { box.hidden = true; }, 5000);
  }

  async function api(path, body) {
    const options = body === undefined ? {} : {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    };
    const response = await fetch(path, options);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) {
      const message = (data && data.error) || `the server answered ${response.status}`;
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // Colours, safe for colour-blind readers: weight sign is blue (+) or orange (-), a value
  // (ink, or how strongly a neuron fires) is darkness alone, grey on white.
  const mixed = (from, to, t) => { t = Math.max(0, Math.min(1, t)); return from.map((f, i) => Math.round(f + (to[i] - f) * t)); };
  const mix = (from, to, t) => `rgb(${mixed(from, to, t).join(",")})`;
  const WHITE = [255, 255, 255], INK = [28, 31, 43], BLUE = [37, 99, 235], ORANGE = [232, 89, 12];
  const GOOD = [43, 138, 62];  // app.css's --good: a right answer
  const inkColor = (v) => mix(WHITE, INK, v);
  const DARK_BOX = 0.575;  // above this shade, white text has more contrast than ink
  const weightColor = (w, scale) => mix(WHITE, w >= 0 ? BLUE : ORANGE, Math.abs(w) / (scale || 1));
  const maxAbs = (values) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 1e-9);
  // A cell that writes its number on its colour: the shade moves just as far (lighter, or
  // darker towards ink) as it takes for dark or white text on it to reach contrast 4.5 (WCAG AA).
  const luminance = (rgb) => {
    const lin = rgb.map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  };
  const contrast = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const INK_LUMINANCE = luminance(INK);
  function paintCellText(cell, to, t) {
    const shade = (x) => (x <= 1 ? mixed(WHITE, to, x) : mixed(to, INK, x - 1));
    for (let k = 0; k <= 40; k++) {
      for (const x of [t - k * 0.025, t + k * 0.025]) {
        if (x < 0 || x > 2) continue;
        const rgb = shade(x), lum = luminance(rgb);
        const text = contrast(lum, INK_LUMINANCE) >= 4.5 ? "#1c1f2b" : contrast(lum, 1) >= 4.5 ? "#fff" : null;
        if (text) { cell.style.background = mix(rgb, rgb, 0); cell.style.color = text; return; }
      }
    }
  }

  /** Paint a side x side grid of values onto a canvas, one colour per cell. */
  function paintGrid(canvas, values, side, colorOf) {
    const ctx = canvas.getContext("2d");
    const cell = canvas.width / side;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        ctx.fillStyle = colorOf(values[r * side + c]);
        ctx.fillRect(c * cell, r * cell, Math.ceil(cell), Math.ceil(cell));
      }
    }
  }
  /** Size a chart's canvas to its width on screen (sharp text on any screen); draw in CSS pixels. */
  function fitCanvas(canvas, aspect) {
    const width = Math.max(240, Math.round(canvas.clientWidth || canvas.parentElement.clientWidth || 480));
    const height = Math.round(width * aspect);
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    return [ctx, width, height];
  }
  function thumb(values, caption, colorOf) {
    const canvas = el("canvas", { width: 8, height: 8 });
    paintGrid(canvas, values, 8, colorOf || inkColor);
    return el("div", { class: "thumb" }, [canvas, el("span", { text: caption })]);
  }

  // ------------------------------------------------------------------ state
  const state = {
    info: null,
    network: null,        // /api/network: sizes, layers (weights, biases)
    prediction: null,     // last /api/predict answer with ink
    selected: null,       // {layer, neuron}: layer 0 is the first hidden layer
    training: null,       // {source, epochs: [...], settings}
    slopeReady: false,
    lastSlope: null,      // last /api/slope answer, to redraw
  };
  /** The last prediction, if it was traced through the network on screen (else null). */
  const currentTrace = () => (state.prediction && state.network &&
    state.prediction.version === state.network.version ? state.prediction : null);


  // ------------------------------------------------------------------ save a picture as a PNG
  // One helper for every picture on the page: canvases are copied, the SVG diagram is drawn
  // to a canvas first (its CSS copied into attributes), and grids of numbers (the 64 inputs, the confusion
  // matrix, a chart's legend) are drawn cell by cell with their own colours and text. PNG_SCALE pixels per
  // CSS pixel, on white, so the file is good enough to print.
  const PNG_SCALE = 3;
  const SVG_STYLES = ["fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linejoin", "paint-order", "opacity", "font-size",
    "font-family", "font-weight", "text-anchor", "dominant-baseline"];
  function svgImage(element) {
    const copy = element.cloneNode(true);
    const originals = [element, ...element.querySelectorAll("*")];
    [copy, ...copy.querySelectorAll("*")].forEach((node, i) => {
      const style = getComputedStyle(originals[i]);
      for (const name of SVG_STYLES) node.setAttribute(name, style.getPropertyValue(name));  // presentation attributes
    });
    const box = element.getBoundingClientRect();
    copy.setAttribute("xmlns", SVG);
    copy.setAttribute("width", String(box.width));
    copy.setAttribute("height", String(box.height));
    const bytes = new TextEncoder().encode(new XMLSerializer().serializeToString(copy));
    let binary = "";
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    const image = new Image();
    return new Promise((resolve, reject) => {
      image.onload = () => resolve(image);
      image.onerror = () => reject(new Error("the diagram could not be turned into a picture"));
      image.src = "data:image/svg+xml;base64," + btoa(binary);
    });
  }
  function paintCells(context, element, origin) {
    const leaves = element.children.length ? [...element.querySelectorAll("*")].filter((n) => !n.children.length) : [element];
    for (const leaf of leaves) {
      const box = leaf.getBoundingClientRect(), style = getComputedStyle(leaf);
      if (!box.width || !box.height) continue;  // hidden: not in the picture either
      const x = box.left - origin.left, y = box.top - origin.top;
      if (style.backgroundColor && style.backgroundColor !== "rgba(0, 0, 0, 0)") {
        context.fillStyle = style.backgroundColor;
        context.fillRect(x, y, box.width, box.height);
      }
      const text = leaf.textContent.trim();
      if (!text) continue;
      context.fillStyle = style.color;
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      context.textAlign = "center";
      context.textBaseline = "middle";
      context.fillText(text, x + box.width / 2, y + box.height / 2, box.width);
    }
  }
  async function savePng(elements, name) {
    const boxes = elements.map((e) => e.getBoundingClientRect());
    const origin = { left: Math.min(...boxes.map((b) => b.left)), top: Math.min(...boxes.map((b) => b.top)) };
    const width = Math.max(...boxes.map((b) => b.right)) - origin.left;
    const height = Math.max(...boxes.map((b) => b.bottom)) - origin.top;
    const out = document.createElement("canvas");
    out.width = Math.round(width * PNG_SCALE);
    out.height = Math.round(height * PNG_SCALE);
    const context = out.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, out.width, out.height);
    context.scale(PNG_SCALE, PNG_SCALE);
    for (const [i, element] of elements.entries()) {
      const box = boxes[i], x = box.left - origin.left, y = box.top - origin.top;
      context.imageSmoothingEnabled = !element.classList.contains("pixelated");
      if (element instanceof HTMLCanvasElement) context.drawImage(element, x, y, box.width, box.height);
      else if (element instanceof SVGSVGElement) context.drawImage(await svgImage(element), x, y, box.width, box.height);
      else paintCells(context, element, origin);
    }
    const blob = await new Promise((resolve) => out.toBlob(resolve, "image/png"));
    const link = el("a", { href: URL.createObjectURL(blob), download: `glassnet-${name}.png` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
  /** A button that saves the pictures with these ids (or these elements) as one PNG. */
  const saveButton = (ids, name, what) => el("button", { type: "button", class: "save-png", "data-save": ids,
    "data-name": name, "aria-label": `Save ${what} as a PNG picture`, text: "Save PNG" });
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".save-png");
    if (!button) return;
    const elements = button.dataset.save.split(",").map((id) => $(id)).filter(Boolean);
    if (!elements.length) { toast("There is no picture to save yet."); return; }
    savePng(elements, button.dataset.name).catch((error) => toast(error.message));
  });

  // ------------------------------------------------------------------ tabs
  function showTab(name) {
    document.querySelectorAll(".tab").forEach((tab) => {
      const on = tab.dataset.tab === name;
      tab.classList.toggle("active", on);
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;  // the ARIA tabs pattern: one stop, arrow keys move
    });
    document.querySelectorAll(".panel").forEach((panel) => {
      panel.classList.toggle("active", panel.id === "panel-" + name);
    });
    redrawCharts();
  }
  /** Charts are sized to the screen, so draw them again once they are visible. */
  function redrawCharts() {
    if ($("panel-inside").classList.contains("active")) showDiagramOverflow();  // drawn while hidden: measured now
    if ($("panel-train").classList.contains("active")) drawCharts();
    if ($("panel-slope").classList.contains("active") && state.lastSlope) renderSlope(state.lastSlope);
  }
  document.querySelectorAll(".tab").forEach((tab) => tab.addEventListener("click", () => {
    showTab(tab.dataset.tab);
    if (tab.dataset.tab === "slope" && !state.slopeReady && state.network) pickSlope({ steepest: true });
    if (tab.dataset.tab === "backprop") refreshBackprop();
  }));
  // Keyboard: Left/Right (and Home/End) move between the visible tabs and open them.
  $("tablist").addEventListener("keydown", (event) => {
    const tabs = [...document.querySelectorAll(".tab")].filter((tab) => !tab.hidden);
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const moves = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = tabs[(moves[event.key] + tabs.length) % tabs.length];
    next.focus();
    next.click();
  });

  /**
   * One Tab stop for a group of many buttons (the diagram's neurons, the 64 hand-set cells),
   * the arrow keys to move inside it: the "roving tabindex" of the WAI-ARIA Authoring Practices.
   * The item focused last has tabindex 0 (the first item until then), every other -1, so Tab
   * enters the group on it and leaves the group in one press. next(item, key) is the item an
   * arrow key moves to (null: none that way, stay); Home and End go to the first and the last.
   * Enter and Space are left to the items. Items are known by their data-testid, so a group
   * drawn anew keeps its stop: call refresh() after drawing it.
   */
  function rovingFocus(group, selector, next) {
    let last = null;  // the data-testid of the item focused last
    function refresh() {
      const items = [...group.querySelectorAll(selector)];
      const stop = items.find((item) => item.dataset.testid === last) || items[0];
      items.forEach((item) => item.setAttribute("tabindex", item === stop ? "0" : "-1"));
    }
    group.addEventListener("focusin", (event) => {
      const item = event.target.closest(selector);
      if (item) { last = item.dataset.testid; refresh(); }
    });
    group.addEventListener("keydown", (event) => {
      const item = event.target.closest(selector);
      if (!item || event.altKey || event.ctrlKey || event.metaKey) return;
      const items = [...group.querySelectorAll(selector)];
      const to = event.key === "Home" ? items[0] : event.key === "End" ? items[items.length - 1]
        : KEY_MOVES[event.key] ? next(item, event.key) : undefined;  // the four arrows, as on the pad
      if (to === undefined) return;  // not a key that moves
      event.preventDefault();  // the arrows move the focus; they do not scroll the page
      if (to) to.focus();
    });
    return { refresh };
  }

  // ------------------------------------------------------------------ the drawing pad
  const pad = $("pad");
  const padContext = pad.getContext("2d", { willReadFrequently: true });
  const strokes = [];
  let currentStroke = null;
  const PEN = pad.width / 9;  // thick, like the pens the UCI digits were written with

  function padPoint(event) {
    const box = pad.getBoundingClientRect();
    const at = (v, side) => Math.max(0, Math.min(side - 1, Math.round(v)));  // whole pixels: a link replays them exactly
    return [at((event.clientX - box.left) * (pad.width / box.width), pad.width),
      at((event.clientY - box.top) * (pad.height / box.height), pad.height)];
  }
  function drawStroke(points) {
    padContext.lineCap = "round";
    padContext.lineJoin = "round";
    padContext.lineWidth = PEN;
    padContext.strokeStyle = "#1c1f2b";
    padContext.fillStyle = "#1c1f2b";
    if (points.length === 1) {
      padContext.beginPath();
      padContext.arc(points[0][0], points[0][1], PEN / 2, 0, 2 * Math.PI);
      padContext.fill();
      return;
    }
    padContext.beginPath();
    padContext.moveTo(points[0][0], points[0][1]);
    for (let i = 1; i < points.length; i++) padContext.lineTo(points[i][0], points[i][1]);
    padContext.stroke();
  }
  function redrawPad() {
    padContext.clearRect(0, 0, pad.width, pad.height);
    strokes.forEach(drawStroke);
    const inked = strokes.length > 0;
    pad.classList.toggle("inked", inked);
    $("pad-empty").hidden = inked;
  }
  let activePointer = null;  // one stroke at a time: a second finger is ignored
  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    if (currentStroke) return;
    activePointer = event.pointerId;
    pad.setPointerCapture(event.pointerId);
    if (!strokes.length) newPicture();  // the first stroke replaces whatever was shown before
    currentStroke = [padPoint(event)];
    strokes.push(currentStroke);
    redrawPad();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!currentStroke || event.pointerId !== activePointer) return;
    event.preventDefault();
    currentStroke.push(padPoint(event));
    redrawPad();
    schedulePredict(150);
  });
  const endStroke = (event) => {
    if (!currentStroke || event.pointerId !== activePointer) return;
    currentStroke = null;
    activePointer = null;
    schedulePredict(0);
  };
  pad.addEventListener("pointerup", endStroke);
  pad.addEventListener("pointercancel", endStroke);

  // The keyboard's pen, as on the lesson's pads: on the pad, the arrows move it, and Space
  // puts it down (a new stroke) or lifts it (the stroke ends and the network answers).
  const keyPen = { x: 140, y: 60, down: false };
  const KEY_STEP = 14, KEY_MOVES = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  function placeKeyPen() {
    const marker = $("pad-pen");
    marker.style.left = `${(100 * keyPen.x) / pad.width}%`;
    marker.style.top = `${(100 * keyPen.y) / pad.height}%`;
    marker.classList.toggle("down", keyPen.down);
  }
  /** The pen's stroke is taken away (Undo, Clear): lift the pen without a stroke to answer. */
  function dropKeyPen() {
    if (activePointer !== "keyboard") return;
    keyPen.down = false; currentStroke = null; activePointer = null; placeKeyPen();
  }
  function liftKeyPen() {
    if (!keyPen.down) return;
    keyPen.down = false;
    if (activePointer === "keyboard") { currentStroke = null; activePointer = null; schedulePredict(0); }
  }
  pad.addEventListener("keydown", (event) => {
    if (event.key === " ") {
      if (keyPen.down) liftKeyPen();
      else if (!currentStroke) {  // not while a finger or the mouse is drawing
        keyPen.down = true;
        activePointer = "keyboard";
        if (!strokes.length) newPicture();
        currentStroke = [[keyPen.x, keyPen.y]];
        strokes.push(currentStroke);
        redrawPad();
      }
    } else if (KEY_MOVES[event.key]) {
      const [dx, dy] = KEY_MOVES[event.key];
      keyPen.x = Math.max(0, Math.min(pad.width - 1, keyPen.x + dx * KEY_STEP));
      keyPen.y = Math.max(0, Math.min(pad.height - 1, keyPen.y + dy * KEY_STEP));
      if (keyPen.down && activePointer === "keyboard") {
        currentStroke.push([keyPen.x, keyPen.y]);
        redrawPad();
        schedulePredict(150);
      }
    } else return;
    event.preventDefault();
    placeKeyPen();
  });
  pad.addEventListener("focus", () => { $("pad-pen").hidden = false; placeKeyPen(); });
  pad.addEventListener("blur", () => { liftKeyPen(); $("pad-pen").hidden = true; });
  pad.addEventListener("touchmove", (event) => event.preventDefault(), { passive: false });

  $("clear").addEventListener("click", () => {
    dropKeyPen();
    strokes.length = 0;
    redrawPad();
    showEmpty("draw something to see its guess");
  });
  function undo() {
    dropKeyPen();
    strokes.pop();
    redrawPad();
    if (strokes.length) schedulePredict(0); else showEmpty("draw something to see its guess");
  }
  $("undo").addEventListener("click", undo);
  document.addEventListener("keydown", (event) => {
    const typing = event.target.matches && event.target.matches("input, select, textarea");
    if (!typing && (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z" && strokes.length) {
      event.preventDefault();
      undo();
    }
  });
  $("example").addEventListener("click", async () => {
    strokes.length = 0;
    newPicture();
    redrawPad();
    const index = Math.floor(Math.random() * ((state.info && state.info.data.images) || 1797));
    try {
      const answer = await api("/api/predict", { example: index });
      showPrediction(answer, `training digit #${index}, labelled ${answer.label}`);
    } catch (error) { toast(error.message); }
  });

  /** A canvas's ink (alpha) as amounts 0..1, averaged over 2x2 blocks: a list of rows
      (140x140 for the 280x280 pad). The lesson reads its own pads with it too. */
  function padPixels(canvas) {
    const source = canvas || pad;
    const context = source === pad ? padContext : source.getContext("2d", { willReadFrequently: true });
    const image = context.getImageData(0, 0, source.width, source.height).data;
    const side = source.width / 2;
    const rows = [];
    for (let r = 0; r < side; r++) {
      const row = new Array(side);
      for (let c = 0; c < side; c++) {
        let sum = 0;
        for (let dr = 0; dr < 2; dr++) {
          for (let dc = 0; dc < 2; dc++) sum += image[(((2 * r + dr) * source.width) + 2 * c + dc) * 4 + 3];
        }
        row[c] = Math.round((sum / (4 * 255)) * 100) / 100;
      }
      rows.push(row);
    }
    return rows;
  }

  let predictTimer = null, predicting = false, predictAgain = false;
  function schedulePredict(delay) {
    clearTimeout(predictTimer);
    predictTimer = setTimeout(predictNow, delay);
  }
  async function predictNow() {
    if (!strokes.length && !state.prediction) return;
    if (predicting) { predictAgain = true; return; }
    predicting = true;
    try {
      if (strokes.length) {
        const answer = await api("/api/predict", { pixels: padPixels() });
        if (!answer.ink) showEmpty(answer.message);
        else showPrediction(answer, null);
      } else {  // a real digit shown earlier: ask the (new) network about the same 64 numbers
        const previous = state.prediction;
        const answer = await api("/api/predict", { numbers: previous.numbers });
        showPrediction(Object.assign(answer, { label: previous.label }), $("guess-note").textContent);
      }
    } catch (error) {
      toast(error.message);
    } finally {
      predicting = false;
      if (predictAgain) { predictAgain = false; predictNow(); }
    }
  }

  // ------------------------------------------------------------------ showing a prediction
  /** A new picture replaces the old one (a first stroke, a real digit, a shared view, Clear):
      the answer the learner chose for the old one is not this one's, so it is chosen again. */
  function newPicture() {
    state.backpropLabelChosen = false;
  }
  function showEmpty(message) {
    state.prediction = null;
    newPicture();
    const guess = $("guess");
    guess.textContent = "?";
    guess.classList.add("unknown");
    $("guess-note").textContent = message;
    clearCanvas($("box32"));
    clearCanvas($("input8"));
    renderNumbers(null);
    renderBars(null);
    renderDiagram();
    refreshNeuron();
    refreshHandset();
    refreshBackprop();
  }
  function clearCanvas(canvas) {
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
  }

  function showPrediction(answer, note) {
    state.prediction = answer;
    const guess = $("guess");
    guess.textContent = String(answer.guess);
    guess.classList.remove("unknown");
    const best = Math.max(...answer.probabilities);
    $("guess-note").textContent = note || `${sure(best)} sure`;
    if (answer.box32) paintGrid($("box32"), answer.box32.flat(), 32, inkColor);
    else clearCanvas($("box32"));
    paintGrid($("input8"), answer.numbers, 8, inkColor);
    renderNumbers(answer.numbers);
    if (state.network && answer.version !== state.network.version) { loadNetwork(); return; }
    renderBars(answer);
    renderDiagram();
    refreshNeuron();
    refreshHandset();
    refreshBackprop();  // an open backpropagation tab follows the pad too
  }

  /** How sure, as a percentage as precise as the bars' three decimals (0.998: 99.8%). It never
      says 100%: the server rounds a probability to four decimals, so a 1 may be 0.99996, and a
      softmax output is never quite certain. */
  const sure = (p) => ((100 * p).toFixed(1) === "100.0" ? ">99.9%" : percent(p, 1));

  function renderNumbers(numbers) {
    const box = $("numbers");
    box.replaceChildren();
    for (let i = 0; i < 64; i++) {
      const v = numbers ? numbers[i] : 0;
      const span = el("span", { text: numbers ? (v === 0 ? "0" : v.toFixed(2).replace(/^0/, "")) : "·" });
      if (v > 0) paintCellText(span, INK, v);
      box.append(span);
    }
  }

  function renderBars(answer) {
    const box = $("output-bars");
    box.replaceChildren();
    const classes = (state.network && state.network.classes) || (answer && answer.classes) || [];
    const outputs = answer ? answer.outputs : null;
    let winner = -1;
    if (outputs) winner = outputs.indexOf(Math.max(...outputs));
    classes.forEach((label, i) => {
      const value = outputs ? outputs[i] : 0;
      const fill = el("div", { class: "bar-fill" });
      fill.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
      box.append(el("div", { class: "bar" + (i === winner && outputs.length > 1 ? " best" : ""), title: `output neuron for ${label}` }, [
        el("span", { class: "bar-label", text: String(label) }),
        el("div", { class: "bar-track" }, [fill]),
        el("span", { class: "bar-value", text: outputs ? fixed(value, 3) : "" }),
      ]));
    });
  }

  // ------------------------------------------------------------------ the network
  async function loadNetwork() {
    try {
      showNetwork(await api("/api/network"));
    } catch (error) { toast(error.message); }
  }
  const shapeText = (sizes) => sizes.join(" → ");

  /** Draw everything again for the network the server sent (a new one after training or "back"). */
  function showNetwork(n) {
    const replaced = !state.network || state.network.version !== n.version;
    state.network = n;
    const kinds = n.sizes.length > 2 ? `${n.activation} hidden, ${n.output} output` : `${n.output} output, no hidden layer`;
    $("model-summary").textContent = `${shapeText(n.sizes)}  ·  ${kinds}  ·  ${n.parameters.toLocaleString()} weights`;
    $("network-accuracy").textContent = percent(n.test_accuracy);
    const back = $("previous-network");
    back.hidden = !n.previous || back.dataset.fixed === "true";  // fix=1: a teacher fixed the network
    if (n.previous) {
      back.textContent = `← back to the previous network (${shapeText(n.previous.sizes)}, ${percent(n.previous.test_accuracy)})`;
    }
    if (state.selected && (state.selected.layer >= n.layers.length ||
      state.selected.neuron >= n.sizes[state.selected.layer + 1])) {
      state.selected = null;
      $("neuron-panel").replaceChildren(el("div", { class: "placeholder", text: "Click any hidden or output neuron (a picture or a box) to see its weights, its arithmetic for your drawing, and the training digits that excite it most." }));
    }
    renderDiagram();  // without a trace until the drawing is traced through this network
    renderBars(currentTrace());
    fillSlopeLayers();
    if (replaced) resetSlope();
    // The Train tab tells one network's story: the last training's, while its results are up.
    const made = state.training && state.training.made;
    if (showWhoseResults(n) || !made) drawWeightTiles(n.layers.length > 1 ? transpose(n.layers[0].weights) : []);
    else drawWeightTiles(made.weights);
    if (state.prediction && !currentTrace()) schedulePredict(0);  // then guess, bars, panel, hand-set
    else { refreshNeuron(); refreshHandset(); }
  }
  $("previous-network").addEventListener("click", async () => {
    try {
      state.knockout = null;
      showNetwork(await api("/api/network/previous", {}));
      $("train-refused").hidden = true;
    } catch (error) { toast(error.message); }
  });

  /** Neuron value -> 0..1 for colouring, by what its activation can produce. */
  function firing(values, activation) {
    if (activation === "sigmoid" || activation === "softmax") return values.map((v) => v);
    if (activation === "tanh") return values.map((v) => (v + 1) / 2);
    const top = Math.max(...values, 1e-9);
    return values.map((v) => Math.max(0, v) / top);
  }

  // How big each kind of neuron is drawn, in CSS pixels (the diagram scrolls, never shrinks,
  // so every neuron stays big enough to read and to tap: at least 24x24).
  // Wide enough that a value such as "-12.37" stays inside its tile with room on both sides.
  const PICTURE = { width: 44, height: 54, side: 30 };  // a first-layer neuron: its 8x8 weights
  const CELL = { width: 56, height: 26 };                // a deeper neuron or an output
  const LAYER_GAP = 56;                                  // room for the lines between columns

  /** The weights into one first-layer neuron as an 8x8 picture (blue +, orange -), as a data URL. */
  function weightPicture(weights, neuron, scale) {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 8;
    paintGrid(canvas, weights.map((row) => row[neuron]), 8, (w) => weightColor(w, scale));
    return canvas.toDataURL();
  }

  /** Which connections to draw: [i, j, strength] per layer, as the server chose them. */
  function chosenConnections(n, trace, l) {
    // every weight, or the server's strongest ones when a layer pair has too many to draw
    if ($("show-all-connections").checked) return n.layers[l].strongest;
    if (trace && trace.connections) return trace.connections[l];  // strongest w·a for this drawing
    return [];  // no drawing yet: no contributions to show
  }

  /** Under "show every connection": which layer pairs show only their strongest weights. */
  function connectionsNote(n) {
    const names = ["inputs", ...n.sizes.slice(1, -1).map((_, l) => `hidden ${l + 1}`), "outputs"];
    const capped = n.layers.map((layer, l) => ({ layer, l })).filter(({ layer }) => layer.strongest.length < layer.connections);
    const note = $("connections-note");
    note.hidden = !$("show-all-connections").checked || capped.length === 0;
    note.textContent = capped.length === 0 ? "" : "Too many lines to draw them all: showing " + capped.map(({ layer, l }) =>
      `the ${layer.strongest.length.toLocaleString("en")} strongest of ${layer.connections.toLocaleString("en")} ` +
      `weights from ${names[l]} to ${names[l + 1]}`).join("; ") + ".";
  }

  function renderDiagram() {
    const n = state.network;
    const root = $("diagram");
    // The diagram is built anew each time (a drawing, a click, a new network): a keyboard
    // user on a neuron must stay on it, else the next Tab starts again at neuron 0.
    const focused = root.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
    root.replaceChildren();
    if (!n) { showDiagramOverflow(); return; }
    connectionsNote(n);
    const trace = currentTrace();
    const L = n.layers.length;
    const H = 520, TOP = 8, BOTTOM = 44;  // a caption under each column
    const usable = H - TOP - BOTTOM;
    // inputs: an 8x8 grid of pixels on the left
    const cell = 20, gridX = 8, gridY = TOP + (usable - 8 * cell) / 2;
    const positions = [[]];
    for (let i = 0; i < 64; i++) {
      positions[0].push([gridX + (i % 8) * cell + cell / 2, gridY + Math.floor(i / 8) * cell + cell / 2]);
    }
    // each layer: a column of tiles, wrapped into more columns when it is taller than the diagram
    const tiles = [];
    let x = gridX + 8 * cell + LAYER_GAP;
    const columnsX = [gridX + 4 * cell];
    for (let l = 0; l < L; l++) {
      const size = l === 0 && L > 1 ? PICTURE : CELL;
      const count = n.sizes[l + 1];
      const rows = Math.max(1, Math.min(count, Math.floor(usable / size.height)));
      const columns = Math.ceil(count / rows);
      const top = TOP + (usable - rows * size.height) / 2;
      positions.push(Array.from({ length: count }, (_, j) => [
        x + Math.floor(j / rows) * size.width + size.width / 2, top + (j % rows) * size.height + size.height / 2]));
      tiles.push(size);
      columnsX.push(x + (columns * size.width) / 2);
      x += columns * size.width + LAYER_GAP;
    }
    const W = x - LAYER_GAP + 16;
    root.setAttribute("viewBox", `0 0 ${W} ${H}`);
    root.setAttribute("width", W);
    root.setAttribute("height", H);
    // connections: blue adds, orange subtracts, thicker is a bigger share
    const edges = svg("g", { class: "edges" });
    root.append(edges);
    const sel = state.selected;
    for (let l = 0; l < L; l++) {
      const chosen = chosenConnections(n, trace, l);
      const scale = chosen.reduce((m, c) => Math.max(m, Math.abs(c[2])), 1e-9);
      for (const [i, j, strength] of chosen) {
        const t = Math.abs(strength) / scale;
        const highlight = sel && ((sel.layer === l && sel.neuron === j) || (sel.layer === l - 1 && sel.neuron === i));
        const [x1, y1] = positions[l][i], [x2, y2] = positions[l + 1][j];
        edges.append(svg("line", {
          x1, y1, x2, y2, stroke: strength >= 0 ? "#2563eb" : "#e8590c",
          "stroke-width": (0.4 + 2.6 * t).toFixed(2),
          "stroke-opacity": (sel && !highlight ? 0.05 + 0.15 * t : 0.15 + 0.65 * t).toFixed(2),
        }));
      }
    }
    // inputs
    const inputs = svg("g", { class: "inputs" });
    root.append(inputs);
    for (let i = 0; i < 64; i++) {
      const v = trace ? trace.numbers[i] : 0;
      const [px, py] = positions[0][i];
      inputs.append(svg("rect", { class: "pixel", x: px - cell / 2, y: py - cell / 2, width: cell, height: cell, fill: inkColor(v) }));
    }
    const caption = (cx, name, detail) => {  // two short lines under a column
      [[name, H - 24], [detail, H - 8]].forEach(([text, y]) => {
        const t = svg("text", { x: cx, y, "text-anchor": "middle", class: "label" });
        t.textContent = text;
        root.append(t);
      });
    };
    caption(columnsX[0], "64 inputs", "(8×8 pixels)");
    // neurons: a value is darkness (grey, as ink is), never a hue; it is written too
    const winner = trace ? trace.outputs.indexOf(Math.max(...trace.outputs)) : -1;
    for (let l = 0; l < L; l++) {
      const layerValues = trace ? firing(trace.layers[l].activations, n.layers[l].activation) : null;
      const group = svg("g", { class: "layer" });
      root.append(group);
      const isOutput = l === L - 1, size = tiles[l];
      const weights = n.layers[l].weights, scale = maxAbs(weights.flat());
      positions[l + 1].forEach(([cx, cy], j) => {
        const node = svg("g", {
          class: "neuron" + (sel && sel.layer === l && sel.neuron === j ? " selected" : "") +
            (isOutput && j === winner && n.sizes[L] > 1 ? " winner" : ""),
          "data-testid": `neuron-${l}-${j}`, "data-layer": l, "data-neuron": j, tabindex: -1, role: "button",
          "aria-label": isOutput ? `output neuron ${n.classes[j]}` : `hidden layer ${l + 1} neuron ${j}`,
        });
        const left = cx - size.width / 2 + 1, top = cy - size.height / 2 + 1;
        const shade = layerValues ? layerValues[j] : 0;
        const frame = svg("rect", { class: "frame", x: left, y: top, width: size.width - 2, height: size.height - 2, rx: 4,
          fill: size === PICTURE ? "#fff" : inkColor(shade) });
        node.append(frame);
        const label = isOutput ? (n.sizes[L] > 1 ? String(n.classes[j]) : "1?") : "";
        const value = trace ? (isOutput ? trace.outputs[j] : trace.layers[l].activations[j]) : null;
        if (size === PICTURE) {
          // what the neuron looks for, with a bar under it as long as it fires for this drawing
          node.append(svg("image", { href: weightPicture(weights, j, scale), x: cx - PICTURE.side / 2, y: top + 2,
            width: PICTURE.side, height: PICTURE.side, class: "weights", preserveAspectRatio: "none" }));
          node.append(svg("rect", { x: cx - PICTURE.side / 2, y: top + PICTURE.side + 3, height: 3,
            width: (PICTURE.side * shade).toFixed(1), fill: inkColor(1) }));
          if (value !== null) {
            const text = svg("text", { x: cx, y: top + size.height - 8, "text-anchor": "middle", class: "value small", "data-testid": `value-${l}-${j}` });
            text.textContent = fixed(value, 2);
            node.append(text);
          }
        } else {
          const text = svg("text", { x: cx, y: cy + 4, "text-anchor": "middle",
            class: "value" + (isOutput ? " out" : "") + (shade > DARK_BOX ? " dark" : ""), "data-testid": `value-${l}-${j}` });
          text.textContent = [label, value === null ? "" : fixed(value, 2)].filter(Boolean).join(" ");
          node.append(text);
        }
        if (trace) {
          const tip = svg("title");
          tip.textContent = `z = ${fixed(trace.layers[l].weighted_sums[j])}, ${n.layers[l].activation}(z) = ${fixed(trace.layers[l].activations[j])}`;
          node.append(tip);
        }
        node.addEventListener("click", () => selectNeuron(l, j));
        node.addEventListener("keydown", (event) => {
          if (event.key !== "Enter" && event.key !== " ") return;
          event.preventDefault();  // a button's keys: Space presses it, it does not scroll the page
          selectNeuron(l, j);
        });
        group.append(node);
      });
      caption(columnsX[l + 1], isOutput ? "outputs" : `hidden ${l + 1}`, `${n.sizes[l + 1]} neuron${n.sizes[l + 1] === 1 ? "" : "s"}`);
    }
    diagramKeys.refresh();  // one neuron is the diagram's Tab stop (see rovingFocus)
    const again = focused && root.querySelector(`[data-testid="${focused}"]`);
    if (again) again.focus({ preventScroll: true });  // it is where it was: nothing to scroll to
    showDiagramOverflow();
  }

  /**
   * Where an arrow key goes in the diagram. Up and Down: the neuron before or after in the same
   * layer. Left and Right: the nearest column of tiles that way (the layer beside it, or the
   * next column of a layer too tall for one), on the neuron nearest in height to this one.
   */
  function diagramNeighbour(node, key) {
    const layer = Number(node.dataset.layer), j = Number(node.dataset.neuron);
    if (key === "ArrowUp" || key === "ArrowDown") {
      return $("diagram").querySelector(`[data-testid="neuron-${layer}-${j + KEY_MOVES[key][1]}"]`);
    }
    const centre = (element) => {
      const box = element.getBoundingClientRect();
      return { element, x: box.left + box.width / 2, y: box.top + box.height / 2 };
    };
    const here = centre(node), side = KEY_MOVES[key][0];
    const ahead = [...$("diagram").querySelectorAll(".neuron")].map(centre).filter((o) => (o.x - here.x) * side > 1);
    if (!ahead.length) return null;
    const gap = Math.min(...ahead.map((o) => Math.abs(o.x - here.x)));
    const column = ahead.filter((o) => Math.abs(o.x - here.x) < gap + 1);
    return column.reduce((best, o) => (Math.abs(o.y - here.y) < Math.abs(best.y - here.y) ? o : best)).element;
  }
  const diagramKeys = rovingFocus($("diagram"), ".neuron", diagramNeighbour);

  /**
   * The diagram never shrinks (every neuron stays big enough to read and to tap), so in a
   * narrow box it scrolls sideways, and a phone shows no scroll bar until it scrolls: say so
   * above the box, and fade the side that has more, until the outputs (the guess) are seen.
   */
  function showDiagramOverflow() {
    const wrap = $("diagram-wrap"), frame = $("diagram-frame");
    const hidden = wrap.scrollWidth - wrap.clientWidth;  // 0 while the tab is not shown
    frame.classList.toggle("more-right", hidden > 1 && wrap.scrollLeft < hidden - 1);
    frame.classList.toggle("more-left", hidden > 1 && wrap.scrollLeft > 1);
    $("diagram-scroll").hidden = hidden <= 1;
  }
  $("diagram-wrap").addEventListener("scroll", showDiagramOverflow, { passive: true });

  $("show-all-connections").addEventListener("change", renderDiagram);

  // ------------------------------------------------------------------ one neuron
  function selectNeuron(layer, neuron) {
    state.selected = { layer, neuron };
    renderDiagram();
    refreshNeuron();
  }
  let neuronRequest = 0;
  async function refreshNeuron() {
    if (!state.selected || !state.network) return;
    const ticket = ++neuronRequest;
    const body = { layer: state.selected.layer, neuron: state.selected.neuron };
    if (state.prediction) body.numbers = state.prediction.numbers;
    try {
      const answer = await api("/api/neuron", body);
      if (ticket === neuronRequest) renderNeuron(answer);
    } catch (error) { toast(error.message); }
  }

  function renderNeuron(info) {
    const panel = $("neuron-panel");
    panel.replaceChildren();
    const title = info.is_output
      ? (info.label === null ? "The output neuron" : `Output neuron “${info.label}”`)
      : `Hidden neuron ${info.neuron} of layer ${info.layer + 1}`;
    panel.append(el("h3", { text: title }, [" ", saveButton("neuron-picture", "neuron-weights", "this neuron's weights")]));
    const weightScale = maxAbs(info.weights);
    if (info.picture) {
      const canvas = el("canvas", { width: 8, height: 8, class: "pixelated", "data-testid": "neuron-weights", id: "neuron-picture" });
      paintGrid(canvas, info.picture.flat(), 8, (w) => weightColor(w, weightScale));
      panel.append(el("div", { class: "picture" }, [canvas, el("p", {
        class: "hint small",
        text: "Its 64 incoming weights, one per pixel. Ink on blue pixels pushes it up, ink on orange pixels pulls it down. Click a pixel to change its weight.",
      })]));
      // Click a pixel of the picture, then set its weight: the network changes, Reset undoes it.
      const editor = el("div", { class: "weight-editor", hidden: "" });
      const value = el("input", { type: "number", step: "any", min: "-10", max: "10", "data-testid": "weight-value" });
      const which = el("span", { class: "hint small" });
      const set = el("button", { type: "button", text: "Set this weight", "data-testid": "set-weight" });
      editor.append(which, value, set);
      panel.append(editor);
      let pixel = null;
      canvas.style.cursor = "pointer";
      canvas.addEventListener("click", (event) => {
        const box = canvas.getBoundingClientRect();
        const column = Math.min(7, Math.floor(((event.clientX - box.left) / box.width) * 8));
        const row = Math.min(7, Math.floor(((event.clientY - box.top) / box.height) * 8));
        pixel = row * 8 + column;
        which.textContent = `pixel row ${row}, column ${column}: weight ${fixed(info.weights[pixel], 3)} → `;
        value.value = String(info.weights[pixel]);
        editor.hidden = false;
        value.focus();
      });
      set.addEventListener("click", async () => {
        if (pixel === null) return;
        try {
          await api("/api/weight", { layer: info.layer, row: pixel, column: info.neuron, value: Number(value.value) });
          await loadNetwork();  // redraws the network, traces the drawing again, refreshes this panel
        } catch (error) { toast(error.message); }
      });
    } else {
      const strip = el("canvas", { width: info.weights.length, height: 1, class: "pixelated", "data-testid": "neuron-weights", id: "neuron-picture" });
      strip.style.width = "100%";
      strip.style.height = "18px";
      const ctx = strip.getContext("2d");
      info.weights.forEach((w, i) => { ctx.fillStyle = weightColor(w, weightScale); ctx.fillRect(i, 0, 1, 1); });
      panel.append(el("p", { class: "hint small", text: `Its ${info.weights.length} incoming weights, one per neuron of the layer before (blue +, orange −):` }), strip);
    }
    if (info.sum) {
      const s = info.sum;
      const table = el("table");
      const source = (i) => (info.layer === 0 ? `pixel ${Math.floor(i / 8)},${i % 8}` : `neuron ${i}`);
      const shown = s.terms.filter((t) => t.product !== 0).slice(0, 8);
      const row = (cells, cls) => table.append(el("tr", cls ? { class: cls } : {}, cells.map((c) => el("td", { text: c }))));
      row(["term", "weight", "× input", "= product"]);
      shown.forEach((t) => row([source(t.from), fixed(t.weight), `× ${fixed(t.input, 2)}`, fixed(t.product)]));
      const rest = s.terms.length - shown.length;
      const restSum = s.products_total - shown.reduce((a, t) => a + t.product, 0);
      if (rest > 0) row([`${rest} more terms`, "", "", fixed(restSum)], "more");
      row(["+ bias", "", "", fixed(s.bias)]);
      row(["weighted sum z", "", "", fixed(s.weighted_sum)], "total");
      const fn = info.activation;
      panel.append(el("p", { class: "hint small", text: "For your drawing, its weighted sum, written out (largest terms first):" }),
        el("div", { class: "sum" }, [table, el("div", {
          class: "result",
          text: fn === "softmax" ? `softmax over all outputs → ${fixed(s.value)}` : `${fn}(${fixed(s.weighted_sum)}) = ${fixed(s.value)}`,
        })]));
    } else {
      panel.append(el("p", { class: "hint small", text: "Draw a digit to see this neuron's sum written out." }));
    }
    if (info.exciting) {
      panel.append(el("p", { class: "hint small", text: "Training digits that excite it most:" }),
        el("div", { class: "thumbs" }, info.exciting.map((d) => thumb(d.image, `${d.label}: ${fixed(d.value, 2)}`))));
    }
    if (info.exciting_input) {
      const exact = info.layer === 0 ? "ink wherever its weight is positive" : "climbed to from the digit above, pixel slope by pixel slope";
      const best = thumb(info.exciting_input.image, `value ${fixed(info.exciting_input.value, 2)}`);
      best.dataset.testid = "exciting-input";
      panel.append(el("p", { class: "hint small", text: `The input that excites it most (${exact}):` }),
        el("div", { class: "thumbs" }, [best]));
    }
    const button = el("button", { type: "button", text: "See the slope of its strongest weight" });
    button.addEventListener("click", () => {
      const best = info.weights.reduce((b, w, i) => (Math.abs(w) > Math.abs(info.weights[b]) ? i : b), 0);
      $("s-layer").value = String(info.layer);
      $("s-row").value = String(best);
      $("s-column").value = String(info.neuron);
      updateSlopeBounds();
      showTab("slope");
      pickSlope();
    });
    const actions = [button];
    if (!info.is_output) {
      const off = el("button", { type: "button", text: "Switch this neuron off", "data-testid": "knockout" });
      off.addEventListener("click", () => knockOut(info.layer, info.neuron));
      actions.push(off);
    }
    const reset = el("button", { type: "button", text: "Reset to the trained weights", "data-testid": "reset-weights" });
    reset.addEventListener("click", resetWeights);
    actions.push(reset);
    panel.append(el("div", { class: "actions" }, actions), el("div", { id: "knockout-result" }));
    if (state.knockout && state.knockout.layer === info.layer && state.knockout.neuron === info.neuron) {
      showKnockout(state.knockout);
    }
  }

  /** Switch a hidden neuron off (its outgoing weights become 0): what it costs each digit. */
  async function knockOut(layer, neuron) {
    try {
      state.knockout = await api("/api/knockout", { layer, neuron });
      await loadNetwork();  // draws the network again, and the guess without the neuron
    } catch (error) { toast(error.message); }
  }
  function showKnockout(result) {
    const box = $("knockout-result");
    if (!box) return;
    const rows = Object.keys(result.with.per_class).map((digit) => el("tr", {}, [
      el("th", { text: digit }), el("td", { text: percent(result.with.per_class[digit]) }),
      el("td", { text: percent(result.without.per_class[digit]) }),
    ]));
    box.replaceChildren(
      el("p", { class: "hint small", text: `Switched off: the test accuracy went from ${percent(result.with.test_accuracy)} to ${percent(result.without.test_accuracy)}. Each digit, with and without it:` }),
      el("table", { class: "knockout-table", "data-testid": "knockout-table" }, [
        el("tr", {}, [el("th", { text: "digit" }), el("th", { text: "with it" }), el("th", { text: "without" })]), ...rows]),
    );
  }
  async function resetWeights() {
    try {
      await api("/api/reset", {});
      state.knockout = null;
      await loadNetwork();
    } catch (error) { toast(error.message); }
  }

  // ------------------------------------------------------------------ live training
  function fillSelect(select, names, chosen) {
    select.replaceChildren(...names.map((name) => el("option", { value: name, text: name.replace(/_/g, " ") })));
    select.value = chosen;
  }
  const chartColors = { train: "#4f46e5", val: "#f59f00" };

  function drawChart(canvas, series, options) {
    const [ctx, Wd, Ht] = fitCanvas(canvas, 0.48);
    const left = 46, right = 12, top = 10, bottom = 26;
    ctx.clearRect(0, 0, Wd, Ht);
    const all = series.flatMap((s) => s.values).filter((v) => v !== null && Number.isFinite(v));
    let yMin = options.yMin !== undefined ? options.yMin : Math.min(...all, 0);
    let yMax = options.yMax !== undefined ? options.yMax : Math.max(...all, 1e-6);
    if (!all.length) { yMin = 0; yMax = 1; }
    if (options.fitAccuracy && all.length) { yMin = Math.max(0, Math.floor(Math.min(...all) * 10) / 10); yMax = 1; }
    if (yMax - yMin < 1e-9) yMax = yMin + 1;
    const xMax = Math.max(options.xMax || 1, 2);
    const X = (i) => left + ((i - 1) / (xMax - 1)) * (Wd - left - right);
    const Y = (v) => top + (1 - (v - yMin) / (yMax - yMin)) * (Ht - top - bottom);
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#626a7e";
    ctx.strokeStyle = "#eceef4";
    ctx.lineWidth = 1;
    for (let k = 0; k <= 4; k++) {
      const v = yMin + ((yMax - yMin) * k) / 4;
      ctx.beginPath(); ctx.moveTo(left, Y(v)); ctx.lineTo(Wd - right, Y(v)); ctx.stroke();
      ctx.textAlign = "right";
      ctx.fillText(options.percent ? `${Math.round(v * 100)}%` : v.toFixed(2), left - 5, Y(v) + 4);
    }
    ctx.textAlign = "center";
    const stepX = Math.max(1, Math.ceil(xMax / 6));
    for (let e = 1; e <= xMax; e += stepX) ctx.fillText(String(e), X(e), Ht - 8);
    ctx.textAlign = "right";
    ctx.fillText("epoch", left - 12, Ht - 8);
    for (const s of series) {
      ctx.strokeStyle = s.color; ctx.fillStyle = s.color; ctx.lineWidth = 2;
      ctx.beginPath();
      let started = false;
      s.values.forEach((v, i) => {
        if (v === null) return;
        if (!started) { ctx.moveTo(X(i + 1), Y(v)); started = true; } else ctx.lineTo(X(i + 1), Y(v));
      });
      ctx.stroke();
      if (s.values.length === 1 && s.values[0] !== null) {
        ctx.beginPath(); ctx.arc(X(1), Y(s.values[0]), 3, 0, 2 * Math.PI); ctx.fill();
      }
    }
  }

  function drawCharts() {
    const t = state.training;
    const epochs = t ? t.epochs : [];
    const xMax = t ? t.settings.epochs : 10;
    const pick = (key) => epochs.map((e) => e[key]);
    drawChart($("chart-loss"), [
      { values: pick("train_loss"), color: chartColors.train },
      { values: pick("validation_loss"), color: chartColors.val },
    ], { xMax, yMin: 0 });
    drawChart($("chart-accuracy"), [
      { values: pick("train_accuracy"), color: chartColors.train },
      { values: pick("validation_accuracy"), color: chartColors.val },
    ], { xMax, percent: true, fitAccuracy: true });
    $("chart-loss").dataset.points = String(epochs.length);
    // A training that holds no images out has no validation curve to name.
    const noValidation = Boolean(t && !(t.settings.validation_fraction > 0));
    document.querySelectorAll(".legend-validation").forEach((key) => { key.hidden = noValidation; });
  }

  function drawWeightTiles(pictures) {
    // one list of 64 incoming weights per first-layer neuron
    const box = $("weight-tiles");
    if (!pictures || !pictures.length || pictures[0].length !== 64) { box.replaceChildren(); return; }
    const shown = pictures.slice(0, 64);
    if (box.children.length !== shown.length) {
      box.replaceChildren(...shown.map(() => el("canvas", { width: 8, height: 8 })));
    }
    shown.forEach((w, k) => {
      const scale = maxAbs(w);
      paintGrid(box.children[k], w, 8, (v) => weightColor(v, scale));
    });
  }
  function transpose(rows) { return rows[0].map((_, j) => rows.map((r) => r[j])); }

  function trainingButtons(status) {
    const active = ["running", "paused", "stopping"].includes(status);
    $("train-start").disabled = active;
    $("train-pause").disabled = !active || status === "stopping";
    $("train-step").disabled = !active || status === "stopping";
    $("train-stop").disabled = !active || status === "stopping";
    $("train-pause").textContent = status === "paused" ? "Resume" : "Pause";
  }
  function trainingStatus(text, isError) {
    const box = $("train-status");
    box.textContent = text;
    box.classList.toggle("error", !!isError);
  }

  /** Put a recipe's settings (from /api/info) in the training form; the seed stays. */
  function showRecipe(name) {
    const recipe = state.info.recipes[name];
    const settings = recipe.settings;
    $("f-hidden").value = settings.hidden.length ? settings.hidden.join(",") : "none";
    for (const [id, field] of [["f-activation", "activation"], ["f-output", "output"],
      ["f-loss", "loss"], ["f-optimizer", "optimizer"]]) $(id).value = settings[field];
    // Left empty, the server takes the recipe's rate for its own optimizer, else the
    // chosen optimizer's default (glassnet.app.recipes.rate_for).
    $("f-rate").value = "";
    $("f-rate").placeholder = settings.learning_rate === null ? "default" : `${settings.learning_rate} for ${settings.optimizer}`;
    $("f-batch").value = String(settings.batch_size);
    $("f-epochs").value = String(settings.epochs);
    const held = settings.validation_fraction > 0 ? `${percent(settings.validation_fraction, 0)} of the training images held out to validate` : "no validation images held out";
    const nudged = recipe.nudges > 0 ? `pictures nudged by up to ${recipe.nudges} of a pixel` : "no nudges";
    $("recipe-note").textContent = `${recipe.summary}. Also part of it: ${nudged}, input noise ${settings.input_noise}, ${recipe.averaging}, ${settings.dtype}, ${held}.`;
  }
  $("f-recipe").addEventListener("change", () => { if (state.info) showRecipe($("f-recipe").value); });

  function readSettings() {
    const hiddenText = $("f-hidden").value.trim().toLowerCase();
    let hidden;
    if (hiddenText === "" || hiddenText === "none") hidden = [];
    else {
      hidden = hiddenText.split(",").map((part) => Number(part.trim()));
      if (hidden.some((h) => !Number.isInteger(h))) throw new Error("hidden layers: whole numbers separated by commas, e.g. 64,32 (or none)");
    }
    const settings = {
      hidden, activation: $("f-activation").value, output: $("f-output").value,
      loss: $("f-loss").value, optimizer: $("f-optimizer").value, recipe: $("f-recipe").value,
      batch_size: Number($("f-batch").value), epochs: Number($("f-epochs").value), seed: Number($("f-seed").value),
      pace: Number($("f-pace").value),
    };
    if ($("f-rate").value.trim() !== "") settings.learning_rate = Number($("f-rate").value);
    return settings;
  }

  $("train-start").addEventListener("click", async () => {
    let settings;
    try { settings = readSettings(); } catch (error) { trainingStatus(error.message, true); return; }
    try {
      const status = await api("/api/training/start", settings);
      startWatching(status);
    } catch (error) {
      trainingStatus(error.message, true);
    }
  });
  /**
   * The server's saved runs (GET /api/runs, newest first) as the menu's choices.
   * choose: a run to select (a training that just finished: its own run); else the one
   * chosen before stays chosen. Each choice is short, to fit a phone's menu; the line
   * under the menu describes the chosen run in full, in words that wrap.
   */
  let savedRuns = [];
  async function refreshSavedRuns({ choose = null } = {}) {
    try { savedRuns = (await api("/api/runs")).runs; } catch (error) { toast(error.message); }
    const menu = $("saved-runs");
    const chosen = choose === null ? menu.value : String(choose);
    menu.replaceChildren(...(savedRuns.length ? savedRuns.map((run) => el("option", { value: String(run.run_id),
      text: `run ${run.run_id}: ${runShape(run)}, ${percent(run.test_accuracy)}` }))
      : [el("option", { value: "", text: "none saved yet" })]));
    if (savedRuns.some((run) => String(run.run_id) === chosen)) menu.value = chosen;
    menu.disabled = $("use-saved-run").disabled = !savedRuns.length;
    describeSavedRun();
  }
  const runShape = (run) => [64, ...(run.hidden || []), 10].join("-");
  function describeSavedRun() {
    const run = savedRuns.find((r) => String(r.run_id) === $("saved-runs").value);
    $("saved-run-note").textContent = run ? `Run ${run.run_id}: a ${runShape(run)} network, ${run.epochs} epochs, ` +
      `seed ${run.seed}, ${percent(run.test_accuracy)} on test digits.` : "";
  }
  $("saved-runs").addEventListener("change", describeSavedRun);
  $("use-saved-run").addEventListener("click", async () => {
    const runId = Number($("saved-runs").value);
    try {
      showNetwork(await api("/api/network/replay", { run_id: runId }));
      toast(`You are drawing against run ${runId}'s network now; a shared link names it.`);
    } catch (error) { toast(error.message); }
  });
  $("train-pause").addEventListener("click", () => trainingControl($("train-pause").textContent === "Resume" ? "resume" : "pause"));
  $("train-step").addEventListener("click", () => trainingControl("step"));
  $("train-stop").addEventListener("click", () => trainingControl("stop"));
  async function trainingControl(action) {
    try {
      const status = await api(`/api/training/${action}`, {});
      trainingButtons(status.state);
    } catch (error) { toast(error.message); }
  }

  function startWatching(status) {
    if (state.training && state.training.source) state.training.source.close();
    state.training = { settings: status.settings, epochs: status.epochs || [], source: null, made: null };
    $("train-results").hidden = true;
    $("train-refused").hidden = true;
    $("train-set-aside").hidden = true;  // a new training: its curves are about its own network
    trainingButtons(status.state);
    trainingStatus("starting…");
    drawCharts();
    const source = new EventSource("/api/training/events");
    state.training.source = source;
    const seen = new Set(state.training.epochs.map((e) => e.epoch));
    source.addEventListener("epoch", (event) => {
      const data = JSON.parse(event.data);
      if (seen.has(data.epoch)) return;
      seen.add(data.epoch);
      state.training.epochs.push(data);
      drawCharts();
      if (data.weights) drawWeightTiles(data.weights);
      const val = data.validation_accuracy !== null ? ` · validation accuracy ${percent(data.validation_accuracy)}` : "";
      trainingStatus(`epoch ${data.epoch} of ${state.training.settings.epochs} · loss ${fixed(data.train_loss, 4)}${val}`);
    });
    source.addEventListener("state", (event) => {
      const data = JSON.parse(event.data);
      trainingButtons(data.state);
      if (data.state === "paused") trainingStatus($("train-status").textContent.replace(/ · paused$/, "") + " · paused");
    });
    source.addEventListener("done", (event) => {
      source.close();
      const data = JSON.parse(event.data);
      trainingButtons("finished");
      // Early stopping watches the validation loss, or the training loss when no images are held out.
      const watched = state.training.epochs.some((e) => e.validation_loss != null) ? "validation" : "training";
      const reasons = { completed: "all epochs done", stopped: "stopped by you",
        early_stopping: `the ${watched} loss stopped improving`, interrupted: "interrupted" };
      trainingStatus(`finished after ${data.epochs} epochs (${reasons[data.stop_reason] || data.stop_reason}) in ${data.seconds.toFixed(1)} s` +
        (data.run_id ? ` · recorded as run ${data.run_id}` : ""));
      state.training.made = madeBy(data, state.training.settings);
      showResults(data);
      state.knockout = null;  // a new network: its neurons are all on
      loadNetwork();
      refreshSavedRuns({ choose: data.run_id || null });  // it was saved as a run: offer it first
    });
    source.addEventListener("failed", (event) => {
      source.close();
      const data = JSON.parse(event.data);
      trainingButtons("failed");
      trainingStatus(data.diverged ? "stopped: the training diverged" : data.error, true);
      if (data.diverged) showRefused(data.error);
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) trainingButtons("failed");
    };
  }

  /** A training that went wrong was thrown away: say why, and that the network is the one you had. */
  function showRefused(reason) {
    $("refused-reason").textContent = reason;
    const n = state.network;
    $("refused-kept").textContent = n ?
      `You are still drawing against ${shapeText(n.sizes)}, which gets ${percent(n.test_accuracy)} of the test digits right.` : "";
    $("train-refused").hidden = false;
  }

  /**
   * What a finished training made, to tell its network from the one drawn against later:
   * the version it was adopted as, and (once /api/network has sent it) its checksum.
   */
  const madeBy = (data, settings) => ({ version: data.version, sha: null, accuracy: data.test_accuracy,
    shape: shapeText([64, ...(settings.hidden || []), data.classes.length]), weights: data.weights });
  /**
   * Is n the network the training's results describe? If not (you went back to the previous
   * network, chose another, or changed its weights) the curves, scores and mistakes stay, as
   * a record of that training, and a note above them says whose they are. Going forward
   * again, or Reset to its trained weights, brings the same weights back, and the note goes.
   */
  function showWhoseResults(n) {
    const made = state.training && state.training.made;
    const note = $("train-set-aside");
    if (!made) { note.hidden = true; return true; }
    if (made.sha === null && n.version === made.version) made.sha = n.weights_sha256;
    const same = made.sha !== null ? n.weights_sha256 === made.sha : n.version === made.version;
    note.hidden = same;
    if (same) return true;
    const run = `the ${made.shape} network this training made (${percent(made.accuracy)} on the test digits)`;
    const setAside = n.previous && shapeText(n.previous.sizes) === made.shape && n.previous.test_accuracy === made.accuracy;
    note.textContent = setAside
      ? `Set aside: the curves, weight pictures, score, confusion matrix and mistakes below are those of ${run}, ` +
        "not of the network you draw against now. “← back to the previous network” at the top brings it back."
      : `Not the network you draw against now: the curves, weight pictures, score, confusion matrix and mistakes ` +
        `below are those of ${run}, before its weights were changed or another network was chosen.`;
    return false;
  }

  function showResults(data) {
    $("train-results").hidden = false;
    $("test-accuracy").textContent = percent(data.test_accuracy);
    $("test-note").textContent = `${data.n_test - data.n_mistakes} of ${data.n_test} right · on training digits ${percent(data.train_accuracy)}`;
    const table = $("confusion");
    table.replaceChildren();
    // The corner heads neither a row nor a column: a data cell, not an empty header.
    const head = el("tr", {}, [el("td"), ...data.classes.map((c) => el("th", { scope: "col", text: String(c) }))]);
    table.append(head);
    const peak = Math.max(...data.confusion.flat(), 1);
    data.confusion.forEach((row, i) => {
      const cells = row.map((count, j) => {
        const td = el("td", { text: count ? String(count) : "" });
        // Right answers are green, darker the more; mistakes orange, full from 4 on. The
        // number is written on the colour, so paintCellText picks the shade and the text
        // (dark or white) together, for contrast of at least 4.5.
        if (!count) td.style.background = "#fafbfc";
        else if (i === j) paintCellText(td, GOOD, Math.sqrt(count / peak));
        else paintCellText(td, ORANGE, Math.min(1, count / 4));
        return td;
      });
      table.append(el("tr", {}, [el("th", { scope: "row", text: String(data.classes[i]) }), ...cells]));
    });
    const box = $("mistakes");
    box.replaceChildren(...data.mistakes.map((m) => thumb(m.image, `${m.label}→${m.guess}`)));
    if (!data.mistakes.length) box.append(el("p", { class: "hint", text: "No mistakes on the test digits." }));
    drawWeightTiles(data.weights);
  }

  async function resumeTraining() {
    try {
      const status = await api("/api/training");
      if (status.state === "idle") return;
      if (["running", "paused", "stopping"].includes(status.state)) startWatching(status);
      else {
        state.training = { settings: status.settings, epochs: status.epochs, source: null, made: null };
        drawCharts();
        if (status.outcome && status.outcome.test_accuracy !== undefined) {
          state.training.made = madeBy(status.outcome, status.settings);
          showResults(status.outcome);
          if (state.network && !showWhoseResults(state.network)) drawWeightTiles(state.training.made.weights);
        }
      }
    } catch (error) { /* nothing to resume */ }
  }

  // ------------------------------------------------------------------ one weight's slope
  function fillSlopeLayers() {
    const n = state.network;
    const select = $("s-layer");
    const keep = select.value;
    const names = (l) => (l === 0 ? "input" : `hidden ${l}`);
    select.replaceChildren(...n.layers.map((_, l) => el("option", {
      value: String(l), text: `${names(l)} → ${l === n.layers.length - 1 ? "output" : "hidden " + (l + 1)}`,
    })));
    if (keep && Number(keep) < n.layers.length) select.value = keep;
    else suggestConnection();
    updateSlopeBounds();
  }
  /** Start with the strongest connection into the output layer: its curve is the clearest. */
  function suggestConnection() {
    const n = state.network;
    const last = n.layers.length - 1;
    const weights = n.layers[last].weights;
    let best = [0, 0];
    weights.forEach((row, i) => row.forEach((w, j) => {
      if (Math.abs(w) > Math.abs(weights[best[0]][best[1]])) best = [i, j];
    }));
    $("s-layer").value = String(last);
    $("s-row").value = String(best[0]);
    $("s-column").value = String(best[1]);
    $("s-value").value = String(Math.round(weights[best[0]][best[1]] + (weights[best[0]][best[1]] > 0 ? -2 : 2)));
  }
  function updateSlopeBounds() {
    const n = state.network;
    if (!n) return;
    const l = Number($("s-layer").value || 0);
    $("s-row").max = String(n.sizes[l] - 1);
    $("s-column").max = String(n.sizes[l + 1] - 1);
    $("s-row-label").textContent = l === 0 ? "from pixel (0–63, row × 8 + column)" : `from neuron (0–${n.sizes[l] - 1})`;
    $("s-column-label").textContent = `to neuron (0–${n.sizes[l + 1] - 1})`;
  }
  $("s-layer").addEventListener("change", updateSlopeBounds);

  /** Choose a connection: the one in the boxes, or (steepest) the server's steepest one. */
  async function pickSlope({ value, steepest = false } = {}) {
    const body = { learning_rate: Number($("s-rate").value) || 10 };
    if (!steepest) {
      Object.assign(body, { layer: Number($("s-layer").value), row: Number($("s-row").value),
        column: Number($("s-column").value) });
    }
    if (value !== undefined) body.value = value;
    try {
      const data = await api("/api/slope", body);
      if (data.chosen_by === "steepest") {
        $("s-layer").value = String(data.layer); $("s-row").value = String(data.row); $("s-column").value = String(data.column);
      }
      $("slope-chosen").textContent = data.chosen_by === "steepest" ?
        "This connection was chosen because its slope is the steepest for the training digits: a hop moves it visibly." : "";
      renderSlope(data);
      state.slopeReady = true;
      $("s-hop").disabled = false;
      $("s-move").disabled = false;
      $("s-fit").disabled = false;
    } catch (error) { toast(error.message); }
  }
  function resetSlope() {
    state.slopeReady = false;
    state.lastSlope = null;
    ["s-hop", "s-move", "s-fit"].forEach((id) => { $(id).disabled = true; });
    $("slope-chosen").textContent = "";
    $("hop-log").replaceChildren();
    $("slope-readout").replaceChildren(el("div", { class: "placeholder", text: "Pick a connection to see its slope." }));
    clearCanvas($("slope-chart"));
    if ($("panel-slope").classList.contains("active") && state.network) pickSlope({ steepest: true });
  }
  $("s-fit").addEventListener("click", async () => {
    try { renderSlope(await api("/api/slope/fit", {})); } catch (error) { toast(error.message); }
  });
  $("s-pick").addEventListener("click", () => pickSlope());
  $("s-move").addEventListener("click", () => pickSlope({ value: Number($("s-value").value) }));
  $("s-hop").addEventListener("click", async () => {
    try { renderSlope(await api("/api/slope/hop", { learning_rate: Number($("s-rate").value) || 10 })); } catch (error) { toast(error.message); }
  });

  function renderSlope(data) {
    state.lastSlope = data;
    const canvas = $("slope-chart");
    const [ctx, Wd, Ht] = fitCanvas(canvas, 0.47);
    const left = 56, right = 16, top = 16, bottom = 34;
    ctx.clearRect(0, 0, Wd, Ht);
    const xs = data.weights, ys = data.losses;
    // The axes are the server's: fixed while you hop (re-scaled only by "Fit the chart").
    const xMin = data.x_axis.low, xMax = data.x_axis.high, low = data.y_axis.low, high = data.y_axis.high;
    const narrow = Wd < 480;  // a phone: the loss label goes above the chart, not sideways
    const X = (v) => left + ((v - xMin) / (xMax - xMin)) * (Wd - left - right);
    const Y = (v) => top + (1 - (v - low) / (high - low)) * (Ht - top - bottom);
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = "#626a7e";
    ctx.strokeStyle = "#eceef4";
    data.y_axis.ticks.forEach((tick) => {
      ctx.beginPath(); ctx.moveTo(left, Y(tick.value)); ctx.lineTo(Wd - right, Y(tick.value)); ctx.stroke();
      ctx.textAlign = "right"; ctx.fillText(tick.label, left - 6, Y(tick.value) + 4);
    });
    ctx.textAlign = "center";
    data.x_axis.ticks.forEach((tick) => ctx.fillText(tick.label, X(tick.value), Ht - 16));
    ctx.fillText("value of this weight", (left + Wd - right) / 2, Ht - 2);
    const lossLabel = `loss (${data.loss_name.replace(/_/g, " ")})`;
    if (narrow) { ctx.textAlign = "left"; ctx.fillText(lossLabel, 4, 11); }
    else { ctx.save(); ctx.translate(12, (top + Ht - bottom) / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(lossLabel, 0, 0); ctx.restore(); }
    ctx.save();
    ctx.beginPath(); ctx.rect(left, top, Wd - left - right, Ht - top - bottom); ctx.clip();  // nothing outside the axes
    // the curve
    ctx.strokeStyle = "#4f46e5"; ctx.lineWidth = 2.5;
    ctx.beginPath();
    xs.forEach((x, i) => (i ? ctx.lineTo(X(x), Y(ys[i])) : ctx.moveTo(X(x), Y(ys[i]))));
    ctx.stroke();
    // where it started
    ctx.strokeStyle = "#c5cad8"; ctx.setLineDash([4, 4]); ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(X(data.original), top); ctx.lineTo(X(data.original), Ht - bottom); ctx.stroke();
    ctx.setLineDash([]);
    // hops
    ctx.strokeStyle = "#e8590c"; ctx.fillStyle = "#e8590c"; ctx.lineWidth = 1.5;
    data.hops.forEach((h, k) => {
      const before = k === 0 ? null : data.hops[k - 1].loss;
      if (before !== null) {
        ctx.beginPath(); ctx.moveTo(X(h.from), Y(before)); ctx.lineTo(X(h.to), Y(h.loss)); ctx.stroke();
      }
      ctx.beginPath(); ctx.arc(X(h.to), Y(h.loss), 3, 0, 2 * Math.PI); ctx.fill();
      if (h.overshot) {  // past the bottom, or uphill: ringed and named
        ctx.save(); ctx.strokeStyle = "#c92a2a"; ctx.lineWidth = 2;
        ctx.beginPath(); ctx.arc(X(h.to), Y(h.loss), 8, 0, 2 * Math.PI); ctx.stroke();
        ctx.fillStyle = "#c92a2a"; ctx.textAlign = "center"; ctx.fillText("overshoot", X(h.to), Y(h.loss) - 12);
        ctx.restore();
      }
    });
    // tangent: the measured slope at the current value
    const span = (xMax - xMin) * 0.12;
    ctx.strokeStyle = "#2b8a3e"; ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(X(data.value - span), Y(data.loss - data.numerical_slope * span));
    ctx.lineTo(X(data.value + span), Y(data.loss + data.numerical_slope * span));
    ctx.stroke();
    ctx.fillStyle = "#1c1f2b";
    ctx.beginPath(); ctx.arc(X(data.value), Y(data.loss), 6, 0, 2 * Math.PI); ctx.fill();
    ctx.restore();
    canvas.dataset.value = String(data.value);
    canvas.dataset.overshoots = String(data.hops.filter((h) => h.overshot).length);

    const rows = [
      ["weight now", fixed(data.value, 4)], ["loss", fixed(data.loss, 5)],
      ["slope, measured", fixed(data.numerical_slope, 6)], ["slope, backprop", fixed(data.gradient, 6)],
      ["hop size", fixed(data.hop_size, 4)], ["hops so far", String(data.hops.length)],
    ];
    const dl = el("dl", {}, rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
    const direction = data.numerical_slope > 0 ? "decrease" : "increase";
    $("slope-readout").replaceChildren(dl, el("p", {
      class: "note",
      text: `The measured slope (nudge the weight by ±0.0001, see how the loss moves) and the slope backpropagation computes agree. ` +
        `Downhill means ${direction} the weight: the next hop moves it by ${fixed(-data.hop_size * data.numerical_slope, 4)}.`,
    }), el("p", { class: "note", text: `Loss measured on ${data.n_images} training digits; the green line is the slope.` }));
    const log = $("hop-log");
    log.replaceChildren(...data.hops.map((h) => el("li", { class: h.overshot ? "overshot" : "" , text:
      `${fixed(h.from, 4)} → ${fixed(h.to, 4)}  slope ${fixed(h.slope, 5)}  loss ${fixed(h.loss, 5)}` +
      (h.overshot ? "  overshot: smaller hops now" : "") })));
    log.scrollTop = log.scrollHeight;
  }

  // ------------------------------------------------------------------ backpropagation
  /** The drawing's 64 numbers and the answer chosen for it, or null without a drawing. */
  function backpropBody() {
    const trace = state.prediction;
    if (!trace || !trace.numbers) return null;
    return { numbers: trace.numbers.flat(), label: Number($("bp-label").value) };
  }
  function fillBackpropLabels() {
    const select = $("bp-label");
    const classes = (state.network && state.network.classes) || [];
    if (select.options.length === classes.length) return;
    select.replaceChildren(...classes.map((c) => el("option", { value: String(c), text: String(c) })));
  }
  let backpropRequest = 0;
  async function refreshBackprop({ keepLabel = false } = {}) {
    if (!$("panel-backprop").classList.contains("active")) return;
    const ticket = ++backpropRequest;  // while drawing, an older answer may arrive after a newer one
    fillBackpropLabels();
    // Until the learner picks an answer: a real digit's true label, else the network's guess.
    if (!keepLabel && !state.backpropLabelChosen && state.prediction && state.prediction.guess !== undefined) {
      const known = state.prediction.label !== undefined ? state.prediction.label : state.prediction.guess;
      $("bp-label").value = String(known);
    }
    const body = backpropBody();
    $("bp-step").disabled = !body;
    if (!body) { renderBackprop(null); return; }
    try {
      const answer = await api("/api/backprop", body);
      if (ticket === backpropRequest) renderBackprop(answer);
    } catch (error) { toast(error.message); }
  }
  $("bp-label").addEventListener("change", () => { state.backpropLabelChosen = true; refreshBackprop({ keepLabel: true }); });
  $("bp-step").addEventListener("click", async () => {
    const body = backpropBody();
    if (!body) return;
    try {
      const answer = await api("/api/backprop/step", { ...body, learning_rate: Number($("bp-rate").value) || 0.1 });
      backpropRequest++;  // an answer still on its way is about the weights before the step
      renderBackprop(answer);
      $("bp-moved").textContent = `(was ${fixed(answer.loss_before, 4)} before the step; the largest weight change: ${answer.weight_change.map((w) => fixed(w, 4)).join(", ")})`;
      await loadNetwork();  // the weights changed: draw them, and trace the drawing again
    } catch (error) { toast(error.message); }
  });
  $("bp-undo").addEventListener("click", async () => {
    const body = backpropBody();
    try {
      const answer = await api("/api/backprop/undo", body || {});
      backpropRequest++;  // likewise: about the weights before the undo
      if (answer.loss !== undefined) renderBackprop(answer);
      else $("bp-undo").disabled = !answer.can_undo;
      $("bp-moved").textContent = "(the step was undone)";
      await loadNetwork();
    } catch (error) { toast(error.message); }
  });
  /** A slope as text: three decimals, or two significant digits when it is tiny (not 0.000). */
  const small = (v) => (v === 0 ? "0" : Math.abs(v) >= 0.01 ? v.toFixed(3) : v.toExponential(1));
  function renderBackprop(data) {
    $("bp-undo").disabled = !(data && data.can_undo);
    if (!data) {
      $("bp-summary").replaceChildren(el("div", { class: "placeholder", text: "Draw a digit to see what backpropagation makes of it." }));
      $("bp-loss").textContent = "–"; $("bp-deltas").replaceChildren(); $("bp-slopes").replaceChildren();
      return;
    }
    $("bp-loss").textContent = fixed(data.loss, 4);
    $("bp-summary").replaceChildren(el("p", { text:
      `The network answers ${data.guess}; you say ${data.label}. The ideal output is 1 for ${data.label} and 0 for the others, ` +
      `and the loss measures how far the outputs are from it.` }));
    const layers = data.deltas.length;
    $("bp-deltas").replaceChildren(...data.deltas.map((deltas, l) => {
      const scale = maxAbs(deltas);
      const name = l === layers - 1 ? "output" : `hidden layer ${l + 1}`;
      const cells = deltas.map((d, j) => {
        const cell = el("span", { class: "bp-cell", text: (l === layers - 1 ? `${state.network.classes[j]}: ` : "") + small(d),
          title: `neuron ${j}: error signal ${d}` });
        paintCellText(cell, d >= 0 ? BLUE : ORANGE, Math.abs(d) / scale);
        return cell;
      });
      return el("div", { class: "bp-layer" }, [el("span", { class: "bp-layer-name", text: name }), ...cells]);
    }));
    const scale = data.slope_scale || 1;
    $("bp-slopes").replaceChildren(...data.slope_pictures.map((slopes) => {
      const canvas = el("canvas", { width: 8, height: 8 });
      paintGrid(canvas, slopes, 8, (v) => weightColor(v, scale));
      return canvas;
    }));
  }

  // ------------------------------------------------------------------ hand-set weights
  const handGrid = $("hand-grid");
  const brush = () => Number(document.querySelector('input[name="brush"]:checked').value);
  let painting = false, lastPainted = null;
  function paintCell(cell) {
    if (!cell || cell === lastPainted || !cell.dataset.cell) return;
    lastPainted = cell;
    sendHandset({ cell: cell.dataset.cell.split(",").map(Number), weight: brush() });
  }
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      const cell = el("button", {
        type: "button", "data-testid": `hand-cell-${r}-${c}`, "data-cell": `${r},${c}`,
        "aria-label": `weight of pixel ${r},${c}`,
      });
      // the pointer paints (press and drag across cells); Enter or Space paints one cell
      cell.addEventListener("click", (event) => { if (event.detail === 0) { lastPainted = null; paintCell(cell); } });
      handGrid.append(cell);
    }
  }
  // One Tab stop for the 64 cells; the arrows move a row or a column (see rovingFocus).
  rovingFocus(handGrid, "button", (cell, key) => {
    const [r, c] = cell.dataset.cell.split(",").map(Number), [dc, dr] = KEY_MOVES[key];
    return handGrid.querySelector(`[data-cell="${r + dr},${c + dc}"]`);  // none past the edge
  }).refresh();
  handGrid.addEventListener("pointerdown", (event) => {
    const cell = event.target.closest("button");
    if (!cell) return;
    event.preventDefault();
    if (cell.hasPointerCapture(event.pointerId)) cell.releasePointerCapture(event.pointerId);
    painting = true;
    lastPainted = null;
    paintCell(cell);
  });
  handGrid.addEventListener("pointermove", (event) => {
    if (!painting) return;
    const under = document.elementFromPoint(event.clientX, event.clientY);
    paintCell(under && under.closest ? under.closest("#hand-grid button") : null);
  });
  window.addEventListener("pointerup", () => { painting = false; });
  window.addEventListener("pointercancel", () => { painting = false; });
  document.querySelectorAll("[data-preset]").forEach((button) =>
    button.addEventListener("click", () => sendHandset({ preset: button.dataset.preset })));
  $("hand-bias").addEventListener("change", () => {
    const bias = Number($("hand-bias").value);
    if (Number.isFinite(bias)) sendHandset({ bias: Math.max(-10, Math.min(10, bias)) });
  });

  let handTicket = 0;
  async function sendHandset(change) {
    const body = Object.assign({}, change);
    if (state.prediction) body.numbers = state.prediction.numbers;
    const ticket = ++handTicket;
    try {
      const answer = await api("/api/handset", body);
      if (ticket === handTicket) renderHandset(answer);  // an older answer arriving late is stale
    } catch (error) { toast(error.message); }
  }
  function refreshHandset() { sendHandset({}); }

  function renderHandset(data) {
    state.handset = data;
    const weights = data.weights.flat();
    const scale = Math.max(1, maxAbs(weights));
    Array.from(handGrid.children).forEach((cell, i) => {
      const w = weights[i];
      paintCellText(cell, w >= 0 ? BLUE : ORANGE, Math.abs(w) / scale);
      cell.textContent = w === 0 ? "0" : (w > 0 ? "+" : "−") + Math.abs(w).toString().replace(/^0\./, ".");
      // The name is what a screen reader says instead of the text: it must carry the weight too.
      cell.setAttribute("aria-label", `pixel ${Math.floor(i / 8)},${i % 8}: weight ${cell.textContent}`);
    });
    $("hand-bias").value = String(data.bias);
    $("hand-accuracy").textContent = percent(data.accuracy);
    const bar = (label, value, count) => {
      const fill = el("div", { class: "bar-fill" });
      fill.style.width = `${value * 100}%`;
      fill.style.background = "var(--good)";
      return el("div", { class: "bar wide" }, [
        el("span", { class: "bar-label", text: label }), el("div", { class: "bar-track" }, [fill]),
        el("span", { class: "bar-value", text: `${Math.round(value * count)} of ${count}` }),
      ]);
    };
    $("hand-classes").replaceChildren(bar("0s right", data.accuracy_zeros, data.n_zeros), bar("1s right", data.accuracy_ones, data.n_ones));
    const out = $("hand-output");
    if (data.output === undefined) {
      out.textContent = "Draw a digit to see this neuron's answer for it.";
    } else {
      out.replaceChildren(
        el("div", { text: `For your drawing: weighted sum z = ${fixed(data.weighted_sum, 2)}` }),
        el("div", {}, [document.createTextNode(`sigmoid(z) = `), el("b", { text: fixed(data.output, 3) }),
          document.createTextNode(`  →  looks like a ${data.guess}`)]),
      );
    }
    out.dataset.output = data.output === undefined ? "" : String(data.output);
    const warning = $("hand-neither");  // the server decides when the drawing is neither 0 nor 1
    warning.hidden = !data.neither;
    warning.textContent = data.neither || "";
  }

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { renderDiagram(); redrawCharts(); }, 150);
  });


  // ------------------------------------------------------------------ share a setup
  // The page's state as a small versioned JSON object: in a link (?s=<base64url JSON>) or a
  // downloaded file. Every field is checked on the way in; a bad one is a clear message.
  // Teacher presets are readable link parameters: step=N, hide=train,slope, fix=1.
  const SETUP_VERSION = 1;
  const SETUP_FILE_LIMIT = 64 * 1024;  // bytes: a state file is a few kB
  const MAX_STROKES = 100, MAX_POINTS = 4000;
  const LEVELS = "0123456789abcdefg";  // an input number k/16, k = 0..16, as one character
  const TAB_NAMES = ["inside", "train", "slope", "backprop", "handset"];
  const ORIGIN_KINDS = ["start", "trained", "edited"];  // GET /api/network's origin.kind
  const MAX_SETTINGS_FIELDS = 64;  // a training's settings have about 20; the server checks each
  const HIDEABLE = [...TAB_NAMES, "share", "previous"];
  class BadSetup extends Error {}
  const refuse = (message) => { throw new BadSetup(message); };
  const toBase64url = (bytes) => {
    let binary = "";
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const fromBase64url = (text) => {
    if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text)) refuse("it is not base64url text");
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  };
  /** Strokes as 16-bit numbers: the stroke count, then each stroke's point count and x, y pairs. */
  function encodeStrokes(list) {
    const numbers = [list.length];
    list.forEach((stroke) => { numbers.push(stroke.length); stroke.forEach(([x, y]) => numbers.push(x, y)); });
    return toBase64url(new Uint8Array(new Uint16Array(numbers).buffer));
  }
  function decodeStrokes(text) {
    const bytes = fromBase64url(text);
    if (bytes.length % 2) refuse("the drawing is cut short");
    const numbers = new Uint16Array(bytes.buffer, 0, bytes.length / 2);
    let at = 0;
    const next = () => { if (at >= numbers.length) refuse("the drawing is cut short"); return numbers[at++]; };
    const count = next();
    if (count > MAX_STROKES) refuse(`the drawing has more than ${MAX_STROKES} strokes`);
    const list = [];
    let total = 0;
    for (let i = 0; i < count; i++) {
      const points = next();
      total += points;
      if (points < 1 || total > MAX_POINTS) refuse(`a drawing has 1 to ${MAX_POINTS} points`);
      const stroke = [];
      for (let p = 0; p < points; p++) {
        const x = next(), y = next();
        if (x >= pad.width || y >= pad.height) refuse("a point of the drawing is off the pad");
        stroke.push([x, y]);
      }
      list.push(stroke);
    }
    if (at !== numbers.length) refuse("the drawing has extra numbers");
    return list;
  }
  const activeTab = () => document.querySelector(".tab.active").dataset.tab;
  const lessonStep = () => { const m = /^#lesson\/(\d{1,3})$/.exec(location.hash); return m ? Number(m[1]) : null; };

  function currentSetup() {
    const setup = { format: "glassnet-explorer-state", v: SETUP_VERSION, tab: activeTab(), step: lessonStep(),
      network: state.network ? { weights_sha256: state.network.weights_sha256, origin: state.network.origin } : null };
    if (strokes.length) setup.strokes = encodeStrokes(strokes);
    else if (state.prediction) setup.numbers = state.prediction.numbers.map((v) => LEVELS[Math.round(v * 16)]).join("");
    if (state.selected) setup.neuron = [state.selected.layer, state.selected.neuron];
    if (state.handset) setup.handset = { weights: state.handset.weights.flat(), bias: state.handset.bias };
    return setup;
  }
  /** Check every field; return the setup with its drawing decoded. Throws BadSetup. */
  function checkSetup(setup) {
    if (!setup || typeof setup !== "object" || Array.isArray(setup)) refuse("it is not a JSON object");
    const known = ["format", "v", "tab", "step", "network", "strokes", "numbers", "neuron", "handset"];
    const unknown = Object.keys(setup).filter((k) => !known.includes(k));
    if (unknown.length) refuse(`it has fields this page does not know: ${unknown.join(", ")}`);
    if (setup.format !== "glassnet-explorer-state") refuse("it is not a glassnet explorer state");
    if (setup.v !== SETUP_VERSION) refuse(`it is version ${JSON.stringify(setup.v)}; this page reads version ${SETUP_VERSION}`);
    if (!TAB_NAMES.includes(setup.tab)) refuse(`tab must be one of ${TAB_NAMES.join(", ")}`);
    if (setup.step !== null && setup.step !== undefined && !(Number.isInteger(setup.step) && setup.step >= 1 && setup.step <= 99)) refuse("step must be a whole number 1..99");
    if (setup.network !== null && setup.network !== undefined) checkSharedNetwork(setup.network);
    const checked = Object.assign({}, setup);
    if (setup.strokes !== undefined) checked.strokes = decodeStrokes(setup.strokes);
    if (setup.numbers !== undefined) {
      if (typeof setup.numbers !== "string" || !/^[0-9a-g]{64}$/.test(setup.numbers)) refuse("numbers must be 64 characters 0-9, a-g");
      checked.numbers = [...setup.numbers].map((c) => LEVELS.indexOf(c) / 16);
    }
    if (setup.neuron !== undefined) {
      const [layer, neuron] = Array.isArray(setup.neuron) && setup.neuron.length === 2 ? setup.neuron : refuse("neuron must be [layer, neuron]");
      // Layers count as everywhere on the page and in /api/neuron: 0 is the first hidden layer.
      if (!Number.isInteger(layer) || layer < 0 || !Number.isInteger(neuron) || neuron < 0) refuse("neuron must be [layer, neuron], whole numbers from 0");
    }
    if (setup.handset !== undefined) {
      const hand = setup.handset;
      const okNumber = (v, limit) => typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= limit;
      if (!hand || !Array.isArray(hand.weights) || hand.weights.length !== 64 || !hand.weights.every((w) => okNumber(w, 1000)) || !okNumber(hand.bias, 1000)) {
        refuse("handset must have 64 weights and a bias, all numbers");
      }
    }
    return checked;
  }
  /** network: {weights_sha256, origin?}; origin is what GET /api/network said (v1 files may lack it). */
  function checkSharedNetwork(network) {
    if (typeof network !== "object" || Array.isArray(network)) refuse("network must be an object");
    const extra = Object.keys(network).filter((k) => !["weights_sha256", "origin"].includes(k));
    if (extra.length) refuse(`network has fields this page does not know: ${extra.join(", ")}`);
    if (!/^[0-9a-f]{64}$/.test(network.weights_sha256 || "")) refuse("network.weights_sha256 must be 64 hex digits");
    const origin = network.origin;
    if (origin === undefined || origin === null) return;
    if (typeof origin !== "object" || Array.isArray(origin)) refuse("network.origin must be an object");
    const unknown = Object.keys(origin).filter((k) => !["kind", "settings", "run_id"].includes(k));
    if (unknown.length) refuse(`network.origin has fields this page does not know: ${unknown.join(", ")}`);
    if (!ORIGIN_KINDS.includes(origin.kind)) refuse(`network.origin.kind must be one of ${ORIGIN_KINDS.join(", ")}`);
    const { settings, run_id: runId } = origin;
    if (runId !== null && !(Number.isSafeInteger(runId) && runId >= 1)) refuse("network.origin.run_id must be a run number (1 or more) or null");
    const plain = (v) => v === null || ["string", "number", "boolean"].includes(typeof v) ||
      (Array.isArray(v) && v.length <= 8 && v.every((n) => Number.isInteger(n)));
    if (settings !== null && (typeof settings !== "object" || Array.isArray(settings) ||
        Object.keys(settings).length > MAX_SETTINGS_FIELDS || !Object.values(settings).every(plain))) {
      refuse("network.origin.settings must be a training's settings (names and plain values) or null");
    }
    if (origin.kind === "edited" && (settings !== null || runId !== null)) refuse("an edited network has no settings or run_id");
  }
  /**
   * Make the shared network this session's, before anything is guessed with it.
   * The checksums say whether the weights already are the same. If not, the origin says how
   * to make them again, and the server picks (POST /api/network/replay): the saved run, if it
   * has that run with these very weights (the server that saved it does), else the settings
   * and seed trained again (bit for bit the same on the same machine). An edited network
   * cannot be made again: then the page only warns.
   */
  async function bringSharedNetwork(shared) {
    if (!shared || !state.network || shared.weights_sha256 === state.network.weights_sha256) return;
    const origin = shared.origin || { kind: "edited", settings: null, run_id: null };
    if (origin.run_id === null && !origin.settings) {
      toast("This view was saved with another network (its weights' checksum differs), one edited by hand or with no recorded settings: the guesses may differ.");
      return;
    }
    // The checksum picks the saved run; settings trained again are taken even if their last
    // bits differ (so no expect_sha256 without a run), as the nearest network there is.
    const body = origin.run_id === null ? {} : { run_id: origin.run_id, expect_sha256: shared.weights_sha256 };
    if (origin.settings) body.settings = origin.settings;
    document.body.dataset.setup = "replaying";
    toast(origin.settings ? "Training the shared network again..." : `Loading the shared network (saved run ${origin.run_id})...`);
    try {
      showNetwork(await api("/api/network/replay", body));
    } catch (error) {
      toast(`The shared network could not be made again here (${error.message}): the guesses may differ.`);
      return;
    }
    if (state.network.weights_sha256 !== shared.weights_sha256) {
      toast("The shared network was trained again here, but its weights differ a little (this machine's arithmetic is not the sharer's): the guesses may differ.");
    } else toast("This is the shared network: the same weights, bit for bit.");
  }
  /** The neuron [layer, neuron] names in this network, or why not (layer 0: first hidden layer). */
  function neuronProblem([layer, neuron]) {
    const n = state.network;
    if (!n) return "there is no network to find it in";
    // sizes has the 64 inputs first, so layer l's neurons number sizes[l + 1].
    if (layer >= n.layers.length || neuron >= n.sizes[layer + 1]) {
      return `neuron ${JSON.stringify([layer, neuron])} is not in this ${n.sizes.join("-")} network`;
    }
    return null;
  }
  /**
   * Open a checked setup. A malformed setup is refused whole (checkSetup throws), but a part
   * that only fails here (a neuron this network lacks) is left out, never the drawing with it.
   * Returns what was left out, as sentences (empty when everything opened).
   */
  async function applySetup(setup) {
    const checked = checkSetup(setup);
    const leftOut = [];
    location.hash = checked.step ? `#lesson/${checked.step}` : "#explore";  // the lesson owns the hash
    showTab(checked.tab);
    await bringSharedNetwork(checked.network);
    if (checked.handset) await sendHandset({ weights: checked.handset.weights, bias: checked.handset.bias });
    if (checked.neuron) {
      const problem = neuronProblem(checked.neuron);
      if (problem) leftOut.push(problem);
      else state.selected = { layer: checked.neuron[0], neuron: checked.neuron[1] };
    }
    strokes.length = 0;
    newPicture();
    if (checked.strokes) {
      strokes.push(...checked.strokes);
      redrawPad();
      await predictNow();
    } else if (checked.numbers) {
      redrawPad();
      const answer = await api("/api/predict", { numbers: checked.numbers });
      showPrediction(answer, "the 64 numbers of a shared view");
    } else {
      redrawPad();
      renderDiagram();
      refreshNeuron();
    }
    if (checked.tab === "backprop") refreshBackprop();
    document.body.dataset.setup = "applied";
    return leftOut;
  }
  function setupLink() {
    const json = new TextEncoder().encode(JSON.stringify(currentSetup()));
    const params = new URLSearchParams(location.search);
    params.set("s", toBase64url(json));
    return `${location.origin}${location.pathname}?${params}${location.hash}`;
  }
  $("share-link").addEventListener("click", () => {
    const link = setupLink();
    const box = $("share-url");
    box.value = link;
    box.hidden = false;
    box.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(link).then(() => toast("Link copied: open it anywhere to see this view."),
        () => toast("Copy the link from the box (the browser did not let the page copy it)."));
    } else toast("Copy the link from the box.");
  });
  $("download-state").addEventListener("click", () => {
    const blob = new Blob([JSON.stringify(currentSetup(), null, 1)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob), download: "glassnet-state.json" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  $("open-state").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    try {
      if (file.size > SETUP_FILE_LIMIT) refuse(`it is ${file.size} bytes; a state file is at most ${SETUP_FILE_LIMIT}`);
      let setup;
      try { setup = JSON.parse(await file.text()); } catch (e) { refuse("it is not JSON"); }
      const leftOut = await applySetup(setup);
      toast(leftOut.length ? `Opened ${file.name}, without one part: ${leftOut.join("; ")}.` : `Opened ${file.name}.`);
    } catch (error) { toast(`This file could not be opened: ${error.message}`); }
  });
  /** Teacher presets: step=N opens lesson step N, hide=a,b hides tabs or controls, fix=1 fixes the network. */
  function applyPresets(params) {
    const step = params.get("step");
    if (step !== null) {
      if (!/^\d{1,2}$/.test(step) || Number(step) < 1) refuse("step must be a whole number 1..99");
      location.hash = `#lesson/${Number(step)}`;  // a teacher's link always starts at its step
    }
    const hide = (params.get("hide") || "").split(",").filter(Boolean);
    const unknown = hide.filter((name) => !HIDEABLE.includes(name));
    if (unknown.length) refuse(`hide takes ${HIDEABLE.join(", ")}, not ${unknown.join(", ")}`);
    const fix = params.get("fix");
    if (fix !== null && fix !== "0" && fix !== "1") refuse("fix must be 0 or 1");
    if (fix === "1") hide.push("train", "previous");
    for (const name of hide) {
      if (TAB_NAMES.includes(name)) { $(`tab-${name}`).hidden = true; $(`panel-${name}`).hidden = true; }
      if (name === "share") $("share-tools").hidden = true;
      if (name === "previous") { $("previous-network").dataset.fixed = "true"; $("previous-network").hidden = true; }
    }
    const visible = TAB_NAMES.filter((name) => !$(`tab-${name}`).hidden);
    if (!visible.length) refuse("hide cannot hide every tab");
    if ($(`tab-${activeTab()}`).hidden) showTab(visible[0]);
  }
  async function openFromAddress() {
    const params = new URLSearchParams(location.search);
    try { applyPresets(params); } catch (error) { toast(`This link's settings could not be used: ${error.message}`); }
    if (!params.has("s")) return;
    try {
      let setup;
      try { setup = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(fromBase64url(params.get("s")))); } catch (e) {
        if (e instanceof BadSetup) throw e;
        refuse("it is not base64url JSON");
      }
      const leftOut = await applySetup(setup);
      if (leftOut.length) toast(`This link opened without one part: ${leftOut.join("; ")}.`);
    } catch (error) { toast(`This link could not be opened: ${error.message}`); }
  }

  // ------------------------------------------------------------------ start
  async function start() {
    try {
      state.info = await api("/api/info");
      const choices = state.info.choices;
      const defaults = state.info.defaults;
      fillSelect($("f-activation"), choices.activation, defaults.activation);
      fillSelect($("f-output"), choices.output, defaults.output);
      fillSelect($("f-loss"), choices.loss, defaults.loss);
      fillSelect($("f-optimizer"), choices.optimizer, defaults.optimizer);
      fillSelect($("f-recipe"), choices.recipe, defaults.recipe);
      showRecipe(defaults.recipe);
      $("f-seed").value = String(defaults.seed);
    } catch (error) { toast(error.message); }
    renderNumbers(null);
    await loadNetwork();
    renderBars(null);
    drawCharts();
    refreshHandset();
    resumeTraining();
    refreshSavedRuns();
    await openFromAddress();
    document.body.dataset.ready = "true";
  }
  // What the lesson's steps (static/lesson.js, static/lesson/stepNN.js) may use: the same
  // request helper and drawing helpers as the explorer, so every number still comes from /api.
  window.glassnet = Object.freeze({
    api, el, toast, fixed, percent, paintGrid, thumb, fitCanvas, inkColor, weightColor, maxAbs,
    readPad: padPixels,
    showTab,
    /** Fetch the session's network again and show it (after a lesson step replaced it). */
    reloadNetwork: loadNetwork,
    info: () => state.info,
    /** Draw the explorer's diagram and charts again (after it was hidden, sized to nothing). */
    redraw: () => { renderDiagram(); redrawCharts(); },
  });
  start();
})();
