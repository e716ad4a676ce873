// The Stock toggle of a signed-in page (the graph API is for signed-in people only). On a wide
// screen the stock stands beside the timeline and is shown at first; on a narrower one it comes
// above the timeline when asked for.

import { $, show } from './dom.js';

const WIDE = '(min-width: 1280px)';
const GRAPH_EVENTS = new Set(['coto-pinned', 'coto-unpinned', 'pins-reordered', 'coto-connected',
  'coto-disconnected', 'connection-relabeled', 'connections-reordered']);

export class Views {
  constructor(stock) {
    this.stock = stock;
    this.signedIn = false;
    this.stockOpen = window.matchMedia(WIDE).matches;
    $('stock-toggle').addEventListener('click', () => {
      this.stockOpen = !this.stockOpen;
      this.render();
      if (this.stockOpen) this.stock.load();
    });
  }

  start(signedIn) {
    this.signedIn = signedIn;
    this.stock.start(signedIn);
    this.render();
  }

  render() {
    const on = this.signedIn;
    show($('stock-toggle'), on);
    $('stock-toggle').setAttribute('aria-pressed', String(this.stockOpen));
    show($('stock'), on && this.stockOpen);
    document.body.classList.toggle('with-stock', on && this.stockOpen);
  }

  /** A new page (home or a cotonoma): what is shown is read for it. */
  here() {
    this.stock.clear();
    if (!this.signedIn) return;
    this.stock.load();
  }

  /** A live event of the timeline shown: a graph change (or an edit or deletion of a coto in it) reads the stock again. */
  event(event) {
    if (!this.signedIn) return;
    const touches = (event.type === 'coto-edited' || event.type === 'coto-deleted')
      && (this.stock.has(event.cotoId || (event.coto && event.coto.id)));
    if (GRAPH_EVENTS.has(event.type) || touches) this.stock.reloadSoon();
  }
}
