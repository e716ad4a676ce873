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
  }

  /** Draws every coto again (after learning who people are). */
  redraw() {
    for (const [id, item] of this.items) {
      const node = this.render(item.coto);
      item.node.replaceWith(node);
      this.items.set(id, { coto: item.coto, node });
    }
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
    const item = el('li', { class: 'coto', 'data-id': coto.id, 'data-posted-at': coto.postedAt || '' }, head);
    if (coto.cotonoma) {
      item.classList.add('is-cotonoma');
      item.append(this.link(coto.cotonoma.key, el('span', { text: coto.cotonoma.name }), 'cotonoma-link',
        el('span', { class: 'cotonoma-mark', 'aria-hidden': 'true', text: '◎' })));
    } else {
      if (coto.summary) item.append(el('div', { class: 'summary', text: coto.summary }));
      const body = el('div', { class: 'coto-body' });
      body.innerHTML = renderMarkdown(coto.content); // escape-first: see markdown.js
      item.append(body);
    }
    return item;
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
