'use strict';
// attnscope explorer. One state object drives every redraw (as the config object does in bertviz's
// head_view.js): the drawing functions read it and draw, nothing else keeps view state. Plain
// canvas and typed arrays, and only what is visible is drawn (uPlot's way), so T = 500 stays usable.
// Token text is only ever put into the page as text (textContent), never as markup.
(() => {
  const DATA = JSON.parse(document.getElementById('explorer-data').textContent);
  const $ = id => document.getElementById(id);
  const root = $('explorer');
  const VIRIDIS = DATA.viridis;            // 256 × 0xRRGGBB: the PNGs' table
  const MASK_FILL = 0xE4E4E4;              // masked cells as in the PNGs: light grey, hatched
  const MASK_HATCH = '#a8a8a8';
  const LEVELS = (1 << DATA.bits) - 1;     // stored = round(LEVELS · w / rowMax)
  const SCALES = ['linear', 'log', 'row'];
  const SOURCES = DATA.sources.map((s, index) => Object.assign(s, { index }));
  const FONT = '"DejaVu Sans", Helvetica, Arial, sans-serif';

  // The one state. layer is an index into source.layers; token is the clicked position (-1: none),
  // hover the position under the pointer; cell the hovered matrix cell [query, key].
  const state = { source: 0, view: 'overview', scale: 'linear', layer: 0, head: 0, token: -1, hover: -1, cell: null,
    large: false };
  const saved = {};                        // each source's layer, head and token while the other is shown

  function set(change) {
    Object.assign(state, change);
    render();
  }

  // ---- data ------------------------------------------------------------------------------------

  function bytes(b64) {
    const s = atob(b64);
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }

  const decoded = new Map();               // a few heads, decoded on first view
  // One head as (T, T) weights: w[i·T + j], the row maxima (each row's quantisation step is rowMax / LEVELS).
  function pattern(src, li, h) {
    const key = src.index + ':' + li + ':' + h;
    let p = decoded.get(key);
    if (p) return p;
    const e = src.patterns[li * src.heads + h];
    const t = src.tokens.length;
    const q = bytes(e.q);
    const rowMax = new Float32Array(bytes(e.rowMax).buffer);
    const w = new Float32Array(t * t);
    let k = 0;
    for (let i = 0; i < t; i++) {
      const end = e.lower ? i + 1 : t;
      const step = rowMax[i] / LEVELS;
      for (let j = 0; j < end; j++) w[i * t + j] = q[k++] * step;
    }
    p = { key, t, w, rowMax, causal: src.causal, lower: e.lower, aboveNonzero: e.aboveNonzero || 0, aboveMax: e.aboveMax || 0 };
    if (decoded.size >= 48) decoded.delete(decoded.keys().next().value);
    decoded.set(key, p);
    return p;
  }

  // A masked cell: the future of a causal model, where the stored weight is exactly 0. A nonzero
  // weight there is drawn in colour, never hidden under the mask.
  const masked = (p, i, j) => p.causal && j > i && p.w[i * p.t + j] === 0;
  const current = () => SOURCES[state.source];
  const currentPattern = () => pattern(current(), state.layer, state.head);
  const layerNumber = () => current().layers[state.layer];
  const focus = () => (state.hover >= 0 ? state.hover : state.token);

  // The colour map position of a weight, as attnscope.render.ColorScale computes it.
  function position(w, rowMax) {
    const t = state.scale === 'log' ? (w > 0 ? (Math.log10(w) + 4) / 4 : 0)
      : state.scale === 'row' ? (rowMax > 0 ? w / rowMax : 0) : w;
    return t < 0 ? 0 : t > 1 ? 1 : t;
  }
  const viridis = t => VIRIDIS[t > 0 ? Math.min(255, Math.floor(t * 256)) : 0];
  const css = rgb => '#' + rgb.toString(16).padStart(6, '0');
  const fmt = w => w.toFixed(4);
  const exact = w => String(+w.toFixed(6));    // data-weight: the stored value, 6 decimals
  const halfStep = (p, i) => p.rowMax[i] / LEVELS / 2;

  function checksOf(src, layer, head) {
    return src.checks.filter(c => c[0] === layer && (c[1] === head || c[1] === -1));
  }

  // ---- canvas helpers ----------------------------------------------------------------------------

  const fontPx = () => parseFloat(getComputedStyle(document.body).fontSize);

  function sized(canvas, w, h) {         // a canvas of w × h CSS pixels, sharp on high-density screens
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = w + 'px';
      canvas.style.height = h + 'px';
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    return ctx;
  }

  let cellCache = { key: '', canvas: null };
  // The head as a T × T image, one pixel per cell, scaled up by drawImage without smoothing.
  function cellImage(p) {
    const key = p.key + ':' + state.scale;
    if (cellCache.key === key) return cellCache.canvas;
    const c = document.createElement('canvas');
    c.width = c.height = p.t;
    const ctx = c.getContext('2d');
    const img = ctx.createImageData(p.t, p.t);
    const px = img.data;
    for (let i = 0; i < p.t; i++) {
      for (let j = 0; j < p.t; j++) {
        const rgb = masked(p, i, j) ? MASK_FILL : viridis(position(p.w[i * p.t + j], p.rowMax[i]));
        const o = 4 * (i * p.t + j);
        px[o] = rgb >> 16 & 255; px[o + 1] = rgb >> 8 & 255; px[o + 2] = rgb & 255; px[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    cellCache = { key, canvas: c };
    return c;
  }

  // Hatching over the masked upper triangle (cells j > i), as in the PNGs.
  function hatch(ctx, x0, y0, cell, t) {
    ctx.save();
    ctx.beginPath();
    ctx.moveTo(x0 + cell, y0);
    ctx.lineTo(x0 + t * cell, y0);
    ctx.lineTo(x0 + t * cell, y0 + (t - 1) * cell);
    for (let k = t - 1; k >= 1; k--) {
      ctx.lineTo(x0 + k * cell, y0 + k * cell);
      ctx.lineTo(x0 + k * cell, y0 + (k - 1) * cell);
    }
    ctx.closePath();
    ctx.clip();
    ctx.strokeStyle = MASK_HATCH;
    ctx.lineWidth = 1;
    ctx.beginPath();
    const size = t * cell;
    for (let s = 8; s < 2 * size; s += 8) {
      ctx.moveTo(x0 + s, y0);
      ctx.lineTo(x0 + s - size, y0 + size);
    }
    ctx.stroke();
    ctx.restore();
  }

  function drawMatrix(ctx, p, x0, y0, size) {
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cellImage(p), x0, y0, size, size);
    if (p.causal && p.lower) hatch(ctx, x0, y0, size / p.t, p.t);
  }

  // ---- token labels (the page contract: every label is an element with data-token) ------------

  const labelSets = {};                    // container id → {key, elements}
  function labels(containerId, src, cls) {
    const box = $(containerId);
    const key = src.index + ':' + src.tokens.length;
    if (labelSets[containerId] && labelSets[containerId].key === key) return labelSets[containerId].elements;
    box.textContent = '';
    const elements = src.labels.map((text, i) => {
      const e = document.createElement('span');
      e.dataset.token = String(i);
      if (cls) e.className = cls;
      e.textContent = text;
      box.appendChild(e);
      return e;
    });
    labelSets[containerId] = { key, elements };
    return elements;
  }

  function markLabels(elements) {
    elements.forEach((e, i) => {
      e.classList.toggle('selected', i === state.token);
      e.classList.toggle('hovered', i === state.hover);
    });
  }

  let measureCtx = null;
  function labelWidth(src, px) {           // the widest label at px, in CSS pixels
    measureCtx = measureCtx || document.createElement('canvas').getContext('2d');
    measureCtx.font = px + 'px ' + FONT;
    let max = 0;
    for (const l of src.labels) max = Math.max(max, measureCtx.measureText(l).width);
    return Math.ceil(max) + px;
  }

  // ---- the matrix view ---------------------------------------------------------------------------

  let matrixGeometry = null;
  let matrixLabelsAt = '';
  function renderMatrix() {
    const src = current();
    const p = currentPattern();
    const pane = $('matrix-pane');
    const px = fontPx();
    const margin = Math.min(labelWidth(src, px), (state.large ? 9 : 14) * px);
    const size = Math.max(40, Math.floor(Math.min(pane.clientWidth, pane.clientHeight) - margin - px));
    const x0 = margin;
    const y0 = margin;
    const cell = size / p.t;
    matrixGeometry = { x0, y0, size, cell, t: p.t };
    const canvas = $('matrix-canvas');
    canvas.dataset.cells = [x0, y0, size].join(); // where the cells are in the canvas, for tests and scripts
    const ctx = sized(canvas, x0 + size + 2, y0 + size + 2);
    drawMatrix(ctx, p, x0, y0, size);
    const k = focus();
    if (k >= 0) {                          // its row (where it attends) and its column (who attends to it)
      ctx.lineWidth = 2;
      ctx.strokeStyle = getComputedStyle(root).getPropertyValue('--row');
      ctx.strokeRect(x0, y0 + k * cell, size, cell);
      ctx.strokeStyle = getComputedStyle(root).getPropertyValue('--col');
      ctx.strokeRect(x0 + k * cell, y0, cell, size);
    }
    if (state.cell) {
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#fff';
      ctx.strokeRect(x0 + state.cell[1] * cell, y0 + state.cell[0] * cell, cell, cell);
    }
    // Labels: every token has one; when the rows are thinner than the text, only every step-th
    // shows (and the focused one), the rest stay reachable by pointing at the matrix.
    const step = Math.max(1, Math.ceil(px * 1.15 / cell));
    const queries = labels('matrix-queries', src, '');
    const keys = labels('matrix-keys', src, '');
    const geometry = [src.index, x0, cell, px].join();
    if (geometry !== matrixLabelsAt) {     // placed when the layout changes, not on every hover
      matrixLabelsAt = geometry;
      queries.forEach((e, i) => {
        e.style.left = '0px';
        e.style.width = (x0 - 6) + 'px';
        e.style.top = (y0 + (i + 0.5) * cell - px / 2) + 'px';
      });
      keys.forEach((e, i) => {
        e.style.left = (x0 + (i + 0.5) * cell - px / 2) + 'px';
        e.style.top = '0px';
        e.style.height = (y0 - 6) + 'px';
      });
    }
    const hidden = i => i !== k && (i % step !== 0 || (k >= 0 && Math.abs(i - k) < step)); // the focused one reads clear
    queries.forEach((e, i) => e.classList.toggle('decimated', hidden(i)));
    keys.forEach((e, i) => e.classList.toggle('decimated', hidden(i)));
    markLabels(queries);
    markLabels(keys);
  }

  function cellAt(ev) {
    const g = matrixGeometry;
    const r = $('matrix-canvas').getBoundingClientRect();
    const x = ev.clientX - r.left - g.x0;
    const y = ev.clientY - r.top - g.y0;
    if (x < 0 || y < 0 || x >= g.size || y >= g.size) return null;
    return [Math.floor(y / g.cell), Math.floor(x / g.cell)];
  }

  // ---- the line view (bertviz's head view: queries left, keys right) ----------------------------

  let linesScrolledTo = '';
  let linesLabelsAt = '';
  function renderLines() {
    const src = current();
    const p = currentPattern();
    const scroll = $('lines-scroll');
    const px = fontPx();
    const rowH = Math.ceil(px * 1.5);
    const W = scroll.clientWidth;
    const H = scroll.clientHeight;
    const labelW = Math.min(labelWidth(src, px) + 8, 14 * px);
    const gap = Math.max(120, Math.min(W - 2 * labelW - 40, 40 * px));
    const left = Math.max(0, (W - 2 * labelW - gap) / 2);
    const ax = left + labelW;                // where the query lines start
    const bx = ax + gap;                     // where the key lines end
    $('lines-labels').style.height = (p.t * rowH) + 'px';
    const elements = labels('lines-labels', src, '');
    // Two labels per token: the query (left) and the key (right) column; built once per source.
    if (elements.length === p.t) {
      elements.forEach(e => e.classList.add('left'));
      src.labels.forEach((text, i) => {
        const e = document.createElement('span');
        e.dataset.token = String(i);
        e.className = 'right';
        e.textContent = text;
        $('lines-labels').appendChild(e);
        elements.push(e);
      });
    }
    const geometry = [src.index, left, bx, labelW, rowH].join();
    if (geometry !== linesLabelsAt) {      // placed when the layout changes, not on every hover
      linesLabelsAt = geometry;
      elements.forEach((e, n) => {
        const i = n % p.t;
        e.style.top = (i * rowH) + 'px';
        e.style.lineHeight = rowH + 'px';
        e.style.width = labelW + 'px';
        e.style.left = (n < p.t ? left : bx) + 'px';
      });
    }
    markLabels(elements.slice(0, p.t));
    markLabels(elements.slice(p.t));

    // A newly clicked token is scrolled into view (the line view scrolls when T is large).
    const shown = state.source + ':' + state.token;
    if (state.token >= 0 && shown !== linesScrolledTo) {
      const at = state.token * rowH;
      if (at < scroll.scrollTop || at > scroll.scrollTop + H - rowH) scroll.scrollTop = Math.max(0, at - H / 2);
    }
    linesScrolledTo = shown;
    const ctx = sized($('lines-canvas'), W, H);
    const top = scroll.scrollTop;
    const y = i => i * rowH + rowH / 2 - top;
    const first = Math.max(0, Math.floor(top / rowH) - 1);
    const last = Math.min(p.t - 1, Math.ceil((top + H) / rowH));
    const line = (i, j, colour) => {
      const w = p.w[i * p.t + j];
      if (w <= 0 || masked(p, i, j)) return;
      const a = position(w, p.rowMax[i]);
      if (a < 0.02) return;
      ctx.globalAlpha = a;
      ctx.strokeStyle = colour;
      ctx.beginPath();
      ctx.moveTo(ax, y(i));
      ctx.lineTo(bx, y(j));
      ctx.stroke();
    };
    ctx.lineWidth = Math.max(1.5, rowH / 8);
    const k = focus();
    if (k >= 0) {
      const row = getComputedStyle(root).getPropertyValue('--row');
      const col = getComputedStyle(root).getPropertyValue('--col');
      for (let j = 0; j < p.t; j++) line(k, j, row);
      for (let i = 0; i < p.t; i++) if (i !== k) line(i, k, col);
    } else {
      for (let i = first; i <= last; i++) for (let j = 0; j < p.t; j++) line(i, j, '#3b5bdb');
    }
    ctx.globalAlpha = 1;
  }

  // ---- the layer × head grid, grouped by shared key/value head ----------------------------------

  const atlases = {};
  // All thumbnails of a source in one image: head h of layer index li at (h·S, li·S).
  function atlas(src) {
    if (atlases[src.index]) return atlases[src.index];
    const s = src.thumb;
    const c = document.createElement('canvas');
    c.width = src.heads * s;
    c.height = src.layers.length * s;
    const ctx = c.getContext('2d');
    const img = ctx.createImageData(c.width, c.height);
    src.patterns.forEach((e, n) => {
      const li = Math.floor(n / src.heads);
      const h = n % src.heads;
      const b = bytes(e.thumb);
      for (let i = 0; i < s; i++) {
        for (let j = 0; j < s; j++) {
          const v = b[i * s + j];
          const rgb = v === 255 ? MASK_FILL : viridis(v / 254);
          const o = 4 * ((li * s + i) * c.width + h * s + j);
          img.data[o] = rgb >> 16 & 255; img.data[o + 1] = rgb >> 8 & 255; img.data[o + 2] = rgb & 255; img.data[o + 3] = 255;
        }
      }
    });
    ctx.putImageData(img, 0, 0);
    return (atlases[src.index] = c);
  }

  function failedHeads(src) {              // "layer:head" of every head with a failed check (head -1: all)
    const failed = new Set();
    for (const c of src.checks) {
      if (c[3]) continue;
      const li = src.layers.indexOf(c[0]);
      for (let h = 0; h < src.heads; h++) if (c[1] === -1 || c[1] === h) failed.add(li + ':' + h);
    }
    return failed;
  }

  // Draws the grid into canvas within w × h; returns the hit test (x, y) → [layerIndex, head] or null.
  function drawGrid(canvas, w, h, withLabels) {
    const src = current();
    const L = src.layers.length;
    const H = src.heads;
    const group = H / src.kvHeads;
    const px = fontPx();
    const left = withLabels ? Math.ceil(px * 3) : 0;
    const top = withLabels ? Math.ceil(px * 2.8) : 0;
    const gapOf = cell => Math.max(3, Math.round(cell * 0.35));
    let cell = Math.floor(Math.min((w - left - 4) / (H + 0.35 * (src.kvHeads - 1)), (h - top - 4) / L)) - 1;
    cell = Math.max(3, withLabels ? cell : Math.min(cell, 22));
    const gap = gapOf(cell);
    const xOf = hd => left + hd * (cell + 1) + Math.floor(hd / group) * gap;
    const yOf = li => top + li * (cell + 1);
    const width = xOf(H - 1) + cell + 2;
    const height = yOf(L - 1) + cell + 2;
    const ctx = sized(canvas, width, height);
    ctx.imageSmoothingEnabled = src.thumb > cell;
    const img = atlas(src);
    const failed = failedHeads(src);
    for (let li = 0; li < L; li++) {
      for (let hd = 0; hd < H; hd++) {
        ctx.drawImage(img, hd * src.thumb, li * src.thumb, src.thumb, src.thumb, xOf(hd), yOf(li), cell, cell);
        if (failed.has(li + ':' + hd)) {
          ctx.strokeStyle = '#b00020';
          ctx.lineWidth = 2;
          ctx.strokeRect(xOf(hd) + 1, yOf(li) + 1, cell - 2, cell - 2);
        }
      }
    }
    ctx.strokeStyle = '#e8590c';
    ctx.lineWidth = 3;
    ctx.strokeRect(xOf(state.head) - 2, yOf(state.layer) - 2, cell + 4, cell + 4);
    if (withLabels) {
      ctx.fillStyle = '#1a1a1a';
      ctx.font = Math.min(px, Math.max(9, cell * 0.8)) + 'px ' + FONT;
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'right';
      const every = Math.max(1, Math.ceil(px / (cell + 1)));
      for (let li = 0; li < L; li += every) ctx.fillText(String(src.layers[li]), left - 6, yOf(li) + cell / 2);
      ctx.textAlign = 'center';
      for (let hd = 0; hd < H; hd++) ctx.fillText(String(hd), xOf(hd) + cell / 2, top - px * 0.7);
      ctx.textAlign = 'left';
      ctx.fillText('layer', 0, px * 0.6);
      ctx.textAlign = 'center';
      ctx.font = 'bold ' + ctx.font;
      for (let g = 0; g < src.kvHeads; g++) {
        ctx.fillText('KV head ' + g, (xOf(g * group) + xOf((g + 1) * group - 1) + cell) / 2, px * 0.6);
      }
    }
    return (x, y) => {
      const li = Math.floor((y - top) / (cell + 1));
      for (let hd = 0; hd < H; hd++) {
        if (x >= xOf(hd) && x < xOf(hd) + cell && li >= 0 && li < L) return [li, hd];
      }
      return null;
    };
  }

  let overviewHit = null;
  let pickerHit = null;
  function renderOverview() {
    const pane = $('overview-pane');
    overviewHit = drawGrid($('grid-canvas'), pane.clientWidth, pane.clientHeight, true);
  }

  // ---- the side panel -----------------------------------------------------------------------------

  function renderLegend() {
    const box = $('legend');
    const w = Math.max(100, box.clientWidth - 4);
    const ctx = sized($('legend-canvas'), w, fontPx());
    for (let x = 0; x < w; x++) {
      ctx.fillStyle = css(viridis(x / (w - 1)));
      ctx.fillRect(x, 0, 1, fontPx());
    }
    const ticks = { linear: [[0, '0'], [0.5, '0.5'], [1, '1']], log: [[0, '≤ 0.0001'], [0.5, '0.01'], [1, '1']],
      row: [[0, '0'], [0.5, '½ row max'], [1, 'row max']] }[state.scale];
    const t = $('legend-ticks');
    t.textContent = '';
    for (const [pos, text] of ticks) {
      const s = document.createElement('span');
      s.style.left = (pos * 100) + '%';
      s.textContent = text;
      t.appendChild(s);
    }
    $('legend-label').textContent = { linear: 'attention weight', log: 'attention weight (log scale)',
      row: 'weight ÷ largest weight in its row' }[state.scale] + '; grey hatched: masked (the future)';
  }

  function weightList(title, cls, entries, p, src) {
    const box = document.createElement('div');
    box.className = cls;
    const h = document.createElement('h2');
    h.textContent = title;
    box.appendChild(h);
    const list = document.createElement('div');
    list.className = 'weights';
    for (const [attr, pos, w] of entries) {
      const d = document.createElement('div');
      d.dataset[attr] = String(pos);
      d.dataset.weight = exact(w);
      const a = document.createElement('span');
      a.textContent = pos + ' ' + src.labels[pos];
      const b = document.createElement('span');
      b.textContent = fmt(w);
      d.append(a, b);
      list.appendChild(d);
    }
    box.appendChild(list);
    return box;
  }

  function renderSelection() {
    const box = $('selection');
    box.textContent = '';
    const src = current();
    const k = state.token;
    if (k < 0 || state.view === 'overview') {
      box.textContent = 'Click a token (or a matrix row) to list its weights; hover for a preview.';
      return;
    }
    const p = currentPattern();
    const head = document.createElement('div');
    head.textContent = 'token ' + k + ': ' + src.labels[k] + '   (as written: ' + JSON.stringify(src.tokens[k]) + ')';
    box.appendChild(head);
    const row = [];
    for (let j = 0; j < p.t; j++) if (!masked(p, k, j)) row.push(['key', j, p.w[k * p.t + j]]);
    const col = [];
    for (let i = 0; i < p.t; i++) if (!masked(p, i, k)) col.push(['query', i, p.w[i * p.t + k]]);
    box.appendChild(weightList('where it attends (row ' + k + ', ± ' + halfStep(p, k).toFixed(4) + ')', 'row', row, p, src));
    box.appendChild(weightList('who attends to it (column ' + k + ')', 'col', col, p, src));
  }

  function renderChecks() {
    const box = $('checks');
    box.textContent = '';
    const src = current();
    if (src.checks.length === 0) {
      box.textContent = src.name === 'toy' ? 'The toy: computed from the handout numbers; no model checks apply.'
        : 'No checks were made in this run.';
      return;
    }
    const table = document.createElement('table');
    for (const c of checksOf(src, layerNumber(), state.head)) {
      const tr = table.insertRow();
      // The negative control passes when the recomputation without the mask disagrees by MORE than its limit.
      const relation = src.checkNames[c[2]] === 'negative-control' ? '≥ ' : '≤ ';
      const cells = [src.checkNames[c[2]] + (c[1] === -1 ? ' (layer)' : ''), c[3] ? '✓' : '✗',
        c[4] === null ? 'n/a' : Number(c[4]).toExponential(1), relation + (c[5] === null ? 'n/a' : Number(c[5]).toExponential(1))];
      cells.forEach(text => { tr.insertCell().textContent = text; });
      tr.className = c[3] ? 'pass' : 'fail';
    }
    const failed = src.checks.filter(c => !c[3]).length;
    const all = document.createElement('div');
    all.className = failed ? 'fail' : 'pass';
    all.textContent = failed ? failed + ' of ' + src.checks.length + ' checks of this run FAILED (red frames in the grid)'
      : 'all ' + src.checks.length + ' checks of this run passed';
    box.append(all, table);
  }

  function renderPicker() {
    const box = $('picker');
    box.hidden = current().patterns.length === 1 || state.view === 'overview';
    if (!box.hidden) pickerHit = drawGrid($('picker-canvas'), box.clientWidth, 24 * 24, false);
  }

  function renderToyMini() {
    const toy = SOURCES[1];
    const box = $('toy-mini');
    box.querySelector('.caption').textContent = state.source === 1
      ? 'The model: press T (or click) to return'
      : 'The toy "' + toy.tokens.join(' ') + '": press T (or click) to explore it';
    const size = Math.min(box.clientWidth - 4, 8 * fontPx());
    const ctx = sized($('toy-canvas'), size, size);
    if (state.source === 0) {
      drawMatrix(ctx, pattern(toy, 0, 0), 0, 0, size);
    } else {
      ctx.drawImage(atlas(SOURCES[0]), 0, 0, SOURCES[0].thumb * SOURCES[0].heads, SOURCES[0].thumb * SOURCES[0].layers.length,
        0, 0, size, size);
    }
  }

  function renderStorage() {
    const src = current();
    const odd = src.patterns.map((e, n) => [e, n]).filter(([e]) => e.aboveNonzero);
    let text = 'Stored in this page: ' + DATA.bits + ' bits per weight, each query row scaled to its largest weight '
      + '(stored = round(' + LEVELS + ' · w / rowmax)); the step is rowmax / ' + LEVELS + ' ≤ 1/' + LEVELS + ' ≈ '
      + (1 / LEVELS).toFixed(4) + ', so a shown weight is within half a step (≤ ' + (0.5 / LEVELS).toFixed(4)
      + ') of the model\'s. Exact values: attnscope inspect --save-tensors writes tensors/layer{L}.pattern.npy.';
    if (src.causal) {
      text += ' Causal heads store only the lower triangle where every weight above the diagonal is exactly 0.';
    }
    if (odd.length) {
      text += ' ' + odd.length + ' head(s) have nonzero weights above the diagonal: stored whole and drawn in colour, '
        + 'not as masked.';
    }
    text += ' Grid thumbnails: the largest weight in each block, linear scale.';
    $('storage').textContent = text;
  }

  function renderHeader() {
    const src = current();
    $('title').textContent = DATA.title;
    $('banner').hidden = !DATA.synthetic;
    $('banner').textContent = DATA.synthetic || '';
    root.dataset.layer = String(layerNumber());
    root.dataset.head = String(state.head);
    root.dataset.view = state.view;
    root.dataset.scale = state.scale;
    root.dataset.source = src.name;
    document.querySelectorAll('[data-set-view]').forEach(b => b.setAttribute('aria-pressed', b.dataset.setView === state.view));
    document.querySelectorAll('[data-set-scale]').forEach(b => b.setAttribute('aria-pressed', b.dataset.setScale === state.scale));
    document.querySelectorAll('[data-set-source]').forEach(b => b.setAttribute('aria-pressed', +b.dataset.setSource === state.source));
    $('large').setAttribute('aria-pressed', state.large);
    const p = currentPattern();
    const checks = checksOf(src, layerNumber(), state.head);
    const failed = checks.filter(c => !c[3]).length;
    const where = $('where');
    where.textContent = '';
    const what = document.createElement('span');
    what.textContent = (src.name === 'toy' ? 'Toy · ' : '') + 'layer ' + layerNumber() + ' · head ' + state.head + ' · KV head '
      + Math.floor(state.head / (src.heads / src.kvHeads)) + ' · T = ' + p.t + ' tokens   ';
    const verdict = document.createElement('span');
    verdict.className = failed ? 'fail' : 'pass';
    verdict.textContent = checks.length === 0 ? '' : failed ? '✗ ' + failed + ' of ' + checks.length + ' checks failed'
      : '✓ ' + checks.length + ' checks passed';
    where.append(what, verdict);
    if (p.aboveNonzero) {
      const warn = document.createElement('span');
      warn.className = 'fail';
      warn.textContent = (checks.length ? ' · ' : '') + p.aboveNonzero + ' weights above the diagonal are not 0 (largest ' + p.aboveMax.toExponential(2) + ')';
      where.appendChild(warn);
    }
    where.title = src.title;
  }

  // ---- render: everything from state ----------------------------------------------------------

  // The panels that do not follow the pointer are redrawn only when what they show has changed,
  // so hovering over a large matrix redraws the matrix and nothing else.
  const drawnFor = {};
  function when(part, key, draw) {
    if (drawnFor[part] !== key) {
      drawnFor[part] = key;
      draw();
    }
  }

  function render() {
    document.body.classList.toggle('large', state.large);
    renderHeader();
    if (state.view === 'overview') renderOverview();
    else if (state.view === 'matrix') renderMatrix();
    else renderLines();
    const s = state;
    const screen = [s.large, window.innerWidth, window.innerHeight].join();
    const head = [s.source, s.layer, s.head].join();
    when('legend', [s.scale, screen].join(), renderLegend);
    when('selection', [head, s.token, s.view, screen].join(), renderSelection);
    when('checks', head, renderChecks);
    when('picker', [head, s.view, screen].join(), renderPicker);
    when('toy', [s.source, s.scale, screen].join(), renderToyMini);
    when('storage', s.source, renderStorage);
  }

  // ---- input ------------------------------------------------------------------------------------

  const tooltip = $('tooltip');
  function showTip(ev, text) {
    tooltip.hidden = false;
    tooltip.textContent = text;
    const x = Math.min(ev.clientX + 14, window.innerWidth - tooltip.offsetWidth - 4);
    const y = Math.min(ev.clientY + 14, window.innerHeight - tooltip.offsetHeight - 4);
    tooltip.style.left = x + 'px';
    tooltip.style.top = y + 'px';
  }
  const hideTip = () => { tooltip.hidden = true; };

  function tokenTip(k) {                   // a token's strongest keys and the queries that look at it most
    const src = current();
    const p = currentPattern();
    const top = (entries) => entries.filter(e => e[1] > 0).sort((a, b) => b[1] - a[1]).slice(0, 3)
      .map(([pos, w]) => '  ' + pos + ' ' + src.labels[pos] + '  ' + fmt(w)).join('\n');
    const row = [];
    const col = [];
    for (let j = 0; j < p.t; j++) if (!masked(p, k, j)) row.push([j, p.w[k * p.t + j]]);
    for (let i = 0; i < p.t; i++) if (!masked(p, i, k)) col.push([i, p.w[i * p.t + k]]);
    return 'token ' + k + ' ' + src.labels[k] + '\nattends most to:\n' + top(row) + '\nmost attended by:\n' + top(col)
      + '\n(± ' + halfStep(p, k).toFixed(4) + ' in its row)';
  }

  function onLabels(box) {
    box.addEventListener('mouseover', ev => {
      const e = ev.target.closest('[data-token]');
      if (!e) return;
      set({ hover: +e.dataset.token, cell: null });
      showTip(ev, tokenTip(state.hover));
    });
    box.addEventListener('mouseout', ev => {
      if (ev.target.closest('[data-token]')) { hideTip(); set({ hover: -1 }); }
    });
    box.addEventListener('click', ev => {
      const e = ev.target.closest('[data-token]');
      if (e) set({ token: +e.dataset.token === state.token ? -1 : +e.dataset.token });
    });
  }
  ['matrix-queries', 'matrix-keys', 'lines-labels'].forEach(id => onLabels($(id)));

  $('matrix-canvas').addEventListener('mousemove', ev => {
    const c = cellAt(ev);
    if (!c) { hideTip(); if (state.cell) set({ cell: null, hover: -1 }); return; }
    const src = current();
    const p = currentPattern();
    const [i, j] = c;
    if (!state.cell || state.cell[0] !== i || state.cell[1] !== j) set({ cell: c, hover: i });
    showTip(ev, masked(p, i, j) ? 'query ' + i + ' ' + src.labels[i] + ' → key ' + j + ' ' + src.labels[j] + ': masked (the future)'
      : 'query ' + i + ' ' + src.labels[i] + ' → key ' + j + ' ' + src.labels[j] + '\nweight ' + fmt(p.w[i * p.t + j])
        + ' ± ' + halfStep(p, i).toFixed(4));
  });
  $('matrix-canvas').addEventListener('mouseleave', () => { hideTip(); set({ cell: null, hover: -1 }); });
  $('matrix-canvas').addEventListener('click', ev => {
    const c = cellAt(ev);
    if (c) set({ token: c[0] === state.token ? -1 : c[0] });
  });

  $('grid-canvas').addEventListener('click', ev => {
    const r = ev.target.getBoundingClientRect();
    const hit = overviewHit && overviewHit(ev.clientX - r.left, ev.clientY - r.top);
    if (hit) set({ layer: hit[0], head: hit[1], view: 'matrix' });
  });
  $('picker-canvas').addEventListener('click', ev => {
    const r = ev.target.getBoundingClientRect();
    const hit = pickerHit && pickerHit(ev.clientX - r.left, ev.clientY - r.top);
    if (hit) set({ layer: hit[0], head: hit[1], view: state.view === 'overview' ? 'matrix' : state.view });
  });
  for (const id of ['grid-canvas', 'picker-canvas']) {
    $(id).addEventListener('mousemove', ev => {
      const r = ev.target.getBoundingClientRect();
      const hit = (id === 'grid-canvas' ? overviewHit : pickerHit);
      const at = hit && hit(ev.clientX - r.left, ev.clientY - r.top);
      if (at) showTip(ev, 'layer ' + current().layers[at[0]] + ' · head ' + at[1]); else hideTip();
    });
    $(id).addEventListener('mouseleave', hideTip);
  }
  $('toy-canvas').addEventListener('click', () => switchSource(1 - state.source));

  let scrollPending = false;
  $('lines-scroll').addEventListener('scroll', () => {
    if (scrollPending) return;
    scrollPending = true;
    requestAnimationFrame(() => { scrollPending = false; if (state.view === 'lines') renderLines(); });
  });

  function switchSource(s) {
    if (s === state.source) return;
    saved[state.source] = { layer: state.layer, head: state.head, token: state.token };
    const back = saved[s] || { layer: 0, head: 0, token: -1 };
    set(Object.assign({ source: s, hover: -1, cell: null, view: state.view === 'overview' ? 'matrix' : state.view }, back));
  }

  function move(dl, dh) {                  // arrows: ←/→ the next head (on into the next layer), ↑/↓ the layer
    const src = current();
    let l = state.layer + dl;
    let h = state.head + dh;
    if (h >= src.heads) { h = 0; l++; }
    if (h < 0) { h = src.heads - 1; l--; }
    if (l < 0 || l >= src.layers.length) return;
    set({ layer: l, head: h, cell: null });
  }

  document.querySelectorAll('[data-set-view]').forEach(b => b.addEventListener('click', () => set({ view: b.dataset.setView })));
  document.querySelectorAll('[data-set-scale]').forEach(b => b.addEventListener('click', () => set({ scale: b.dataset.setScale })));
  document.querySelectorAll('[data-set-source]').forEach(b => b.addEventListener('click', () => switchSource(+b.dataset.setSource)));
  $('large').addEventListener('click', () => set({ large: !state.large }));

  document.addEventListener('keydown', ev => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    switch (ev.key) {
      case 'ArrowRight': move(0, 1); break;
      case 'ArrowLeft': move(0, -1); break;
      case 'ArrowDown': move(1, 0); break;
      case 'ArrowUp': move(-1, 0); break;
      case 'Home': set({ view: 'overview' }); break;
      case 'Enter': if (state.view === 'overview') set({ view: 'matrix' }); else return; break;
      case 'm': case 'M': set({ view: 'matrix' }); break;
      case 'l': case 'L': set({ view: 'lines' }); break;
      case 's': case 'S': set({ scale: SCALES[(SCALES.indexOf(state.scale) + 1) % SCALES.length] }); break;
      case 't': case 'T': switchSource(1 - state.source); break;
      case 'f': case 'F': case '+': set({ large: !state.large }); break;
      case 'Escape': set({ token: -1, hover: -1, cell: null }); hideTip(); break;
      default: return;
    }
    ev.preventDefault();
  });
  window.addEventListener('resize', () => render());

  // A link may open a chosen view: explorer.html#view=matrix&layer=17&head=3&token=8&scale=log&source=toy
  function fromHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    if (h.get('source') === 'toy') state.source = 1;
    const src = current();
    if (['overview', 'matrix', 'lines'].includes(h.get('view'))) state.view = h.get('view');
    if (SCALES.includes(h.get('scale'))) state.scale = h.get('scale');
    const li = src.layers.indexOf(+h.get('layer'));
    if (h.has('layer') && li >= 0) state.layer = li;
    const head = +h.get('head');
    if (h.has('head') && head >= 0 && head < src.heads) state.head = head;
    const token = +h.get('token');
    if (h.has('token') && token >= 0 && token < src.tokens.length) state.token = token;
    state.large = h.get('large') === '1';
  }
  fromHash();
  render();
  root.dataset.firstRenderMs = String(Math.round(performance.now())); // parsed, decoded and drawn
  // Time to first paint, for the benchmark: the frame after the first render has been drawn.
  requestAnimationFrame(() => requestAnimationFrame(() => { root.dataset.firstPaintMs = String(Math.round(performance.now())); }));
})();
