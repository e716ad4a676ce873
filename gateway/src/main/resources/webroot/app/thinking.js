// Issue 20's thinking tools, wired to the page: search (search.js), the stock (stock.js), the graph
// (graph.js), Connect (connect.js) and their toggles (views.js). main.js hands over the timeline,
// the rooms, navigation and where the page is; this answers the timeline's Pin, Unpin and Connect.

import { $ } from './dom.js';
import { ConnectDialog } from './connect.js';
import { Graph } from './graph.js';
import { showError } from './problems.js';
import { Search } from './search.js';
import { Stock } from './stock.js';
import { Views } from './views.js';

export class ThinkingTools {
  /** `navigate(path, focus)` opens a page and marks `focus` there; `here()` is the cotonoma key shown; `me()` the user. */
  constructor({ timeline, rooms, navigate, here, me }) {
    this.timeline = timeline;
    this.navigate = navigate;
    this.here = here;
    this.me = me;
    this.search = new Search((path, coto) => navigate(path, coto), {
      get: (key) => timeline.cotonomaNames.get(key) || (rooms.list.find((room) => room.key === key) || {}).name,
    });
    this.stock = new Stock(here, (coto) => this.open(coto, true));
    this.graph = new Graph(here, (coto, scroll) => this.open(coto, scroll));
    this.views = new Views(this.stock, this.graph);
    timeline.pinned = (id) => this.stock.pinned(id);
    this.stock.changed = () => timeline.markPins();
    this.connector = new ConnectDialog(() => [...timeline.cotos(), ...this.stock.cotos()], () => {
      this.stock.load();
      this.graph.reloadSoon();
    });
  }

  /** The timeline's Pin, Unpin and Connect; a problem is said under the timeline (the stock may be hidden, on a phone). */
  actions() {
    return {
      pin: async (coto) => showError($('action-error'), await this.stock.pin(coto)),
      unpin: async (coto) => showError($('action-error'), await this.stock.unpinCoto(coto.id)),
      connect: (coto) => this.connector.open(coto),
    };
  }

  /** After the session is known (signed in or not: the search and graph API are for signed-in people). */
  start(signedIn) {
    this.search.start(signedIn);
    this.views.start(signedIn);
    this.views.here();
  }

  /** A new page is shown. */
  moved() {
    this.views.here();
  }

  /** A live event of the timeline shown. */
  event(event) {
    this.views.event(event);
  }

  /** Marks a coto of the stock or the graph in the timeline; one of another page is opened there. */
  open(coto, scroll) {
    if (!coto) return;
    const key = this.here();
    const user = this.me();
    const belongs = key ? coto.cotonomaKey === key : Boolean(user) && coto.authorId === user.id;
    if (!this.timeline.has(coto.id) && belongs && !coto.cotonoma) this.timeline.put([coto]);
    if (this.timeline.highlight(coto.id, scroll)) return;
    const room = coto.cotonoma ? coto.cotonoma.key : coto.cotonomaKey;
    this.navigate(room ? `/cotonomas/${encodeURIComponent(room)}` : '/', coto.cotonoma ? null : coto);
  }
}
