// The graph view of the page's cotonoma (GET /api/graph/cotonomas/{key}; on home, the stock's
// graph): cotos as nodes, connections as directed edges labelled with their phrases, in
// hand-written SVG (layout: graphlayout.js). Pan by dragging or the arrow keys, zoom with the
// wheel or the +/- buttons; a click on a node, or Enter on a focused one, opens that coto.

import { api } from './api.js';
import { $, el, show } from './dom.js';
import { t } from './i18n.js';
import { renderMarkdown } from './markdown.js';
import { showError } from './problems.js';
import { NODE, layout } from './graphlayout.js';
import { cotoLabel } from './stock.js';

const SVG = 'http://www.w3.org/2000/svg';
const PAD = 30;
const LINE = 20; // characters on a line of a node's label

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** A label cut into at most two lines. */
function lines(label) {
  const chars = [...label.replace(/\s+/g, ' ')];
  if (chars.length <= LINE) return [chars.join('')];
  // Broken at the last space of the first line when there is one (Japanese has none: at LINE).
  const space = chars.slice(0, LINE + 1).lastIndexOf(' ');
  const cut = space > LINE / 2 ? space : LINE;
  const rest = chars.slice(cut).join('').trim();
  const second = [...rest].length > LINE ? `${[...rest].slice(0, LINE - 1).join('')}…` : rest;
  return [chars.slice(0, cut).join(''), second];
}

export class Graph {
  /** `here()` is the cotonoma key shown (null on home); `open(coto)` opens a coto in the timeline. */
  constructor(here, open) {
    this.here = here;
    this.open = open;
    this.visible = false;
    this.generation = 0;
    this.view = null; // {x, y, w, h}: the viewBox
    this.fit = null;
    this.data = null;
    this.svg = $('graph-svg');
    this.wire();
  }

  wire() {
    $('graph-zoom-in').addEventListener('click', () => this.zoom(0.8));
    $('graph-zoom-out').addEventListener('click', () => this.zoom(1.25));
    $('graph-reset').addEventListener('click', () => this.setView({ ...this.fit }));
    this.svg.addEventListener('wheel', (event) => {
      event.preventDefault();
      this.zoom(event.deltaY < 0 ? 0.9 : 1.1);
    }, { passive: false });
    this.svg.addEventListener('keydown', (event) => this.key(event));
    let pan = null;
    this.svg.addEventListener('pointerdown', (event) => {
      if (event.button !== 0 || event.target.closest('g.node') || !this.view) return;
      pan = { id: event.pointerId, x: event.clientX, y: event.clientY, view: { ...this.view } };
      this.svg.setPointerCapture(event.pointerId);
      this.svg.classList.add('panning');
    });
    this.svg.addEventListener('pointermove', (event) => {
      if (!pan || event.pointerId !== pan.id) return;
      const scale = pan.view.w / Math.max(1, this.svg.clientWidth);
      this.setView({ ...pan.view, x: pan.view.x - (event.clientX - pan.x) * scale, y: pan.view.y - (event.clientY - pan.y) * scale });
    });
    const end = () => {
      pan = null;
      this.svg.classList.remove('panning');
    };
    this.svg.addEventListener('pointerup', end);
    this.svg.addEventListener('pointercancel', end);
  }

  key(event) {
    const node = event.target.closest && event.target.closest('g.node');
    if (node && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      this.choose(node.dataset.id);
      return;
    }
    const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (steps[event.key] && this.view) {
      event.preventDefault();
      const [dx, dy] = steps[event.key];
      this.setView({ ...this.view, x: this.view.x + dx * this.view.w * 0.1, y: this.view.y + dy * this.view.h * 0.1 });
    } else if (event.key === '+' || event.key === '=') {
      this.zoom(0.8);
    } else if (event.key === '-') {
      this.zoom(1.25);
    }
  }

  setVisible(visible) {
    this.visible = visible;
    if (visible) this.load();
  }

  clear() {
    this.generation++;
    this.data = null;
    this.svg.replaceChildren();
    $('graph-detail').replaceChildren();
    show($('graph-empty'), false);
  }

  reloadSoon() {
    if (!this.visible) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), 150);
  }

  async load() {
    const generation = ++this.generation;
    const key = this.here();
    try {
      const data = key ? await api.subgraph(key) : await api.stock(null);
      if (generation !== this.generation || key !== this.here()) return;
      this.data = data;
      showError($('graph-error'), null);
      this.render();
    } catch (error) {
      if (generation === this.generation) showError($('graph-error'), error);
    }
  }

  render() {
    const { cotos, connections } = this.data;
    const keep = this.view && this.svg.childElementCount > 0;
    const placed = layout(cotos.map((coto) => coto.id), connections);
    const defs = svg('defs');
    const marker = svg('marker', { id: 'graph-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8,
      markerHeight: 8, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }));
    defs.append(marker);
    const edges = svg('g', { class: 'edges' });
    const byId = new Map(cotos.map((coto) => [coto.id, coto]));
    for (const connection of connections) {
      const from = placed.positions.get(connection.sourceId);
      const to = placed.positions.get(connection.targetId);
      if (!from || !to) continue;
      edges.append(this.edge(connection, from, to, byId));
    }
    const nodes = svg('g', { class: 'nodes' });
    for (const coto of cotos) nodes.append(this.node(coto, placed.positions.get(coto.id)));
    this.svg.replaceChildren(defs, edges, nodes);
    show($('graph-empty'), cotos.length === 0);
    this.fit = { x: -PAD, y: -PAD, w: placed.width + 2 * PAD, h: placed.height + 2 * PAD };
    if (!keep) this.setView({ ...this.fit });
    if (this.chosen && byId.has(this.chosen)) this.mark(this.chosen);
  }

  edge(connection, from, to, byId) {
    const x1 = from.x + NODE.width / 2;
    const y1 = from.y + NODE.height;
    const x2 = to.x + NODE.width / 2;
    const y2 = to.y;
    const down = y2 > y1;
    // Downwards a gentle curve; upwards or sideways (a cycle, a link within a layer) a wider one.
    const bend = down ? (y2 - y1) / 2 : NODE.gapY;
    const d = `M ${x1} ${y1} C ${x1} ${y1 + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`;
    const phrase = connection.linkingPhrase;
    const source = cotoLabel(byId.get(connection.sourceId), 40);
    const target = cotoLabel(byId.get(connection.targetId), 40);
    const group = svg('g', { class: 'edge', 'data-connection-id': connection.id });
    group.append(svg('title', {}, phrase ? `${source} → ${phrase} → ${target}` : `${source} → ${target}`));
    group.append(svg('path', { d, 'marker-end': 'url(#graph-arrow)' }));
    if (phrase) {
      const label = [...phrase].length > 24 ? `${[...phrase].slice(0, 24).join('')}…` : phrase;
      group.append(svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2, class: 'edge-label', 'text-anchor': 'middle' }, label));
    }
    return group;
  }

  node(coto, at) {
    const label = cotoLabel(coto, 60);
    const group = svg('g', { class: 'node', 'data-id': coto.id, tabindex: 0, role: 'button', 'aria-label': label,
      transform: `translate(${at.x} ${at.y})` });
    group.append(svg('rect', { width: NODE.width, height: NODE.height, rx: 10 }));
    const text = svg('text', { x: NODE.width / 2, y: NODE.height / 2, 'text-anchor': 'middle' });
    const rows = lines(label);
    rows.forEach((row, i) => text.append(svg('tspan', { x: NODE.width / 2, dy: i === 0 ? `${0.35 - (rows.length - 1) * 0.6}em` : '1.2em' }, row)));
    group.append(text);
    group.addEventListener('click', () => this.choose(coto.id));
    return group;
  }

  /** Marks a node and shows its coto under the graph; the timeline marks it too. */
  choose(id) {
    const coto = this.data && this.data.cotos.find((c) => c.id === id);
    if (!coto) return;
    this.chosen = id;
    this.mark(id);
    const detail = $('graph-detail');
    const body = el('div', { class: 'coto-body' });
    if (coto.cotonoma) body.textContent = cotoLabel(coto);
    else body.innerHTML = renderMarkdown(coto.content); // escape-first: see markdown.js
    const summary = coto.summary && !coto.cotonoma ? el('div', { class: 'summary', text: coto.summary }) : null;
    const go = el('button', { type: 'button', class: 'ghost small', id: 'graph-show', text: t('showInTimeline') });
    go.addEventListener('click', () => this.open(coto, true));
    detail.replaceChildren(el('div', { class: 'graph-coto' }, summary, body, go));
    this.open(coto, false);
  }

  mark(id) {
    for (const node of this.svg.querySelectorAll('g.node')) node.classList.toggle('chosen', node.dataset.id === id);
  }

  zoom(factor) {
    if (!this.view) return;
    const { x, y, w, h } = this.view;
    const nw = Math.min(Math.max(w * factor, 100), 20000);
    const nh = (h * nw) / w;
    this.setView({ x: x + (w - nw) / 2, y: y + (h - nh) / 2, w: nw, h: nh });
  }

  setView(view) {
    if (!view) return;
    this.view = view;
    this.svg.setAttribute('viewBox', [view.x, view.y, view.w, view.h].map((n) => Math.round(n * 10) / 10).join(' '));
  }
}
