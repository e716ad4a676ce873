// "My cotonomas": the ones I own or that are shared with me (GET /api/cotonomas), most recently
// active first, shared ones and ones with news marked. A side list on wide screens; on a phone
// the same list opens from a menu button. Unread marks are the server's (per user, every device).

import { api } from './api.js';
import { $, el, show } from './dom.js';
import { t } from './i18n.js';

const REFRESH_EVERY_MS = 30000;

export class Rooms {
  /** @param navigate (path) => void */
  constructor(navigate) {
    this.navigate = navigate;
    this.signedIn = false;
    this.current = null;
    this.timer = null;
    this.list = []; // as last read: what the repost dialog offers
    $('rooms-toggle').addEventListener('click', () => this.toggle());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.refresh();
    });
  }

  /** Shows the list for a signed-in user (hides it otherwise) and keeps it fresh. */
  start(signedIn) {
    this.signedIn = signedIn;
    show($('rooms'), signedIn);
    show($('rooms-toggle'), signedIn);
    document.body.classList.toggle('with-rooms', signedIn);
    clearInterval(this.timer);
    if (signedIn) {
      this.timer = setInterval(() => this.refresh(), REFRESH_EVERY_MS);
      this.refresh();
    }
  }

  /** The cotonoma shown now (null on home): it is marked, and read. */
  async here(key) {
    this.current = key;
    if (this.signedIn && key) {
      try {
        await api.markRead(key);
      } catch (error) {
        // Not ours to read (yet): the list says what is.
      }
    }
    await this.refresh();
  }

  /** New cotos arrived while this cotonoma is shown: they are read. */
  async seen() {
    if (!this.signedIn || !this.current) return;
    clearTimeout(this.seenTimer);
    this.seenTimer = setTimeout(() => api.markRead(this.current).catch(() => {}), 1000);
  }

  async refresh() {
    if (!this.signedIn) return;
    try {
      const page = await api.myCotonomas(null);
      this.render(page.cotonomas);
    } catch (error) {
      // Kept as it was; the next refresh tries again.
    }
  }

  render(cotonomas) {
    this.list = cotonomas;
    const list = $('rooms-list');
    list.replaceChildren();
    if (cotonomas.length === 0) list.append(el('li', { class: 'muted', text: t('noCotonomas') }));
    for (const cotonoma of cotonomas) {
      const unread = cotonoma.unread && cotonoma.key !== this.current;
      const link = el('a', { href: `/cotonomas/${encodeURIComponent(cotonoma.key)}`, 'data-key': cotonoma.key,
        'aria-current': cotonoma.key === this.current ? 'page' : null },
      el('span', { class: 'room-name', text: cotonoma.name }),
      cotonoma.owned ? null : el('span', { class: 'tag shared', text: t('shared') }),
      unread ? el('span', { class: 'tag unread', text: t('unread') }) : null);
      link.addEventListener('click', (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        this.close();
        this.navigate(link.getAttribute('href'));
      });
      list.append(el('li', { class: unread ? 'is-unread' : null }, link));
    }
  }

  toggle() {
    const open = !document.body.classList.contains('rooms-open');
    document.body.classList.toggle('rooms-open', open);
    $('rooms-toggle').setAttribute('aria-expanded', String(open));
    if (open) {
      const first = $('rooms-list').querySelector('a');
      if (first) first.focus();
      // Fresh on opening; the redrawn list gets the keyboard focus back.
      this.refresh().then(() => {
        const again = $('rooms-list').querySelector('a');
        if (again && document.body.classList.contains('rooms-open') && document.activeElement === document.body) again.focus();
      });
    }
  }

  close() {
    document.body.classList.remove('rooms-open');
    $('rooms-toggle').setAttribute('aria-expanded', 'false');
  }
}
