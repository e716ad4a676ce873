// The stock of the page's cotonoma (or of my home), beside its timeline: the pins as an outline,
// each coto's connections nested under it in their order with their linking phrases
// (GET /api/graph/stock). Pins move by drag (the ⠿ handle), by Move up / Move down, or by
// Alt+Arrow on a pin; the new order is sent whole (PUT /api/graph/stock/order). The connections'
// own controls (phrase, order) are stocklinks.js's. Another viewer's change arrives as a graph
// event of the timeline, and the stock is read again.

import { api } from './api.js';
import { $, el, show } from './dom.js';
import { t } from './i18n.js';
import { renderMarkdown } from './markdown.js';
import { showError } from './problems.js';
import { dragToReorder } from './stockdrag.js';
import { StockLinks } from './stocklinks.js';

const ICONS = { up: '↑', down: '↓', unpin: '✕' };
const RELOAD_AFTER_MS = 120; // several events of one change (a pin and its reorder) read the stock once

/** A coto's markdown as the words a reader sees (in an inert document: nothing loads or runs). */
function plain(markdown) {
  const html = renderMarkdown(markdown).replace(/<\/(p|li|h[1-6]|blockquote|pre)>|<br>/g, '$& ');
  return new DOMParser().parseFromString(html, 'text/html').body.textContent.replace(/\s+/g, ' ').trim();
}

/** What a coto shows in the stock and the graph: a cotonoma's name, else its summary or its text. */
export function cotoLabel(coto, max = 140) {
  if (!coto) return '…';
  if (coto.cotonoma) return `◎ ${coto.cotonoma.name}`;
  const text = coto.summary ? coto.summary.trim() : plain(coto.content || '');
  return [...text].length > max ? `${[...text].slice(0, max).join('')}…` : text;
}

export class Stock {
  /** `here()` is the cotonoma key shown (null on home); `open(coto)` shows a coto of the stock. */
  constructor(here, open) {
    this.here = here;
    this.open = open;
    this.signedIn = false;
    this.data = null;
    this.generation = 0;
    this.timer = null;
    this.list = $('stock-list');
    this.changed = () => {}; // after the stock is drawn anew (or cleared)
    this.stale = false; // live events came while a phrase was being edited
    this.links = new StockLinks(this, cotoLabel);
    dragToReorder(this.list, (list, ids) => (list === this.list
      ? this.reorder(ids, null) : this.links.reorder(list.dataset.sourceId, ids, null)));
  }

  start(signedIn) {
    this.signedIn = signedIn;
    if (!signedIn) this.clear();
  }

  clear() {
    this.generation++;
    this.data = null;
    this.list.replaceChildren();
    show($('stock-empty'), false);
    showError($('stock-error'), null);
    this.changed();
  }

  /** Whether a coto is pinned in the stock shown. */
  pinned(cotoId) {
    return Boolean(this.data && this.data.pins.some((pin) => pin.cotoId === cotoId));
  }

  /** Unpins a coto from the stock shown; answers the problem, or null. */
  async unpinCoto(cotoId) {
    const pin = this.data && this.data.pins.find((p) => p.cotoId === cotoId);
    if (!pin) return null;
    let problem = null;
    try {
      await api.unpin(pin.id);
    } catch (error) {
      problem = error;
    }
    await this.load();
    return problem;
  }

  /** The cotos of the stock, for the Connect dialog. */
  cotos() {
    return this.data ? this.data.cotos : [];
  }

  has(cotoId) {
    return Boolean(this.data && this.data.cotos.some((coto) => coto.id === cotoId));
  }

  /** Reads the stock again soon (after live events); not while a phrase is being edited, but when that ends. */
  reloadSoon() {
    clearTimeout(this.timer);
    if (this.links.editing) {
      this.stale = true;
      return;
    }
    this.timer = setTimeout(() => this.load(), RELOAD_AFTER_MS);
  }

  editingDone() {
    if (!this.stale) return;
    this.stale = false;
    this.reloadSoon();
  }

  async load(focus = null) {
    if (!this.signedIn) return;
    const generation = ++this.generation;
    const key = this.here();
    try {
      const data = await api.stock(key);
      if (generation !== this.generation || key !== this.here()) return;
      this.data = data;
      showError($('stock-error'), null);
      this.render(focus);
    } catch (error) {
      if (generation === this.generation) showError($('stock-error'), error);
    }
  }

  /** Pins a coto into the stock shown; answers the problem, or null. */
  async pin(coto) {
    let problem = null;
    try {
      await api.pin(coto.id, this.here());
    } catch (error) {
      problem = error;
      if (error.slug !== 'already-pinned') return problem;
    }
    await this.load();
    return problem;
  }

  async unpin(pin) {
    await this.settle(api.unpin(pin.id));
  }

  async disconnect(connection) {
    await this.settle(api.disconnect(connection.id));
  }

  /** Reads the stock again after a change, then says the change's problem (a read clears the old one). */
  async settle(change) {
    let problem = null;
    try {
      await change;
    } catch (error) {
      problem = error;
    }
    await this.load();
    if (problem) showError($('stock-error'), problem);
  }

  pins() {
    return this.data ? [...this.data.pins].sort((a, b) => a.position - b.position) : [];
  }

  /** Moves the pin at `index` by `delta` places, keeping the focus on it (`focus` names what). */
  move(index, delta, focus) {
    const ids = this.pins().map((pin) => pin.id);
    const to = index + delta;
    if (to < 0 || to >= ids.length) return;
    const [id] = ids.splice(index, 1);
    ids.splice(to, 0, id);
    this.reorder(ids, { pinId: id, action: focus });
  }

  async reorder(pinIds, focus) {
    const byId = new Map(this.data.pins.map((pin) => [pin.id, pin]));
    // Shown at once in the new order; the server's answer (or a failure) settles it.
    this.data.pins = pinIds.map((id, position) => ({ ...byId.get(id), position }));
    this.render(focus);
    try {
      await api.orderStock(this.here(), pinIds);
      showError($('stock-error'), null);
    } catch (error) {
      await this.load();
      showError($('stock-error'), error);
    }
  }

  render(focus) {
    const cotos = new Map(this.data.cotos.map((coto) => [coto.id, coto]));
    const out = new Map();
    for (const connection of this.data.connections) {
      if (!out.has(connection.sourceId)) out.set(connection.sourceId, []);
      out.get(connection.sourceId).push(connection);
    }
    for (const list of out.values()) list.sort((a, b) => a.position - b.position);
    const pins = this.pins();
    this.list.replaceChildren(...pins.map((pin, index) => this.pinItem(pin, index, pins.length, cotos, out)));
    show($('stock-empty'), pins.length === 0);
    this.changed();
    if (focus) this.focus(focus);
  }

  /** Focuses a pin's (or, with `connectionId`, one of its connections') button `action`, else its text. */
  focus({ pinId, connectionId, action }) {
    let item = pinId ? this.list.querySelector(`li[data-pin-id="${CSS.escape(pinId)}"]`) : null;
    if (item && connectionId) item = item.querySelector(`li[data-connection-id="${CSS.escape(connectionId)}"]`);
    const row = item && item.firstElementChild;
    const button = row && action ? row.querySelector(`[data-action="${action}"]:not(:disabled)`) : null;
    const target = button || (row && row.querySelector('.stock-text'));
    if (target) target.focus();
  }

  pinItem(pin, index, count, cotos, out) {
    const coto = cotos.get(pin.cotoId);
    const text = el('span', { class: 'stock-text', tabindex: 0, role: 'button', text: cotoLabel(coto),
      'aria-keyshortcuts': 'Alt+ArrowUp Alt+ArrowDown' });
    text.addEventListener('click', () => this.open(coto));
    text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.open(coto);
      if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        event.preventDefault();
        this.move(index, event.key === 'ArrowUp' ? -1 : 1, null);
      }
    });
    const button = (action, label, disabled, onClick) => {
      const b = el('button', { type: 'button', class: 'ghost small icon', 'data-action': action, title: label,
        'aria-label': `${label}: ${cotoLabel(coto, 40)}`, disabled }, el('span', { 'aria-hidden': 'true', text: ICONS[action] }));
      b.addEventListener('click', onClick);
      return b;
    };
    const row = el('div', { class: 'pin-row' },
      el('span', { class: 'drag-handle', 'aria-hidden': 'true', title: t('dragToMove'), text: '⠿' }), text,
      el('span', { class: 'pin-tools' },
        button('up', t('moveUp'), index === 0, () => this.move(index, -1, 'up')),
        button('down', t('moveDown'), index === count - 1, () => this.move(index, 1, 'down')),
        button('unpin', t('unpin'), false, () => this.unpin(pin))));
    const item = el('li', { class: 'pin', 'data-pin-id': pin.id, 'data-coto-id': pin.cotoId }, row);
    const branch = this.links.branch(pin.cotoId, cotos, out, new Set([pin.cotoId]), pin.id);
    if (branch) item.append(branch);
    return item;
  }
}
