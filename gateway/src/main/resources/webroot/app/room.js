// The room shown (home, or a cotonoma): its breadcrumbs, title and the buttons of who may manage
// it, and the dialogs those open: a new cotonoma here, renaming or deleting the one shown.

import { api } from './api.js';
import { $, el, show } from './dom.js';
import { t } from './i18n.js';
import { showError } from './problems.js';

export class Room {
  /** `page`: the page's state, rooms, timeline and navigate. */
  constructor(page) {
    this.page = page;
  }

  wire() {
    $('new-cotonoma-button').addEventListener('click', () => this.openNewCotonoma());
    $('cotonoma-form').addEventListener('submit', (event) => this.submitCotonoma(event));
    $('rename-cotonoma-button').addEventListener('click', () => this.openRename());
    $('rename-form').addEventListener('submit', (event) => this.submitRename(event));
    $('delete-cotonoma-button').addEventListener('click', () => this.deleteCotonoma());
  }

  render() {
    const { state, navigate } = this.page;
    const crumbs = $('breadcrumbs');
    crumbs.replaceChildren();
    const cotonoma = state.cotonoma;
    if (state.key) {
      const path = [{ href: '/', name: t('home') }]
        .concat((cotonoma ? cotonoma.breadcrumbs || [] : []).map((c) => ({ href: `/cotonomas/${c.key}`, name: c.name })));
      const list = el('ol');
      for (const crumb of path) {
        const link = el('a', { href: crumb.href, text: crumb.name });
        link.addEventListener('click', (event) => {
          if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          navigate(crumb.href);
        });
        list.append(el('li', {}, link));
      }
      if (cotonoma) list.append(el('li', { 'aria-current': 'page', text: cotonoma.name }));
      crumbs.append(list);
    }
    show(crumbs, Boolean(state.key));
    document.body.classList.toggle('in-cotonoma', Boolean(state.key));
    const title = state.key ? (cotonoma ? cotonoma.name : '…') : t('home');
    $('room-title').textContent = title;
    document.title = state.key ? `${title} · Cotoami` : 'Cotoami';
    show($('new-cotonoma-button'), Boolean(state.user));
    // The stock of this cotonoma (or of my home) as an outline file: GET /api/graph/stock.md.
    $('export-stock').href = `/api/graph/stock.md${state.key ? `?cotonomaKey=${encodeURIComponent(state.key)}` : ''}`;
    show($('export-stock'), Boolean(state.user));
    const manages = Boolean(state.user && cotonoma && cotonoma.managed);
    show($('members-button'), manages);
    show($('rename-cotonoma-button'), manages);
    show($('delete-cotonoma-button'), manages);
    show($('anonymous-note'), state.sessionKnown && !state.user);
  }

  openRename() {
    const { state } = this.page;
    $('rename-input').value = state.cotonoma ? state.cotonoma.name : '';
    showError($('rename-error'), null);
    $('rename-dialog').showModal();
    $('rename-input').select();
  }

  async submitRename(event) {
    event.preventDefault();
    const { state, rooms } = this.page;
    const name = $('rename-input').value.trim();
    if (!name || !state.key) return;
    try {
      const renamed = await api.renameCotonoma(state.key, name);
      $('rename-dialog').close();
      if (state.cotonoma && renamed.key === state.key) {
        state.cotonoma.name = renamed.name;
        this.render();
      }
      rooms.refresh();
    } catch (error) {
      showError($('rename-error'), error);
    }
  }

  async deleteCotonoma() {
    const { state, rooms, navigate } = this.page;
    if (!state.cotonoma || !window.confirm(t('confirmDeleteCotonoma', { name: state.cotonoma.name }))) return;
    const parent = state.cotonoma.parentKey;
    try {
      await api.deleteCotonoma(state.key);
      showError($('action-error'), null);
      rooms.refresh();
      navigate(parent ? `/cotonomas/${parent}` : '/');
    } catch (error) {
      showError($('action-error'), error);
    }
  }

  openNewCotonoma() {
    $('cotonoma-name').value = '';
    showError($('cotonoma-error'), null);
    $('cotonoma-dialog').showModal();
    $('cotonoma-name').focus();
  }

  async submitCotonoma(event) {
    event.preventDefault();
    const { state, timeline } = this.page;
    const name = $('cotonoma-name').value.trim();
    if (!name) return;
    try {
      const created = await api.createCotonoma(name, state.key || undefined);
      $('cotonoma-dialog').close();
      timeline.put([created.coto]);
    } catch (error) {
      showError($('cotonoma-error'), error);
    }
  }
}
