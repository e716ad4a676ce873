// The Stock and Graph toggles of a signed-in page (the graph API is for signed-in people only).
// On a wide screen the stock stands beside the timeline and is shown at first; on a narrower one
// it comes above the timeline when asked for. The graph comes above the timeline when asked for.

import { $, show } from './dom.js';

const WIDE = '(min-width: 1280px)';
const GRAPH_EVENTS = new Set(['coto-pinned', 'coto-unpinned', 'pins-reordered', 'coto-connected',
  'coto-disconnected', 'connection-relabeled', 'connections-reordered']);

export class Views {
  constructor(stock, graph) {
    this.stock = stock;
    this.graph = graph;
    this.signedIn = false;
    this.stockOpen = window.matchMedia(WIDE).matches;
    this.graphOpen = false;
    $('stock-toggle').addEventListener('click', () => {
      this.stockOpen = !this.stockOpen;
      this.render();
      if (this.stockOpen) this.stock.load();
    });
    $('graph-toggle').addEventListener('click', () => {
      this.graphOpen = !this.graphOpen;
      this.render();
      this.graph.setVisible(this.signedIn && this.graphOpen);
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
    show($('graph-toggle'), on);
    $('stock-toggle').setAttribute('aria-pressed', String(this.stockOpen));
    $('graph-toggle').setAttribute('aria-pressed', String(this.graphOpen));
    show($('stock'), on && this.stockOpen);
    show($('graph'), on && this.graphOpen);
    document.body.classList.toggle('with-stock', on && this.stockOpen);
  }

  /** A new page (home or a cotonoma): what is shown is read for it. */
  here() {
    this.stock.clear();
    this.graph.clear();
    if (!this.signedIn) return;
    this.stock.load();
    this.graph.setVisible(this.graphOpen);
  }

  /** A live event of the timeline shown: a graph change (or an edit or deletion of a coto they show) reads them again. */
  event(event) {
    if (!this.signedIn) return;
    const touches = (event.type === 'coto-edited' || event.type === 'coto-deleted')
      && (this.stock.has(event.cotoId || (event.coto && event.coto.id)));
    if (GRAPH_EVENTS.has(event.type) || touches) {
      this.stock.reloadSoon();
      this.graph.reloadSoon();
    } else if (event.type === 'coto-deleted' || event.type === 'coto-edited') {
      this.graph.reloadSoon();
    }
  }
}
