// The repost dialog: show a coto in one more of my cotonomas (POST /api/cotos/{id}/reposts).
// The repost links back to the original: it reads the original's text and goes when it goes.

import { api } from './api.js';
import { $, el } from './dom.js';
import { showError } from './problems.js';

export class RepostDialog {
  /**
   * @param cotonomas () => a promise of my cotonomas, read afresh
   * @param reposted (repost) => void, called with the repost once made
   */
  constructor(cotonomas, reposted) {
    this.cotonomas = cotonomas;
    this.reposted = reposted;
    this.coto = null;
    $('repost-form').addEventListener('submit', (event) => this.send(event));
  }

  /** Opens the dialog for a coto, offering every cotonoma of mine but the one it is in. */
  async open(coto) {
    this.coto = coto;
    const original = coto.repostOf ? null : coto.cotonomaKey;
    const choices = (await this.cotonomas()).filter((cotonoma) => cotonoma.key !== original);
    $('repost-target').replaceChildren(...choices.map((cotonoma) => el('option', { value: cotonoma.key, text: cotonoma.name })));
    $('repost-send').disabled = choices.length === 0;
    showError($('repost-error'), null);
    $('repost-dialog').showModal();
    $('repost-target').focus();
  }

  async send(event) {
    event.preventDefault();
    const key = $('repost-target').value;
    if (!this.coto || !key) return;
    try {
      const repost = await api.repost(this.coto.id, key);
      $('repost-dialog').close();
      this.reposted(repost);
    } catch (error) {
      showError($('repost-error'), error);
    }
  }
}
