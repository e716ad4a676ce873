// Personal access tokens (issue 19): the signed-in person makes one for a script (named, read or
// read-write, with an optional expiry), sees it once to copy it, lists and revokes them. The token
// is only ever in this dialog's copy box, cleared when the dialog closes; the API cannot show it again.

import { api } from './api.js';
import { $, el, show } from './dom.js';
import { dateFormat, t } from './i18n.js';
import { showError } from './problems.js';

export class TokensDialog {
  constructor() {
    this.dialog = $('tokens-dialog');
    $('tokens-form').addEventListener('submit', (event) => this.create(event));
    $('token-copy').addEventListener('click', () => this.copy());
    this.dialog.addEventListener('close', () => this.forget());
  }

  async open() {
    this.forget();
    showError($('tokens-error'), null);
    $('token-name').value = '';
    $('token-expires').value = '';
    $('token-expires').min = new Date().toISOString().slice(0, 10);
    $('token-scope-read').checked = true;
    this.dialog.showModal();
    $('token-name').focus();
    await this.refresh();
  }

  /** The token shown once goes from the page when the dialog closes. */
  forget() {
    $('token-value').value = '';
    $('token-copied').textContent = '';
    show($('token-created'), false);
  }

  async refresh() {
    try {
      const answer = await api.tokens();
      this.render(answer.tokens);
    } catch (error) {
      showError($('tokens-error'), error);
    }
  }

  render(tokens) {
    const list = $('tokens-list');
    list.replaceChildren(...tokens.map((token) => this.row(token)));
    show($('tokens-empty'), tokens.length === 0);
  }

  row(token) {
    const when = (at) => dateFormat.format(new Date(at));
    const facts = [
      token.scope === 'read' ? t('scopeRead') : t('scopeReadWrite'),
      t('tokenCreated', { at: when(token.createdAt) }),
      token.expiresAt ? t('tokenExpiresAt', { at: when(token.expiresAt) }) : t('tokenNeverExpires'),
      token.lastUsedAt ? t('tokenLastUsed', { at: when(token.lastUsedAt) }) : t('tokenNeverUsed'),
    ];
    const revoke = el('button', { type: 'button', class: 'ghost small danger revoke', text: t('revoke'),
      'aria-label': t('revokeNamed', { name: token.name }) });
    revoke.addEventListener('click', () => this.revoke(token));
    return el('li', { 'data-id': token.id, 'data-name': token.name },
      el('div', { class: 'token-info' }, el('strong', { class: 'token-name', text: token.name }),
        el('span', { class: 'muted token-facts', text: facts.join(' · ') })),
      revoke);
  }

  async create(event) {
    event.preventDefault();
    const name = $('token-name').value.trim();
    if (!name) {
      $('token-name').focus();
      return;
    }
    const scope = $('token-scope-write').checked ? 'read-write' : 'read';
    const day = $('token-expires').value;
    // The end of the chosen day, where the person is.
    const expiresAt = day ? new Date(`${day}T23:59:59`).toISOString() : undefined;
    this.forget();
    try {
      const created = await api.createToken(name, scope, expiresAt);
      showError($('tokens-error'), null);
      $('token-name').value = '';
      $('token-expires').value = '';
      $('token-value').value = created.token;
      show($('token-created'), true);
      $('token-value').focus();
      $('token-value').select();
      await this.refresh();
    } catch (error) {
      showError($('tokens-error'), error);
    }
  }

  async copy() {
    const box = $('token-value');
    try {
      await navigator.clipboard.writeText(box.value);
    } catch (error) {
      box.select();
      document.execCommand('copy');
    }
    $('token-copied').textContent = t('copied');
  }

  async revoke(token) {
    if (!window.confirm(t('confirmRevoke', { name: token.name }))) return;
    try {
      await api.revokeToken(token.id);
      showError($('tokens-error'), null);
      await this.refresh();
    } catch (error) {
      showError($('tokens-error'), error);
    }
  }
}
