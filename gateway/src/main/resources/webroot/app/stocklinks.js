// The connections in the stock (stock.js), nested under their source in order with their phrases.
// Each has a ⠿ handle (drag it among its source's connections), its text (Enter opens the coto,
// Alt+↑ / Alt+↓ moves the connection), "Edit the phrase" (a box in place: Enter saves, Escape or
// leaving it cancels, empty removes the phrase) and ✕ (disconnect). A change shows at once and is
// sent (PUT /api/graph/connections/{id}, or the source's whole order to PUT /api/graph/cotos/{id}/order);
// the server's answer settles it, and a failure reads the stock again and says why.

import { api } from './api.js';
import { $, el } from './dom.js';
import { t } from './i18n.js';
import { showError } from './problems.js';

export class StockLinks {
  /** `stock` is the Stock drawing them; `label(coto, max)` what a coto shows. */
  constructor(stock, label) {
    this.stock = stock;
    this.label = label;
    this.input = null; // the phrase box while one is open
  }

  /** Whether a phrase is being edited (the stock then waits before reading itself again). */
  get editing() {
    return Boolean(this.input && this.input.isConnected);
  }

  /** The connections out of a coto, nested under pin `pinId`; a coto met again on its own branch is marked ↩ and not followed. */
  branch(cotoId, cotos, out, path, pinId) {
    const links = (out.get(cotoId) || []).filter((connection) => cotos.has(connection.targetId));
    if (links.length === 0) return null; // (a target the stock did not reach, by depth or rights, is not shown)
    const list = el('ul', { class: 'connections', 'data-source-id': cotoId });
    links.forEach((connection, index) => {
      const target = cotos.get(connection.targetId);
      const again = path.has(target.id);
      const item = this.item(connection, target, again, pinId, index, links.length);
      if (!again) {
        const deeper = this.branch(target.id, cotos, out, new Set([...path, target.id]), pinId);
        if (deeper) item.append(deeper);
      }
      list.append(item);
    });
    return list;
  }

  item(connection, target, again, pinId, index, count) {
    const name = this.label(target, 40);
    const text = el('span', { class: 'stock-text', tabindex: 0, role: 'button', text: this.label(target),
      'aria-keyshortcuts': 'Alt+ArrowUp Alt+ArrowDown' });
    const what = el('span', { class: 'link-what' },
      connection.linkingPhrase ? el('span', { class: 'phrase', text: connection.linkingPhrase }) : null, text);
    text.addEventListener('click', () => this.stock.open(target));
    text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.stock.open(target);
      if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        event.preventDefault();
        const to = index + (event.key === 'ArrowUp' ? -1 : 1);
        if (to >= 0 && to < count) this.move(connection, to, pinId);
      }
    });
    const button = (action, label, icon, onClick) => {
      const b = el('button', { type: 'button', class: 'ghost small icon', 'data-action': action, title: label,
        'aria-label': `${label}: ${name}` }, el('span', { 'aria-hidden': 'true', text: icon }));
      b.addEventListener('click', onClick);
      return b;
    };
    const item = el('li', { class: 'stock-link', 'data-connection-id': connection.id, 'data-coto-id': target.id });
    const row = el('div', { class: 'link-row' },
      el('span', { class: 'drag-handle', 'aria-hidden': 'true', title: t('dragToMove'), text: '⠿' }),
      el('span', { class: 'arrow', 'aria-hidden': 'true', text: again ? '↩' : '→' }), what,
      el('span', { class: 'pin-tools' },
        button('relabel', t('editPhrase'), '✎', () => this.edit(what, connection, pinId)),
        button('disconnect', t('disconnect'), '✕', () => this.stock.disconnect(connection))));
    item.append(row);
    return item;
  }

  /** Opens the phrase box in place of the phrase. */
  edit(what, connection, pinId) {
    if (this.editing) this.input.blur();
    const phrase = what.querySelector('.phrase');
    const focus = { pinId, connectionId: connection.id, action: 'relabel' };
    const input = el('input', { type: 'text', class: 'phrase-input', maxlength: 200, 'aria-label': t('phraseLabel'),
      placeholder: t('phraseNone'), title: t('phraseHint'), enterkeyhint: 'done' });
    input.value = connection.linkingPhrase || '';
    const close = (save) => {
      if (this.input !== input) return;
      this.input = null;
      const value = input.value.trim();
      if (save && value !== (connection.linkingPhrase || '')) {
        this.relabel(connection, value || null, focus);
      } else {
        input.replaceWith(...(phrase ? [phrase] : []));
        if (save !== null) this.stock.focus(focus);
      }
      this.stock.editingDone();
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === 'Escape') {
        event.preventDefault();
        close(event.key === 'Enter');
      }
    });
    input.addEventListener('blur', () => close(null)); // leaving the box cancels, the focus going where it went
    if (phrase) phrase.replaceWith(input);
    else what.prepend(input);
    this.input = input;
    input.focus();
    input.select();
  }

  /** The connections out of a coto, in their order. */
  ordered(sourceId) {
    return this.stock.data.connections.filter((c) => c.sourceId === sourceId).sort((a, b) => a.position - b.position);
  }

  /** Moves a connection to place `to` among the ones its source shows, keeping the focus on it. */
  move(connection, to, pinId) {
    const shown = new Set(this.stock.data.cotos.map((coto) => coto.id));
    const ids = this.ordered(connection.sourceId).filter((c) => shown.has(c.targetId)).map((c) => c.id);
    ids.splice(ids.indexOf(connection.id), 1);
    ids.splice(to, 0, connection.id);
    this.reorder(connection.sourceId, ids, { pinId, connectionId: connection.id });
  }

  /** Puts the shown connections out of `sourceId` in the order `shownIds`, any not shown keeping their places. */
  async reorder(sourceId, shownIds, focus) {
    const all = this.ordered(sourceId);
    const moved = new Set(shownIds);
    const next = [...shownIds];
    const ids = all.map((c) => (moved.has(c.id) ? next.shift() : c.id));
    const byId = new Map(all.map((c) => [c.id, c]));
    this.change(sourceId, ids.map((id, position) => ({ ...byId.get(id), position })), focus);
    await this.send(sourceId, api.orderConnections(sourceId, ids).then((answer) => answer.connections), focus);
  }

  async relabel(connection, linkingPhrase, focus) {
    this.change(connection.sourceId, this.ordered(connection.sourceId)
      .map((c) => (c.id === connection.id ? { ...c, linkingPhrase } : c)), focus);
    await this.send(connection.sourceId, api.relabel(connection.id, linkingPhrase).then((answer) => [answer]), focus);
  }

  /** Shows a source's connections changed at once. */
  change(sourceId, connections, focus) {
    const data = this.stock.data;
    data.connections = [...data.connections.filter((c) => c.sourceId !== sourceId), ...connections];
    this.stock.render(focus);
  }

  /** Settles a change by the connections the server answers, or, when it fails, by the stock read again. */
  async send(sourceId, request, focus) {
    const data = this.stock.data;
    try {
      const answered = new Map((await request).map((c) => [c.id, c]));
      showError($('stock-error'), null);
      if (this.stock.data !== data) return; // read again meanwhile: that is newer
      const shown = this.fingerprint(sourceId);
      data.connections = data.connections.map((c) => answered.get(c.id) || c);
      if (this.fingerprint(sourceId) !== shown) this.stock.render(this.stock.list.contains(document.activeElement) ? focus : null);
    } catch (error) {
      await this.stock.load(focus);
      showError($('stock-error'), error);
    }
  }

  fingerprint(sourceId) {
    return JSON.stringify(this.ordered(sourceId).map((c) => [c.id, c.linkingPhrase || null]));
  }
}
