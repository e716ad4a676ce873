// The page: one timeline at a time (home, or a cotonoma at /cotonomas/<key>), a post box and the
// live connection, and the wiring of the rest (the account: account.js; the room's header and
// dialogs: room.js; the timeline's pages: pages.js; members: members.js; presence and typing:
// presence.js). Addresses are real URLs (history API), so the back button, reload and shared links
// work; the gateway serves this page at each of them.

import { Account } from './account.js';
import { api } from './api.js';
import { $, show } from './dom.js';
import { t, translatePage } from './i18n.js';
import { Live } from './live.js';
import { MembersDialog } from './members.js';
import { Pages } from './pages.js';
import { People } from './people.js';
import { Presence } from './presence.js';
import { problemText, showError } from './problems.js';
import { RepostDialog } from './repost.js';
import { Room } from './room.js';
import { Rooms } from './rooms.js';
import { Timeline } from './timeline.js';
import { TokensDialog } from './tokens.js';
import { ExchangeDialog } from './exchange.js';
import { ThinkingTools } from './thinking.js';

const TYPING_EVERY_MS = 2000;

const state = {
  user: null, // the signed-in user, or null when anonymous
  sessionKnown: false,
  key: null, // the cotonoma shown, or null for home
  cotonoma: null,
  next: null, // cursor of the next older page
  loading: false,
  generation: 0, // bumped on every navigation: late answers for another page are dropped
  draftClientId: null,
  focus: null, // a coto to mark once the page it is on has loaded (a search result)
  lastTyping: 0,
};

const people = new Map();
const timeline = new Timeline($('timeline'), $('timeline-empty'), people, navigate);
const presence = new Presence(people);
const members = new MembersDialog(() => state.key);
const rooms = new Rooms(navigate);
const tokens = new TokensDialog();
const exchange = new ExchangeDialog(() => { rooms.refresh(); route(); });
const reposts = new RepostDialog(() => rooms.refresh().then(() => rooms.list), (repost) => {
  if (repost.cotonomaKey === state.key) timeline.put([repost]);
  showError($('action-error'), null);
});
const authors = new People(people, () => timeline.redraw());
// Search, the stock, the graph and Connect (issue 20): thinking.js.
const tools = new ThinkingTools({ timeline, rooms, navigate, here: () => state.key, me: () => state.user });
timeline.onPut = (cotos) => authors.learn(cotos);
timeline.actions = {
  ...tools.actions(),
  edit: async (coto, content, summary) => {
    try {
      timeline.put([await api.editCoto(coto.id, content, summary)]);
      return null;
    } catch (error) {
      return problemText(error);
    }
  },
  repost: (coto) => reposts.open(coto),
  cotonomatize: async (coto) => {
    try {
      timeline.put([(await api.cotonomatize(coto.id)).coto]);
      rooms.refresh();
      showError($('action-error'), null);
    } catch (error) {
      showError($('action-error'), error);
    }
  },
  remove: async (coto) => {
    try {
      await api.deleteCoto(coto.id);
      timeline.remove(coto.id);
      showError($('action-error'), null);
    } catch (error) {
      showError($('action-error'), error);
    }
  },
};
const live = new Live({
  onEvent: applyEvent,
  // A fresh subscription may have started after the first page was read: merge the newest page
  // again so that nothing posted in between is missing. A resumed one replays what was missed.
  onSubscribed: (frame) => {
    if (!frame.resumed) pages.mergeNewest();
  },
  onResync: () => pages.mergeNewest(),
  onPresence: (frame) => presence.viewers(frame),
  onTyping: (frame) => presence.typing(frame),
  onState: (online) => {
    const connection = $('connection');
    connection.textContent = online ? '' : t('reconnecting');
    show(connection, !online && live.timeline !== null && !live.refused);
    document.body.classList.toggle('offline', !online);
    if (online) show($('live-refused'), false);
  },
  onRefused: () => {
    show($('connection'), false);
    show($('live-refused'), true);
  },
  onEnded: () => {
    navigate('/');
    rooms.refresh();
  },
  onError: () => {},
});
const room = new Room({ state, rooms, timeline, navigate });
const pages = new Pages(state, timeline);
const account = new Account({ state, people, timeline, authors, rooms, tools, tokens, exchange, live, navigate });

// --- Where we are ---------------------------------------------------------------------------

function keyFromPath(pathname) {
  const match = /^\/cotonomas\/([A-Za-z0-9_-]+)$/.exec(pathname);
  return match ? match[1] : null;
}

function navigate(path, focus = null) {
  state.focus = focus;
  if (path !== location.pathname) history.pushState(null, '', path);
  route();
}


async function route() {
  state.key = keyFromPath(location.pathname);
  timeline.here = state.key;
  state.cotonoma = null;
  timeline.moderates = false;
  state.next = null;
  state.generation++;
  delete document.body.dataset.loaded;
  presence.clear();
  timeline.clear();
  tools.moved();
  // Only a new page clears the error: a redraw (the session answering late, a rename) keeps it.
  showError($('post-error'), null);
  room.render();
  live.follow(state.key ? `cotonoma:${state.key}` : 'home');
  const generation = state.generation;
  if (state.key) {
    try {
      const cotonoma = await api.cotonoma(state.key);
      if (generation !== state.generation) return;
      state.cotonoma = cotonoma;
      timeline.moderates = Boolean(cotonoma.managed);
      timeline.cotonomaNames.set(cotonoma.key, cotonoma.name);
      for (const other of [...(cotonoma.breadcrumbs || []), ...(cotonoma.children || [])]) {
        timeline.cotonomaNames.set(other.key, other.name);
      }
      room.render();
    } catch (error) {
      if (generation !== state.generation) return;
      showError($('post-error'), error);
      return;
    }
  }
  rooms.here(state.key);
  await pages.loadFirst();
}

function applyEvent(event) {
  tools.event(event);
  switch (event.type) {
    case 'coto-posted':
      timeline.put([event.coto]);
      if (state.key) rooms.seen();
      break;
    case 'coto-edited':
      timeline.put([event.coto]);
      break;
    case 'cotonoma-created':
    case 'coto-cotonomatized':
    case 'cotonoma-renamed':
      timeline.put([event.coto]);
      if (state.cotonoma && event.cotonoma && event.cotonoma.key === state.key) {
        state.cotonoma.name = event.cotonoma.name;
        room.render();
      }
      rooms.refresh(); // a new or renamed cotonoma is in my list at once, not at the next 30 s refresh
      break;
    case 'coto-deleted':
      timeline.remove(event.cotoId);
      break;
    case 'user-renamed':
      account.renamed(event.user);
      break;
    default:
      break;
  }
}

// --- Posting --------------------------------------------------------------------------------

async function submitPost(event) {
  event.preventDefault();
  const box = $('post-content');
  const content = box.value;
  if (content.trim() === '') {
    box.focus();
    return;
  }
  // One client id per draft: a retry of the same text after a failure cannot post it twice.
  if (!state.draftClientId) state.draftClientId = crypto.randomUUID();
  const summaryBox = $('post-summary');
  const summary = summaryBox.value.trim();
  const coto = { content };
  if (summary) coto.summary = summary;
  if (state.user) {
    coto.clientId = state.draftClientId;
    if (state.key) coto.cotonomaKey = state.key;
  }
  const shown = timeline.pending({ content, summary: summary || null, postedAt: null });
  box.value = '';
  summaryBox.value = '';
  showError($('post-error'), null);
  try {
    const saved = await api.post(coto);
    state.draftClientId = null;
    shown.confirm(saved);
  } catch (error) {
    shown.fail();
    if (box.value === '') box.value = content;
    if (summaryBox.value === '') summaryBox.value = summary;
    showError($('post-error'), error);
  }
  box.focus();
}

function onTypingInPost(event) {
  if (event.type === 'input') state.draftClientId = null;
  const now = Date.now();
  if (state.key && now - state.lastTyping > TYPING_EVERY_MS) {
    state.lastTyping = now;
    live.typing();
  }
}

// --- Wiring ---------------------------------------------------------------------------------

function wire() {
  $('post-form').addEventListener('submit', submitPost);
  $('post-content').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $('post-form').requestSubmit();
    }
  });
  $('post-content').addEventListener('input', onTypingInPost);
  $('home-link').addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate('/');
  });
  account.wire();
  room.wire();
  pages.wire();
  $('members-button').addEventListener('click', () => members.open());
  $('live-retry').addEventListener('click', () => {
    show($('live-refused'), false);
    live.retry();
  });
  for (const button of document.querySelectorAll('dialog [data-close]')) {
    button.addEventListener('click', () => button.closest('dialog').close());
  }
  // Only a change of page address re-routes (the skip link's #fragment does not).
  window.addEventListener('popstate', () => {
    if (keyFromPath(location.pathname) !== state.key) route();
  });
}

translatePage();
wire();
room.render();
// The session and the timeline are fetched at once; the page is usable before either answers.
account.load().then(() => {
  room.render();
  timeline.redraw();
});
route();
