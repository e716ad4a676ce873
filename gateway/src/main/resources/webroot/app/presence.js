// Who is viewing the cotonoma (avatars) and who is typing there, from the live connection's frames.

import { $, avatar, el } from './dom.js';
import { t } from './i18n.js';

export class Presence {
  /** @param people userId -> {name, avatarUrl}, filled from what the frames say */
  constructor(people) {
    this.people = people;
    this.typists = new Map(); // userId -> {name, timer}
  }

  /** Forgets everything (another page is shown). */
  clear() {
    for (const typist of this.typists.values()) clearTimeout(typist.timer);
    this.typists.clear();
    this.renderTyping();
    $('presence').replaceChildren();
  }

  learn(person) {
    if (person && person.userId) this.people.set(person.userId, { name: person.name, avatarUrl: person.avatarUrl });
  }

  viewers(frame) {
    const box = $('presence');
    const viewers = frame.viewers || [];
    viewers.forEach((viewer) => this.learn(viewer));
    box.replaceChildren();
    if (viewers.length === 0) return;
    box.append(el('span', { class: 'label', text: t('viewing') }));
    const list = el('ul', { class: 'viewers' });
    for (const viewer of viewers) {
      list.append(el('li', { 'data-user-id': viewer.userId, title: viewer.name }, avatar(viewer, 28)));
    }
    box.append(list);
    // The frame lists the first 20 by name; a crowded room says how many more there are.
    const more = (frame.count || viewers.length) - viewers.length;
    if (more > 0) box.append(el('span', { class: 'more-viewers', text: t('moreViewers', { n: more }) }));
  }

  typing(frame) {
    this.learn(frame.user);
    const previous = this.typists.get(frame.user.userId);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      this.typists.delete(frame.user.userId);
      this.renderTyping();
    }, frame.expiresInMs || 5000);
    this.typists.set(frame.user.userId, { name: frame.user.name, timer });
    this.renderTyping();
  }

  renderTyping() {
    const names = [...this.typists.values()].map((typist) => typist.name);
    $('typing').textContent = names.length === 0 ? ''
      : names.length === 1 ? t('typingOne', { name: names[0] }) : t('typingMany', { names: names.join(', ') });
  }
}
