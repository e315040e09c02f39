// pixelgrad explorer: the page's logic in plain JavaScript (no build step, no libraries).
//
// The server does all the numeric work (the same Java code as the command line) and answers JSON:
//   GET  /api/model                                   the model, its layers, methods and samples
//   GET  /api/overview?image=ID                       every layer's activation thumbnails (8-bit, base64)
//   GET  /api/scores?image=ID                         class scores
//   GET  /api/unit?image=ID&layer=L&unit=K            one unit: activation map, projections, filter
//   GET  /api/attribution?image=ID&method=M&class=K   a quick attribution method (PNG pictures as data: URLs)
//   POST /api/jobs?...                                a long method as a job; GET /api/jobs/ID/events streams its
//                                                     progress (server-sent events); POST /api/jobs/ID/cancel stops it
//   POST /api/jobs?kind=synthesis&layer=L&unit=K      a unit's feature visualization as a job (as pixelgrad maximize)
//   GET  /api/trace?image=ID&class=K                  the gradient trace
//   POST /api/images?name=N  (body: the file)         an upload
'use strict';

const state = {
  model: null,        // /api/model
  image: null,        // id of the image shown
  overview: null,     // /api/overview of that image
  scores: null,       // /api/scores of that image
  cls: null,          // the class explained (index)
  unit: null,         // {layer, unit} selected in the overview
};

// Timings the speed check reads (milliseconds since the page opened): the first overview painted, the latest one
// (and for which image), per method the time from the click to its pictures decoded, and the part of it the server
// spent computing and drawing.
window.pixelgradTimings = { overviewPainted: null, lastOverview: null, methods: {}, server: {} };

const $ = (id) => document.getElementById(id);

// "class 281 (tabby cat)", or just "class 3" when the model's classes have no names.
function classLabel(index, name) {
  return 'class ' + index + (name && name !== 'class ' + index ? ' (' + name + ')' : '');
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

function say(text, isError) {
  const m = $('message');
  m.textContent = text || '';
  m.className = isError ? 'error' : '';
}

// Every call goes through here: a refusal (too large, not an image...) becomes an Error with the server's words.
// "Busy" (503: the server's work queue is full) is retried a few times, a second apart, before giving up.
async function api(path, params, options) {
  const query = params ? '?' + new URLSearchParams(params).toString() : '';
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(path + query, options);
    let body = null;
    try { body = await response.json(); } catch (e) { /* not JSON */ }
    if (response.ok) {
      if (attempt > 1) say('');
      return body;
    }
    const message = (body && body.error) || (response.status + ' ' + response.statusText);
    const retriable = response.status === 503 && attempt < 4 && !(options && options.body instanceof Blob);
    if (!retriable) throw new Error(message);
    say(message + ' (retrying)');
    await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
  }
}

// ------------------------------------------------------------------------------------------------ start

async function start() {
  try {
    state.model = await api('/api/model');
  } catch (e) {
    say('Cannot load the model: ' + e.message, true);
    return;
  }
  const m = state.model;
  $('model-label').textContent = m.label + ' · input ' + m.input.join('×') + ' · ' + m.layers.length + ' layers';
  const select = $('image-select');
  for (const s of m.samples) select.append(el('option', { value: s.id, title: s.credit }, s.title));
  select.addEventListener('change', () => showImage(select.value));
  for (const c of m.colormaps) $('colormap').append(el('option', { value: c }, c));
  $('colormap').addEventListener('change', () => clearResults());
  $('scale-mode').addEventListener('change', () => drawOverview());
  $('upload').addEventListener('change', upload);
  $('run-quick').addEventListener('click', runQuickMethods);
  $('run-trace').addEventListener('click', runTrace);
  buildMethods();
  await showImage(m.samples[0].id);
}

async function showImage(id) {
  state.image = id;
  state.unit = null;
  $('unit-section').hidden = true;
  $('trace').replaceChildren();
  clearResults();
  say('Computing every layer for this image…');
  try {
    const [overview, scores] = await Promise.all([
      api('/api/overview', { image: id }),
      api('/api/scores', { image: id }),
    ]);
    if (state.image !== id) return;          // another image was chosen meanwhile
    state.overview = overview;
    state.scores = scores;
    drawOverview();
    requestAnimationFrame(() => {
      const now = performance.now();
      if (window.pixelgradTimings.overviewPainted === null) window.pixelgradTimings.overviewPainted = now;
      window.pixelgradTimings.lastOverview = { image: id, painted: now };
    });
    drawScores();
    chooseClass(scores.top);
    say('');
  } catch (e) {
    say(e.message, true);
  }
}

async function upload(event) {
  const file = event.target.files[0];
  event.target.value = '';
  if (!file) return;
  const limit = state.model.limits.uploadBytes;
  if (file.size > limit) {
    say('That file is ' + (file.size / 1048576).toFixed(1) + ' MB; the explorer takes images up to ' + limit / 1048576 + ' MB.', true);
    return;
  }
  say('Uploading ' + file.name + '…');
  try {
    const r = await api('/api/images', { name: file.name }, {
      method: 'POST', body: file, headers: { 'Content-Type': file.type || 'application/octet-stream' },
    });
    const select = $('image-select');
    if (![...select.options].some((o) => o.value === r.image.id))
      select.append(el('option', { value: r.image.id }, 'upload: ' + r.image.title));
    select.value = r.image.id;
    await showImage(r.image.id);
  } catch (e) {
    say('Upload refused: ' + e.message, true);
  }
}

// ------------------------------------------------------------------------------------------------ overview

function decode(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// The value a thumbnail pixel stands for (the server's 8-bit code undone), on the channel's scale s.
function valueOf(q, s, signed) {
  return signed ? (q / 127.5 - 1) * s : (q / 255) * s;
}

// A value already divided by the reference (in [-1, 1]) as a colour: grey for layers with no negative value,
// blue (negative) / black / orange (positive) otherwise, as the server draws signed maps.
function colour(t, signed, out, o) {
  t = Math.max(-1, Math.min(1, t));
  if (!signed) { const g = Math.round(255 * Math.max(0, t)); out[o] = out[o + 1] = out[o + 2] = g; }
  else if (t >= 0) { out[o] = Math.round(255 * t); out[o + 1] = Math.round(140 * t); out[o + 2] = 0; }
  else { out[o] = 0; out[o + 1] = Math.round(-120 * t); out[o + 2] = Math.round(-255 * t); }
  out[o + 3] = 255;
}

const TILE = 32;      // thumbnails are drawn about this big
const GAP = 2;
const PER_ROW = 4;    // tiles per row in a column

function layerGeometry(layer) {
  if (layer.kind === 'maps') {
    const k = Math.max(1, Math.floor(TILE / Math.max(layer.thumb[0], layer.thumb[1])));
    const th = layer.thumb[0] * k, tw = layer.thumb[1] * k;
    const count = layer.shape[0], cols = Math.min(PER_ROW, count), rows = Math.ceil(count / cols);
    return { k, th, tw, cols, rows, width: cols * (tw + GAP) + GAP, height: rows * (th + GAP) + GAP };
  }
  const n = layer.shape[0], cols = Math.ceil(Math.sqrt(n)), rows = Math.ceil(n / cols);
  const cell = Math.max(2, Math.min(16, Math.floor(128 / cols)));
  return { cell, cols, rows, width: cols * cell, height: rows * cell };
}

function drawOverview() {
  const ov = state.overview;
  if (!ov) return;
  const mode = $('scale-mode').value;
  const box = $('overview');
  box.replaceChildren();
  const side = Math.max(ov.image.height, ov.image.width);
  box.append(el('div', { class: 'column input' },
    el('h3', {}, 'input'),
    el('div', { class: 'shape' }, ov.image.channels + '×' + ov.image.height + '×' + ov.image.width),
    enlarged(el('img', { class: 'map', src: ov.image.picture, alt: ov.image.title }), side)));
  let globalMax = 0;
  for (const l of ov.layers) for (const s of l.scales) globalMax = Math.max(globalMax, s);
  for (const layer of ov.layers) {
    layer.bytes = layer.bytes || decode(layer.data);
    const g = layerGeometry(layer);
    const canvas = el('canvas', { width: g.width, height: g.height, 'data-layer': layer.name, title: layer.description });
    const reference = mode === 'unit' ? null : mode === 'layer' ? Math.max(...layer.scales) : globalMax;
    layer.repaint = () => paintLayer(canvas, layer, g, reference);
    layer.repaint();
    canvas.addEventListener('click', (e) => {
      const r = canvas.getBoundingClientRect();
      const unit = unitAt(layer, g, e.clientX - r.left, e.clientY - r.top);
      if (unit !== null) selectUnit(layer.name, unit);
    });
    const shape = layer.shape.join('×');
    box.append(el('div', { class: 'column', 'data-layer': layer.name },
      el('h3', {}, layer.name),
      el('div', { class: 'shape', title: layer.description }, shape + ' · ' + layer.description.split('(')[0]),
      el('div', { class: 'tiles' }, canvas)));
  }
  drawLegend(mode);
  markSelection();
}

function paintLayer(canvas, layer, g, reference) {
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(g.width, g.height);
  const px = img.data;
  for (let i = 0; i < px.length; i += 4) { px[i] = px[i + 1] = px[i + 2] = 250; px[i + 3] = 255; }
  const q = layer.bytes;
  if (layer.kind === 'maps') {
    const [h, w] = layer.thumb, plane = h * w;
    for (let c = 0; c < layer.shape[0]; c++) {
      const s = layer.scales[c], ref = reference === null ? s : reference;
      const x0 = GAP + (c % g.cols) * (g.tw + GAP), y0 = GAP + Math.floor(c / g.cols) * (g.th + GAP);
      for (let y = 0; y < g.th; y++)
        for (let x = 0; x < g.tw; x++) {
          const v = valueOf(q[c * plane + Math.floor(y / g.k) * w + Math.floor(x / g.k)], s, layer.signed);
          colour(ref > 0 ? v / ref : 0, layer.signed, px, ((y0 + y) * g.width + x0 + x) * 4);
        }
    }
  } else {
    const s = layer.scales[0], ref = reference === null ? s : reference;
    for (let u = 0; u < layer.shape[0]; u++) {
      const x0 = (u % g.cols) * g.cell, y0 = Math.floor(u / g.cols) * g.cell;
      const v = valueOf(q[u], s, layer.signed);
      for (let y = 0; y < g.cell; y++)
        for (let x = 0; x < g.cell; x++) colour(ref > 0 ? v / ref : 0, layer.signed, px, ((y0 + y) * g.width + x0 + x) * 4);
    }
  }
  ctx.putImageData(img, 0, 0);
}

function unitAt(layer, g, x, y) {
  if (layer.kind === 'maps') {
    const col = Math.floor((x - GAP / 2) / (g.tw + GAP)), row = Math.floor((y - GAP / 2) / (g.th + GAP));
    const unit = row * g.cols + col;
    return col >= 0 && col < g.cols && unit >= 0 && unit < layer.shape[0] ? unit : null;
  }
  const col = Math.floor(x / g.cell), row = Math.floor(y / g.cell), unit = row * g.cols + col;
  return col >= 0 && col < g.cols && unit >= 0 && unit < layer.shape[0] ? unit : null;
}

function markSelection() {
  if (!state.unit || !state.overview) return;
  const layer = state.overview.layers.find((l) => l.name === state.unit.layer);
  const canvas = document.querySelector('canvas[data-layer="' + CSS.escape(state.unit.layer) + '"]');
  if (!layer || !canvas) return;
  layer.repaint();
  const g = layerGeometry(layer), u = state.unit.unit, ctx = canvas.getContext('2d');
  ctx.strokeStyle = '#d9480f';
  ctx.lineWidth = 2;
  if (layer.kind === 'maps')
    ctx.strokeRect(GAP + (u % g.cols) * (g.tw + GAP) - 1, GAP + Math.floor(u / g.cols) * (g.th + GAP) - 1, g.tw + 2, g.th + 2);
  else
    ctx.strokeRect((u % g.cols) * g.cell - 1, Math.floor(u / g.cols) * g.cell - 1, g.cell + 2, g.cell + 2);
}

function drawLegend(mode) {
  const ramp = (signed) => {
    const c = el('canvas', { width: 120, height: 10 });
    const ctx = c.getContext('2d'), img = ctx.createImageData(120, 10);
    for (let x = 0; x < 120; x++) for (let y = 0; y < 10; y++) colour(signed ? x / 59.5 - 1 : x / 119, signed, img.data, (y * 120 + x) * 4);
    ctx.putImageData(img, 0, 0);
    return c;
  };
  const scope = { unit: 'its own largest value', layer: "the layer's largest value", global: "the network's largest value" }[mode];
  $('legend').replaceChildren(
    el('span', {}, ramp(false), ' after ReLU or pooling: black 0, white = ' + scope),
    el('span', {}, ramp(true), ' other layers: blue negative, black 0, orange positive'));
}

// Small inputs (28×28) are enlarged by a whole factor so that they can be seen; large ones keep their own size.
function enlarged(img, side) {
  const factor = Math.max(1, Math.floor(160 / side));
  if (factor > 1) img.addEventListener('load', () => { img.style.width = img.naturalWidth * factor + 'px'; });
  return img;
}

// ------------------------------------------------------------------------------------------------ one unit

async function selectUnit(layer, unit) {
  // repaint only the columns whose highlight changes (a full redraw would lose every column's scroll position)
  const before = state.unit && state.overview.layers.find((l) => l.name === state.unit.layer);
  state.unit = { layer, unit };
  if (before) before.repaint();
  markSelection();
  const section = $('unit-section');
  section.hidden = false;
  $('unit-title').textContent = layer + ', unit ' + unit;
  const box = $('unit');
  box.replaceChildren(el('p', { class: 'muted' }, 'Computing…'));
  const image = state.image;
  try {
    const u = await api('/api/unit', { image, layer, unit });
    if (state.image !== image || !state.unit || state.unit.layer !== layer || state.unit.unit !== unit) return;
    drawUnit(u);
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

function figure(src, caption, side) {
  const img = el('img', { class: 'map', src, alt: caption });
  return el('figure', {}, side ? enlarged(img, side) : img, el('figcaption', {}, caption));
}

function drawUnit(u) {
  const side = Math.max(state.model.input[1], state.model.input[2]);
  const facts = [u.description];
  const row = el('div', { class: 'row' });
  if (u.activation) {
    facts.push('largest ' + u.stats.max.toPrecision(4), 'mean ' + u.stats.mean.toPrecision(4),
      (100 * u.stats.active).toFixed(1) + '% of positions active');
    row.append(figure(u.activation, 'activation map ' + u.shape[1] + '×' + u.shape[2]));
  }
  for (const [name, p] of Object.entries(u.projections)) {
    const where = p.y !== undefined ? ' at (' + p.y + ', ' + p.x + ')' : '';
    const title = name === 'deconv' ? 'deconvnet' : 'guided backprop';
    if (p.silent) {
      row.append(el('figure', {}, el('p', { class: 'muted' }, title + ': the unit is silent for this image (activation '
        + Number(p.activation).toPrecision(3) + '), nothing to send back')));
      continue;
    }
    row.append(figure(p.gradient, title + ' projection of activation ' + Number(p.activation).toPrecision(4) + where, side));
    row.append(figure(p.heatmap, title + ': where it lands', side));
  }
  if (u.filter) {
    const f = u.filter;
    const what = f.colour ? 'its RGB filter ' + f.shape[1] + '×' + f.shape[2]
      : 'its filter, ' + f.shown + ' of ' + f.shape[0] + ' input channels (grey 0, white +, black −)';
    row.append(figure(f.picture, what + ', bias ' + f.bias.toPrecision(3)));
  }
  // Feature visualization (io.pixelgrad.vis.synthesis, as pixelgrad maximize): enabled when the server has a visualizer.
  const synth = el('div', { class: 'synthesis' });
  const button = el('button', { type: 'button', id: 'synthesis-run' }, 'Feature visualization');
  if (!u.synthesis) {
    button.disabled = true;
    button.title = 'this server was started without a feature visualizer';
    synth.append(button, el('span', { class: 'muted' }, ' a picture that excites this unit: not available on this server'));
  } else {
    const status = el('span', { class: 'status' });
    const cancel = el('button', { type: 'button', id: 'synthesis-cancel', hidden: '' }, 'Cancel');
    const progress = el('progress', { max: 1, value: 0, hidden: '' });
    const out = el('div', { class: 'result', id: 'synthesis-result' });
    button.addEventListener('click', () => runJob({ kind: 'synthesis', layer: u.layer, unit: u.channel }, {
      status, progress, cancel,
      onDone: (r) => out.replaceChildren(figure(r.picture, 'an input that excites ' + u.layer + ' unit ' + u.channel
        + (r.settings ? ' (' + r.settings + ')' : ''), side)),
    }));
    synth.append(button, ' ', cancel, ' ', progress, status, out);
  }
  $('unit').replaceChildren(el('p', { class: 'facts' }, facts.join(' · ')), row, synth);
}

// ------------------------------------------------------------------------------------------------ class scores

function drawScores() {
  const list = $('scores');
  list.replaceChildren();
  const top = state.scores.scores[0].probability;
  for (const s of state.scores.scores) {
    const bar = el('div', { class: 'bar' });
    bar.style.width = Math.max(0.5, 100 * s.probability / top) + '%';
    list.append(el('li', { 'data-class': s.index, onclick: () => chooseClass(s.index) },
      el('span', {}, s.index + ' · ' + s.name),
      bar,
      el('span', { class: 'num' }, (100 * s.probability).toFixed(2) + '% · ' + s.logit.toFixed(3))));
  }
}

function chooseClass(index) {
  if (state.cls !== index) clearResults();
  state.cls = index;
  for (const li of $('scores').children) li.classList.toggle('chosen', Number(li.dataset.class) === index);
  const known = state.scores && state.scores.scores.find((s) => s.index === index);
  $('class-name').textContent = classLabel(index, known && known.name);
}

// ------------------------------------------------------------------------------------------------ methods

function buildMethods() {
  const box = $('methods');
  for (const m of state.model.methods) {
    const params = el('div', { class: 'params' });
    for (const p of m.params) {
      let input;
      if (p.type === 'choice') {
        input = el('select', { name: p.name });
        for (const c of p.choices) input.append(el('option', { value: c }, c));
        input.value = p.initial;
      } else {
        input = el('input', { name: p.name, type: 'number', min: p.min, max: p.max, step: p.type === 'int' ? 1 : 0.01, value: p.initial });
      }
      params.append(el('label', { title: p.help }, p.label + ' ', input));
    }
    const run = el('button', { type: 'button', id: 'run-' + m.name }, 'Run');
    const cancel = el('button', { type: 'button', id: 'cancel-' + m.name, hidden: '' }, 'Cancel');
    const progress = el('progress', { max: 1, value: 0, hidden: '' });
    const status = el('span', { class: 'status' });
    const result = el('div', { class: 'result', id: 'result-' + m.name });
    run.addEventListener('click', () => (m.slow ? runSlow(m) : runQuick(m)));
    box.append(el('div', { class: 'method', id: 'method-' + m.name },
      el('h3', {}, m.title + (m.slow ? ' (long)' : '')), el('p', { class: 'about' }, m.about),
      m.params.length ? params : null, el('div', {}, run, ' ', cancel, ' ', progress, status), result));
  }
}

function methodQuery(m) {
  const q = { image: state.image, method: m.name, colormap: $('colormap').value };
  if (state.cls !== null) q.class = state.cls;
  for (const input of document.querySelectorAll('#method-' + m.name + ' .params [name]')) q[input.name] = input.value;
  return q;
}

function clearResults() {
  for (const r of document.querySelectorAll('.method .result')) r.replaceChildren();
  for (const s of document.querySelectorAll('.method .status')) s.textContent = '';
}

async function runQuick(m) {
  const card = $('method-' + m.name), status = card.querySelector('.status');
  const clicked = performance.now();
  status.textContent = 'computing…';
  try {
    const r = await api('/api/attribution', methodQuery(m));
    await showResult(m, r);
    window.pixelgradTimings.methods[m.name] = performance.now() - clicked;
    window.pixelgradTimings.server[m.name] = r.ms;
  } catch (e) {
    status.textContent = e.message;
  }
}

async function runQuickMethods() {
  for (const m of state.model.methods) if (!m.slow) await runQuick(m);
}

async function runSlow(m) {
  const card = $('method-' + m.name);
  await runJob(Object.assign({ kind: 'attribution' }, methodQuery(m)), {
    status: card.querySelector('.status'),
    progress: card.querySelector('progress'),
    cancel: card.querySelector('#cancel-' + m.name),
    onDone: (r) => showResult(m, r),
  });
}

// Starts a job and follows its progress (server-sent events) until it is done, failed or cancelled. ui holds the
// status text element, and optionally a progress bar and a Cancel button (shown while the job runs).
async function runJob(query, ui) {
  const { status, progress, cancel, onDone } = ui;
  let job;
  try {
    job = await api('/api/jobs', query, { method: 'POST' });
  } catch (e) {
    status.textContent = e.message;
    return;
  }
  if (job.state === 'done') {
    status.textContent = '(kept from before)';
    await onDone(job.result);
    return;
  }
  status.textContent = 'waiting for a free worker…';
  if (progress) { progress.hidden = false; progress.value = 0; }
  let over = false;
  const stop = async () => {
    try {
      status.textContent = 'cancelling…';
      await api('/api/jobs/' + encodeURIComponent(job.job) + '/cancel', null, { method: 'POST' });
    } catch (e) {
      say(e.message, true);
    }
  };
  if (cancel) { cancel.hidden = false; cancel.onclick = stop; }
  await new Promise((resolve) => {
    const events = new EventSource('/api/jobs/' + encodeURIComponent(job.job) + '/events');
    const finish = () => { over = true; events.close(); resolve(); };
    events.addEventListener('progress', (e) => {
      if (over) return;
      const p = JSON.parse(e.data);
      if (p.total > 0) {
        status.textContent = p.done + ' of ' + p.total;
        if (progress) progress.value = p.done / p.total;
      } else {
        status.textContent = 'running…';
      }
    });
    events.addEventListener('done', async (e) => {
      finish();
      status.textContent = '';
      await onDone(JSON.parse(e.data));
    });
    events.addEventListener('failed', (e) => { finish(); status.textContent = JSON.parse(e.data).error; });
    events.addEventListener('cancelled', () => { finish(); status.textContent = 'cancelled'; });
    events.onerror = () => { finish(); status.textContent = 'lost the connection to the server'; };
  });
  if (progress) progress.hidden = true;
  if (cancel) { cancel.hidden = true; cancel.onclick = null; }
}

async function showResult(m, r) {
  const card = $('method-' + m.name);
  const side = Math.max(state.model.input[1], state.model.input[2]);
  const figs = [figure(r.images.heatmap, 'heatmap', side), figure(r.images.overlay, 'over the image', side)];
  if (r.images.gradient) figs.push(figure(r.images.gradient, 'the gradient itself', side));
  const q = methodQuery(m);
  q.class = r.class;
  const facts = classLabel(r.class, r.className) + (r.layer ? ' · layer ' + r.layer : '')
    + ' · computed in ' + r.ms + ' ms';
  const link = el('a', { href: '/api/attribution.npy?' + new URLSearchParams(q).toString() }, 'raw .npy');
  card.querySelector('.result').replaceChildren(el('div', { class: 'row' }, ...figs), el('p', { class: 'facts muted' }, facts, ' · ', link));
  card.querySelector('.status').textContent = '';
  await Promise.all([...card.querySelectorAll('.result img')].map((i) => i.decode().catch(() => null)));
}

// ------------------------------------------------------------------------------------------------ gradient trace

async function runTrace() {
  const box = $('trace');
  box.replaceChildren(el('p', { class: 'muted' }, 'Running three backward passes…'));
  try {
    const q = { image: state.image };
    if (state.cls !== null) q.class = state.cls;
    drawTrace(await api('/api/trace', q));
  } catch (e) {
    box.replaceChildren(el('p', { class: 'error' }, e.message));
  }
}

function svg(tag, attrs, text) {
  const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// One row per layer, from the class score (top) down to the pixels (bottom): three bars per row, one per ReLU rule,
// their length the log10 of the gradient's norm; ReLU rows also give the share of units passing the gradient on.
function drawTrace(t) {
  const rules = ['standard', 'guided', 'deconvnet'];
  const colours = { standard: '#1c7ed6', guided: '#2b8a3e', deconvnet: '#e8590c' };   // as the CSS swatches
  let lo = Infinity, hi = -Infinity;
  for (const r of t.rows) for (const n of r.norm) if (n > 0) { lo = Math.min(lo, Math.log10(n)); hi = Math.max(hi, Math.log10(n)); }
  if (!(hi > lo)) { lo = hi - 1; }
  lo = Math.floor(lo) - 0.5;
  const labelW = 300, barW = 360, passW = 220, rowH = 26, top = 24;
  const width = labelW + barW + passW, height = top + t.rows.length * rowH + 8;
  const chart = svg('svg', { width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img',
    'aria-label': 'gradient norm per layer under three ReLU rules' });
  chart.append(svg('text', { x: labelW, y: 14, fill: '#5b6672' }, '|gradient| arriving (log scale, 10^' + Math.ceil(lo) + ' … 10^' + Math.ceil(hi) + ')'));
  chart.append(svg('text', { x: labelW + barW + 10, y: 14, fill: '#5b6672' }, 'ReLUs passing it on'));
  t.rows.forEach((r, i) => {
    const y = top + i * rowH;
    if (i % 2 === 0) chart.append(svg('rect', { x: 0, y: y - 2, width, height: rowH, fill: '#f6f8fa' }));
    chart.append(svg('text', { x: 4, y: y + 15 }, r.layer + '  ' + r.description.split('(')[0]));
    rules.forEach((rule, k) => {
      const n = r.norm[k];
      const len = n > 0 ? Math.max(1, (Math.log10(n) - lo) / (hi - lo) * (barW - 10)) : 0;
      const bar = svg('rect', { x: labelW, y: y + 2 + k * 7, width: len, height: 6, fill: colours[rule] });
      bar.append(svg('title', {}, rule + ': ' + (n === null ? '–' : n.toExponential(3))));
      chart.append(bar);
    });
    if (r.kind === 'relu') {
      const text = rules.map((rule, k) => (r.passing[k] === null ? '–' : (100 * r.passing[k]).toFixed(0) + '%')).join(' / ');
      chart.append(svg('text', { x: labelW + barW + 10, y: y + 15 }, text + (r.fragile > 0 ? '  (' + r.fragile + ' near 0)' : '')));
    } else if (r.kind === 'pool' && r.fragile > 0) {
      chart.append(svg('text', { x: labelW + barW + 10, y: y + 15, fill: '#5b6672' }, r.fragile + ' near ties'));
    }
  });
  const key = el('div', { class: 'key' }, ...rules.map((rule) => el('span', {}, el('span', { class: 'swatch ' + rule }), ' ' + rule)));
  const note = el('p', { class: 'muted' }, 'Explained: ' + classLabel(t.class, t.className) + '. Shares are standard / guided / deconvnet. '
    + 'Float32 decisions within ' + t.fragile.tolerance + ' of flipping: ' + t.fragile.reluNearZero + ' ReLU inputs, '
    + t.fragile.poolNearTies + ' max-pool windows.');
  $('trace').replaceChildren(key, chart, note);
}

document.addEventListener('DOMContentLoaded', start);
