// Who wrote what: cotos carry only `authorId`; the current name and avatar of each author come
// from GET /api/users?ids=..., asked in batches for the ids not known yet, and asked again now
// and then so that a rename shows without a reload.

import { api } from './api.js';

const REFRESH_EVERY_MS = 30000;

export class People {
  /** @param people Map userId -> {id, name, avatarUrl}, shared with the timeline and presence */
  constructor(people, onChange) {
    this.people = people;
    this.onChange = onChange;
    this.wanted = new Set();
    this.timer = null;
    this.signedIn = false;
    setInterval(() => this.refreshAll(), REFRESH_EVERY_MS);
  }

  start(signedIn) {
    this.signedIn = signedIn;
  }

  /** Asks (soon, in one request) for the authors of these cotos that are not known yet. */
  learn(cotos) {
    for (const coto of cotos) {
      if (coto.authorId && !this.people.has(coto.authorId)) this.wanted.add(coto.authorId);
    }
    if (this.wanted.size > 0 && !this.timer) this.timer = setTimeout(() => this.fetch(), 50);
  }

  async fetch() {
    this.timer = null;
    const ids = [...this.wanted].slice(0, 100);
    ids.forEach((id) => this.wanted.delete(id));
    if (ids.length === 0 || !this.signedIn) return;
    await this.ask(ids);
    if (this.wanted.size > 0) this.timer = setTimeout(() => this.fetch(), 0);
  }

  async refreshAll() {
    if (!this.signedIn) return;
    const ids = [...this.people.keys()].filter((id) => id !== 'me').slice(0, 100);
    if (ids.length > 0) await this.ask(ids);
  }

  async ask(ids) {
    try {
      const answer = await api.people(ids);
      let changed = false;
      for (const person of answer.users) {
        const known = this.people.get(person.id);
        if (!known || known.name !== person.name || known.avatarUrl !== person.avatarUrl) {
          this.people.set(person.id, { ...known, ...person });
          changed = true;
        }
      }
      if (changed) this.onChange();
    } catch (error) {
      // Names stay as they were; the next refresh tries again.
    }
  }
}
