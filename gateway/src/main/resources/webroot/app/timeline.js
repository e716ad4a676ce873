// The list of cotos on screen, newest first, keyed by coto id so that a coto arriving twice (the
// answer to our own post and its live event, a page and a replay) is shown once.

import { avatar, el } from './dom.js';
import { dateFormat, t } from './i18n.js';
import { renderMarkdown } from './markdown.js';

export class Timeline {
  constructor(list, empty, people, navigate) {
    this.list = list;
    this.empty = empty;
    this.people = people; // userId -> {name, avatarUrl}, learned from the session and presence
    this.navigate = navigate;
    this.cotonomaNames = new Map(); // key -> name, learned from cotonoma cotos and pages
    this.here = null; // the key of the cotonoma shown, or null on home
    this.me = null; // the signed-in user's id
    this.moderates = false; // whether they manage the cotonoma shown (may delete others' cotos)
    this.actions = null; // {edit(coto, content, summary), remove(coto)} => Promise
    this.onPut = null; // (cotos) => void, after cotos are shown (to learn who wrote them)
    this.highlighted = null; // the id of the coto marked (opened from search, the stock or the graph)
    this.pinned = () => false; // (cotoId) => whether it is in the stock shown
    this.clear();
  }

  clear() {
    this.items = new Map();
    this.list.replaceChildren();
    this.updateEmpty();
  }

  has(id) {
    return this.items.has(id);
  }

  /** Adds or replaces cotos (any order). */
  put(cotos) {
    for (const coto of cotos) {
      if (coto.cotonoma) this.cotonomaNames.set(coto.cotonoma.key, coto.cotonoma.name);
    }
    for (const coto of cotos) {
      const node = this.render(coto);
      const old = this.items.get(coto.id);
      this.items.set(coto.id, { coto, node });
      if (old) {
        old.node.replaceWith(node);
      } else {
        this.insert(node, coto.postedAt);
      }
    }
    this.updateEmpty();
    if (this.onPut) this.onPut(cotos);
  }

  /** Draws every coto again (after learning who people are). */
  redraw() {
    for (const [id, item] of this.items) {
      const node = this.render(item.coto);
      item.node.replaceWith(node);
      this.items.set(id, { coto: item.coto, node });
    }
  }

  /** Marks one coto (and unmarks the one before); `scroll` brings it into view with the focus. */
  highlight(id, scroll) {
    this.highlighted = id;
    for (const node of this.list.querySelectorAll('.coto.highlighted')) node.classList.remove('highlighted');
    const item = this.items.get(id);
    if (!item) return false;
    item.node.classList.add('highlighted');
    if (scroll) {
      item.node.scrollIntoView({ block: 'center' });
      item.node.focus({ preventScroll: true });
    }
    return true;
  }

  markPin(button, id) {
    const pinned = this.pinned(id);
    button.textContent = pinned ? t('pinned') : t('pin');
    button.setAttribute('aria-pressed', String(pinned));
  }

  /** After the stock changed: each Pin button says whether its coto is pinned now. */
  markPins() {
    for (const [id, item] of this.items) {
      const button = item.node.querySelector('[data-action="pin"]');
      if (button) this.markPin(button, id);
    }
  }

  /** The cotos on screen, newest first. */
  cotos() {
    return [...this.list.children].map((node) => this.items.get(node.dataset.id)).filter(Boolean).map((item) => item.coto);
  }

  remove(id) {
    const item = this.items.get(id);
    if (!item) return;
    item.node.remove();
    this.items.delete(id);
    this.updateEmpty();
  }

  /** Shows a coto being posted, before the server has it; returns handles to settle it. */
  pending(coto) {
    const node = this.render({ ...coto, id: null });
    node.classList.add('pending');
    node.setAttribute('aria-busy', 'true');
    this.list.prepend(node);
    this.updateEmpty();
    return {
      confirm: (saved) => {
        if (this.items.has(saved.id)) {
          node.remove();
        } else {
          const fresh = this.render(saved);
          this.items.set(saved.id, { coto: saved, node: fresh });
          node.replaceWith(fresh);
        }
        this.updateEmpty();
      },
      fail: () => {
        node.remove();
        this.updateEmpty();
      },
    };
  }

  insert(node, postedAt) {
    for (const other of this.list.children) {
      if (!other.classList.contains('pending') && (other.dataset.postedAt || '') < postedAt) {
        other.before(node);
        return;
      }
    }
    this.list.append(node);
  }

  updateEmpty() {
    this.empty.hidden = this.list.children.length > 0;
  }

  render(coto) {
    const author = coto.authorId ? this.people.get(coto.authorId) : null;
    const time = el('time', { datetime: coto.postedAt, text: coto.postedAt ? dateFormat.format(new Date(coto.postedAt)) : t('posting') });
    const head = el('div', { class: 'coto-head' }, avatar(author || this.people.get('me') || null, 28),
      el('span', { class: 'author', text: author ? author.name : '' }), time);
    const where = coto.cotonomaKey && coto.cotonomaKey !== this.here ? this.cotonomaNames.get(coto.cotonomaKey) : null;
    if (where) head.insertBefore(this.link(coto.cotonomaKey, el('span', { text: where }), 'coto-where'), time);
    const item = el('li', { class: 'coto', 'data-id': coto.id, 'data-posted-at': coto.postedAt || '', tabindex: -1 }, head);
    if (coto.id && coto.id === this.highlighted) item.classList.add('highlighted');
    if (coto.cotonoma) {
      item.classList.add('is-cotonoma');
      item.append(this.link(coto.cotonoma.key, el('span', { text: coto.cotonoma.name }), 'cotonoma-link',
        el('span', { class: 'cotonoma-mark', 'aria-hidden': 'true', text: '◎' })));
    } else {
      if (coto.repostOf) item.append(el('div', { class: 'repost-mark', text: t('reposted') }));
      if (coto.summary) item.append(el('div', { class: 'summary', text: coto.summary }));
      const body = el('div', { class: 'coto-body' });
      body.innerHTML = renderMarkdown(coto.content); // escape-first: see markdown.js
      item.append(body);
      if (coto.updatedAt) time.after(el('span', { class: 'edited', text: t('edited') }));
      const tools = this.tools(coto, item);
      if (tools) item.append(tools);
    }
    return item;
  }

  /** Repost, edit and make-a-cotonoma (own cotos), and delete (own, or any in a cotonoma one manages) buttons; null when none. */
  tools(coto, item) {
    if (!coto.id || coto.anonymous || !this.actions || !this.me) return null;
    const mine = coto.authorId === this.me;
    const bar = el('div', { class: 'coto-tools' });
    // Anyone signed in who reads a coto may show it in a cotonoma of theirs.
    const repost = el('button', { type: 'button', class: 'ghost small', 'data-action': 'repost', text: t('repost') });
    repost.addEventListener('click', () => this.actions.repost(coto));
    bar.append(repost);
    // Pin into the stock shown: on home any coto one reads, in a cotonoma the cotos posted in it.
    if (!coto.repostOf && (this.here === null || coto.cotonomaKey === this.here)) {
      const pin = el('button', { type: 'button', class: 'ghost small', 'data-action': 'pin' });
      this.markPin(pin, coto.id);
      // A toggle: "Pinned ✓" unpins. The focus stays on it either way.
      pin.addEventListener('click', async () => {
        if (pin.getAttribute('aria-busy')) return;
        pin.setAttribute('aria-busy', 'true');
        await (this.pinned(coto.id) ? this.actions.unpin(coto) : this.actions.pin(coto));
        pin.removeAttribute('aria-busy');
        this.markPin(pin, coto.id);
      });
      bar.append(pin);
    }
    const connect = el('button', { type: 'button', class: 'ghost small', 'data-action': 'connect', text: t('connect') });
    connect.addEventListener('click', () => this.actions.connect(coto));
    bar.append(connect);
    if (!mine && !(this.moderates && coto.cotonomaKey === this.here)) return bar;
    if (mine && !coto.repostOf) { // a repost shows its original's text: that is edited where it was written
      const edit = el('button', { type: 'button', class: 'ghost small', 'data-action': 'edit', text: t('edit') });
      edit.addEventListener('click', () => this.startEditing(coto, item));
      bar.append(edit);
      // Offered only where it can work: the text, trimmed, is the name (one line, at most 50 characters).
      const name = coto.content.trim();
      if (name && !name.includes('\n') && [...name].length <= 50) {
        const make = el('button', { type: 'button', class: 'ghost small', 'data-action': 'cotonomatize', text: t('cotonomatize') });
        make.addEventListener('click', () => this.actions.cotonomatize(coto));
        bar.append(make);
      }
    }
    const remove = el('button', { type: 'button', class: 'ghost small danger', 'data-action': 'delete', text: t('delete') });
    remove.addEventListener('click', async () => {
      if (!window.confirm(t('confirmDeleteCoto'))) return;
      await this.actions.remove(coto, item);
    });
    bar.append(remove);
    return bar;
  }

  /** Replaces the coto's body by a form in place; Ctrl+Enter saves, Escape cancels. */
  startEditing(coto, item) {
    const summary = el('input', { type: 'text', class: 'edit-summary', maxlength: 200, 'aria-label': t('summaryLabel'),
      placeholder: t('summaryPlaceholder') });
    summary.value = coto.summary || '';
    const content = el('textarea', { class: 'edit-content', rows: 3, maxlength: 2500, 'aria-label': t('edit') });
    content.value = coto.content;
    const error = el('p', { class: 'error', role: 'alert', hidden: true });
    const cancel = el('button', { type: 'button', class: 'ghost small', text: t('cancel') });
    const save = el('button', { type: 'submit', class: 'small', 'data-action': 'save', text: t('save') });
    const form = el('form', { class: 'coto-edit' }, summary, content,
      el('div', { class: 'post-bar' }, el('span', { class: 'hint', text: t('editHint') }), cancel, save), error);
    const original = [...item.children].filter((child) => !child.classList.contains('coto-head'));
    original.forEach((child) => child.remove());
    item.append(form);
    const restore = () => {
      form.remove();
      item.append(...original);
      const again = item.querySelector('[data-action="edit"]');
      if (again) again.focus();
    };
    cancel.addEventListener('click', restore);
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        restore();
      } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (content.value.trim() === '') return;
      save.disabled = true;
      const failure = await this.actions.edit(coto, content.value, summary.value.trim() || null);
      save.disabled = false;
      if (failure) {
        error.textContent = failure;
        error.hidden = false;
      }
    });
    content.focus();
  }

  /** A link to a cotonoma that changes page without reloading (unless opened in a new tab). */
  link(key, label, className, icon = null) {
    const link = el('a', { class: className, href: `/cotonomas/${encodeURIComponent(key)}`, 'data-key': key }, icon, label);
    link.addEventListener('click', (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      this.navigate(link.getAttribute('href'));
    });
    return link;
  }
}
