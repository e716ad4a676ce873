// "Connect" on a coto: the dialog names the chosen coto, offers the other cotos on the page (the
// timeline's and the stock's) as the target, and an optional linking phrase
// (POST /api/graph/connections, with a client id per attempt so a retry cannot connect twice).

import { api } from './api.js';
import { $, el } from './dom.js';
import { cotoLabel } from './stock.js';
import { showError } from './problems.js';

export class ConnectDialog {
  /** `candidates()` are the cotos one may connect to; `connected(connection)` follows a success. */
  constructor(candidates, connected) {
    this.candidates = candidates;
    this.connected = connected;
    this.source = null;
    this.clientId = null;
    this.dialog = $('connect-dialog');
    $('connect-form').addEventListener('submit', (event) => this.submit(event));
  }

  open(source) {
    this.source = source;
    this.clientId = crypto.randomUUID();
    $('connect-source').textContent = cotoLabel(source, 200);
    const seen = new Set([source.id]);
    const options = [];
    for (const coto of this.candidates()) {
      if (seen.has(coto.id)) continue;
      seen.add(coto.id);
      options.push(el('option', { value: coto.id, text: cotoLabel(coto, 100) }));
    }
    $('connect-target').replaceChildren(...options);
    $('connect-send').disabled = options.length === 0;
    $('connect-none').hidden = options.length > 0;
    $('connect-phrase').value = '';
    showError($('connect-error'), null);
    this.dialog.showModal();
    $('connect-target').focus();
  }

  async submit(event) {
    event.preventDefault();
    const target = $('connect-target').value;
    if (!this.source || !target) return;
    $('connect-send').disabled = true;
    try {
      const connection = await api.connect(this.source.id, target, $('connect-phrase').value.trim(), this.clientId);
      this.dialog.close();
      this.connected(connection);
    } catch (error) {
      showError($('connect-error'), error);
    } finally {
      $('connect-send').disabled = false;
    }
  }
}
