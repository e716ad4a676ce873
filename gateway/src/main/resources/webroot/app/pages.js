// The timeline's pages (GET /api/cotos, or a cotonoma's timeline): the first, older ones as the
// reader scrolls (an observer, or the Older button), and the newest merged in again after a fresh
// live subscription. An answer for a page left meanwhile (the state's generation moved) is dropped.

import { api } from './api.js';
import { $, show } from './dom.js';
import { showError } from './problems.js';

export class Pages {
  /** `state`: the page's state (key, next, loading, generation, focus); `timeline`: where pages go. */
  constructor(state, timeline) {
    this.state = state;
    this.timeline = timeline;
  }

  wire() {
    $('older').addEventListener('click', () => this.loadOlder());
    new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) this.loadOlder();
    }, { rootMargin: '400px' }).observe($('older'));
  }

  async loadFirst() {
    this.state.next = null;
    await this.load(null, this.state.generation);
  }

  /** Adds the newest page to what is shown, keeping the place of infinite scroll. */
  async mergeNewest() {
    const state = this.state;
    const generation = state.generation;
    try {
      const page = state.key ? await api.cotonomaTimeline(state.key, null) : await api.home(null);
      if (generation === state.generation) this.timeline.put(page.cotos);
    } catch (error) {
      // The next reconnect or navigation tries again.
    }
  }

  async loadOlder() {
    if (this.state.next && !this.state.loading) await this.load(this.state.next, this.state.generation);
  }

  async load(before, generation) {
    const { state, timeline } = this;
    state.loading = true;
    try {
      const page = state.key ? await api.cotonomaTimeline(state.key, before) : await api.home(before);
      if (generation !== state.generation) return;
      timeline.put(page.cotos);
      if (!before && state.focus) {
        // A search result older than the first page is shown where its date puts it.
        if (!timeline.has(state.focus.id)) timeline.put([state.focus]);
        timeline.highlight(state.focus.id, true);
        state.focus = null;
      }
      document.body.dataset.loaded = state.key || 'home'; // lets tests and tools know the page is settled
      state.next = page.cotos.length > 0 ? page.next || null : null;
    } catch (error) {
      if (generation === state.generation) showError($('post-error'), error);
    } finally {
      state.loading = false;
      if (generation === state.generation) {
        show($('older'), Boolean(state.next));
        // The observer only reports changes: when the button is still in sight, keep loading.
        requestAnimationFrame(() => {
          if (state.next && $('older').getBoundingClientRect().top < window.innerHeight + 400) this.loadOlder();
        });
      }
    }
  }
}
