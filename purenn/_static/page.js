// The page: draw with pointer events (mouse, pen, finger), send the drawing as a bitmap of 0s and 1s
// to POST /predict after every change (one request at a time), show the answer. The image preparation
// (crop to the ink, scale, count) is the server's: this script only reads the canvas.
"use strict";

const canvas = document.getElementById("canvas");
const pad = canvas.getContext("2d", { willReadFrequently: true });
const seen = document.getElementById("seen");
const labelShown = document.getElementById("label");
const statusLine = document.getElementById("status");
const bars = document.getElementById("bars");
const pen = document.getElementById("pen");

let version = 0; // drawing changes so far; canvas.dataset.version
let inFlight = false; // a request is on its way
let last = null; // the previous point of the stroke being drawn, or null
let hasInk = false;
let labels = [];

function setStatus(text, isError) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", Boolean(isError));
}

function point(event) {
  const box = canvas.getBoundingClientRect();
  return {
    x: ((event.clientX - box.left) * canvas.width) / box.width,
    y: ((event.clientY - box.top) * canvas.height) / box.height,
  };
}

function strokeTo(to) {
  pad.lineWidth = Number(pen.value);
  pad.lineCap = "round";
  pad.lineJoin = "round";
  pad.strokeStyle = "#000";
  pad.beginPath();
  pad.moveTo(last.x, last.y);
  pad.lineTo(to.x, to.y);
  pad.stroke();
  last = to;
}

function changed() {
  hasInk = true;
  version += 1;
  canvas.dataset.version = String(version);
  if (!inFlight) predict();
}

canvas.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  canvas.setPointerCapture(event.pointerId);
  last = point(event);
  strokeTo(last); // a dot where the stroke starts
  changed();
});

canvas.addEventListener("pointermove", (event) => {
  if (last === null) return;
  const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
  for (const each of events.length ? events : [event]) strokeTo(point(each));
  changed();
});

function endStroke(event) {
  if (last === null) return;
  last = null;
  if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
}
canvas.addEventListener("pointerup", endStroke);
canvas.addEventListener("pointercancel", endStroke);

// The drawing as rows of 0 (paper) and 1 (ink): a pixel is ink where the stroke covers half of it.
function bitmap() {
  const { data, width, height } = pad.getImageData(0, 0, canvas.width, canvas.height);
  const rows = new Array(height);
  for (let y = 0; y < height; y += 1) {
    const row = new Array(width);
    for (let x = 0; x < width; x += 1) row[x] = data[4 * (y * width + x) + 3] >= 128 ? 1 : 0;
    rows[y] = row;
  }
  return rows;
}

async function predict() {
  inFlight = true;
  const asked = version;
  try {
    const reply = await fetch("predict", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ bitmap: bitmap() }),
    });
    const answer = await reply.json();
    if (!reply.ok) throw new Error(answer.error || reply.statusText);
    if (hasInk) show(answer, asked);
  } catch (error) {
    setStatus(`The server did not answer: ${error.message}`, true);
  } finally {
    inFlight = false;
  }
  if (hasInk && version !== asked) predict(); // the drawing changed while we waited
}

function showImage(rows, maxValue) {
  const side = rows.length;
  const view = seen.getContext("2d");
  const cell = seen.width / side;
  view.clearRect(0, 0, seen.width, seen.height);
  rows.forEach((row, y) =>
    row.forEach((value, x) => {
      const level = Math.round(255 * (1 - Math.min(value / maxValue, 1)));
      view.fillStyle = `rgb(${level},${level},${level})`;
      view.fillRect(x * cell, y * cell, Math.ceil(cell), Math.ceil(cell));
    }),
  );
}

function showBars(probabilities, best) {
  bars.querySelectorAll("li").forEach((item, index) => {
    const p = probabilities[index];
    item.classList.toggle("best", index === best);
    item.querySelector(".fill").style.width = `${Math.max(0, Math.min(p, 1)) * 100}%`;
    item.querySelector(".value").textContent = `${(100 * p).toFixed(1)}%`;
  });
}

function show(answer, asked) {
  showImage(answer.image, answer.max_value);
  const best = answer.probabilities.indexOf(Math.max(...answer.probabilities));
  showBars(answer.probabilities, best);
  labelShown.textContent = answer.label === null ? "?" : String(answer.label);
  labelShown.dataset.version = String(asked);
  setStatus(`${answer.image.length}x${answer.image.length} image, values 0..${answer.max_value}`, false);
}

function makeBars() {
  bars.replaceChildren(
    ...labels.map((name) => {
      const item = document.createElement("li");
      item.innerHTML = '<span class="name"></span><span class="track"><span class="fill"></span></span>' +
        '<span class="value">-</span>';
      item.querySelector(".name").textContent = String(name);
      return item;
    }),
  );
}

function clearAll() {
  pad.clearRect(0, 0, canvas.width, canvas.height);
  hasInk = false;
  version += 1;
  canvas.dataset.version = String(version);
  labelShown.textContent = "?";
  labelShown.dataset.version = String(version);
  seen.getContext("2d").clearRect(0, 0, seen.width, seen.height);
  makeBars();
  setStatus("Draw a digit in the box.", false);
}

document.getElementById("clear").addEventListener("click", clearAll);
pen.addEventListener("input", () => {
  document.getElementById("pen-width").textContent = pen.value;
});

fetch("model")
  .then((reply) => reply.json())
  .then((model) => {
    labels = model.labels;
    makeBars();
    const accuracy = model.training.test_accuracy;
    const tested = typeof accuracy === "number" ? `, ${(100 * accuracy).toFixed(1)}% on its test split` : "";
    document.getElementById("model").textContent =
      `${model.file}: ${model.layers.join("-")} (${model.activations.join(", ")}) reads a ` +
      `${model.image.description}${tested}.`;
  })
  .catch((error) => setStatus(`Cannot load the model: ${error.message}`, true));
