// The page: one timeline at a time (home, or a cotonoma at /cotonomas/<key>), a post box, sign-in,
// cotonomas and the live connection (members: members.js; presence and typing: presence.js). Addresses are real URLs (history API), so the back
// button, reload and shared links work; the gateway serves this page at each of them.

import { api } from './api.js';
import { $, avatar, el, show } from './dom.js';
import { t, translatePage } from './i18n.js';
import { Live } from './live.js';
import { MembersDialog } from './members.js';
import { People } from './people.js';
import { Presence } from './presence.js';
import { problemText, showError } from './problems.js';
import { RepostDialog } from './repost.js';
import { Rooms } from './rooms.js';
import { Timeline } from './timeline.js';
import { TokensDialog } from './tokens.js';
import { ExchangeDialog } from './exchange.js';
import { ThinkingTools } from './thinking.js';

const TYPING_EVERY_MS = 2000;
// Where to go after signing in (an invitation's room), kept in this browser across the mail's tab.
const NEXT_KEY = 'cotoami.next';
const NEXT_PATH = /^\/cotonomas\/[A-Za-z0-9_-]{16,64}$/;

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
    if (!frame.resumed) mergeNewest();
  },
  onResync: () => mergeNewest(),
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
  renderRoom();
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
      renderRoom();
    } catch (error) {
      if (generation !== state.generation) return;
      showError($('post-error'), error);
      return;
    }
  }
  rooms.here(state.key);
  await loadFirstPage();
}

function renderRoom() {
  const crumbs = $('breadcrumbs');
  crumbs.replaceChildren();
  const cotonoma = state.cotonoma;
  if (state.key) {
    const path = [{ href: '/', name: t('home') }]
      .concat((cotonoma ? cotonoma.breadcrumbs || [] : []).map((c) => ({ href: `/cotonomas/${c.key}`, name: c.name })));
    const list = el('ol');
    for (const crumb of path) {
      const link = el('a', { href: crumb.href, text: crumb.name });
      link.addEventListener('click', (event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(crumb.href);
      });
      list.append(el('li', {}, link));
    }
    if (cotonoma) list.append(el('li', { 'aria-current': 'page', text: cotonoma.name }));
    crumbs.append(list);
  }
  show(crumbs, Boolean(state.key));
  document.body.classList.toggle('in-cotonoma', Boolean(state.key));
  const title = state.key ? (cotonoma ? cotonoma.name : '…') : t('home');
  $('room-title').textContent = title;
  document.title = state.key ? `${title} · Cotoami` : 'Cotoami';
  show($('new-cotonoma-button'), Boolean(state.user));
  // The stock of this cotonoma (or of my home) as an outline file: GET /api/graph/stock.md.
  $('export-stock').href = `/api/graph/stock.md${state.key ? `?cotonomaKey=${encodeURIComponent(state.key)}` : ''}`;
  show($('export-stock'), Boolean(state.user));
  const manages = Boolean(state.user && cotonoma && cotonoma.managed);
  show($('members-button'), manages);
  show($('rename-cotonoma-button'), manages);
  show($('delete-cotonoma-button'), manages);
  show($('anonymous-note'), state.sessionKnown && !state.user);
}

// --- Timeline pages -------------------------------------------------------------------------

async function loadFirstPage() {
  state.next = null;
  const generation = state.generation;
  await loadPage(null, generation);
}

/** Adds the newest page to what is shown, keeping the place of infinite scroll. */
async function mergeNewest() {
  const generation = state.generation;
  try {
    const page = state.key ? await api.cotonomaTimeline(state.key, null) : await api.home(null);
    if (generation === state.generation) timeline.put(page.cotos);
  } catch (error) {
    // The next reconnect or navigation tries again.
  }
}

async function loadOlder() {
  if (state.next && !state.loading) await loadPage(state.next, state.generation);
}

async function loadPage(before, generation) {
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
        if (state.next && $('older').getBoundingClientRect().top < window.innerHeight + 400) loadOlder();
      });
    }
  }
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
        renderRoom();
      }
      rooms.refresh(); // a new or renamed cotonoma is in my list at once, not at the next 30 s refresh
      break;
    case 'coto-deleted':
      timeline.remove(event.cotoId);
      break;
    case 'user-renamed':
      renamed(event.user);
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

// --- Account --------------------------------------------------------------------------------

function renderAccount() {
  const account = $('account');
  account.replaceChildren();
  if (state.user) {
    const signout = el('button', { type: 'button', id: 'signout-button', class: 'ghost', text: t('signOut') });
    signout.addEventListener('click', signOut);
    const name = el('button', { type: 'button', id: 'user-name', class: 'user-name user-name-button', text: state.user.name,
      title: t('changeName') });
    name.addEventListener('click', () => openName(false));
    const keys = el('button', { type: 'button', id: 'tokens-button', class: 'ghost', text: t('tokens'),
      title: t('accessTokens') });
    keys.addEventListener('click', () => tokens.open());
    const data = el('button', { type: 'button', id: 'exchange-button', class: 'ghost', text: t('exchange') });
    data.addEventListener('click', () => exchange.open());
    account.append(avatar(state.user, 32), name, keys, data, signout);
  } else {
    const signin = el('button', { type: 'button', id: 'signin-button', text: t('signIn') });
    signin.addEventListener('click', openSignin);
    account.append(signin);
  }
}

async function loadSession() {
  try {
    const session = await api.session();
    state.user = session.anonymous ? null : session.user;
  } catch (error) {
    state.user = null;
  }
  state.sessionKnown = true;
  document.body.dataset.session = state.user ? 'user' : 'anonymous';
  people.delete('me');
  if (state.user) {
    people.set(state.user.id, state.user);
    people.set('me', state.user);
  }
  timeline.me = state.user ? state.user.id : null;
  authors.start(Boolean(state.user));
  rooms.start(Boolean(state.user));
  tools.start(Boolean(state.user));
  renderAccount();
  if (state.user) afterSignin();
}

/** Back from the mailed link: go where sign-in was asked from, and greet a new account. */
function afterSignin() {
  const next = localStorage.getItem(NEXT_KEY);
  localStorage.removeItem(NEXT_KEY);
  if (next && NEXT_PATH.test(next) && next !== location.pathname) navigate(next);
  const user = state.user;
  const greeted = `cotoami.greeted.${user.id}`;
  const fresh = user.createdAt && Date.now() - Date.parse(user.createdAt) < 10 * 60 * 1000;
  if (fresh && !localStorage.getItem(greeted) && user.email && user.name === user.email.split('@')[0]) {
    localStorage.setItem(greeted, '1');
    openName(true);
  }
}

// --- Names ----------------------------------------------------------------------------------

function openName(welcome) {
  show($('name-welcome'), welcome);
  $('name-cancel').textContent = welcome ? t('skip') : t('cancel');
  $('name-input').value = state.user.name;
  showError($('name-error'), null);
  $('name-dialog').showModal();
  $('name-input').select();
}

async function submitName(event) {
  event.preventDefault();
  const name = $('name-input').value.trim();
  if (!name) return;
  try {
    const user = await api.rename(name);
    state.user = { ...state.user, ...user };
    people.set(user.id, state.user);
    people.set('me', state.user);
    $('name-dialog').close();
    renderAccount();
    timeline.redraw();
  } catch (error) {
    showError($('name-error'), error);
  }
}

/** Someone took a new name (maybe me, in another tab): every coto of theirs on screen shows it now. */
function renamed(user) {
  if (!user || !user.id) return;
  people.set(user.id, { ...people.get(user.id), ...user });
  if (state.user && state.user.id === user.id) {
    state.user = { ...state.user, name: user.name, avatarUrl: user.avatarUrl || state.user.avatarUrl };
    people.set(user.id, state.user);
    people.set('me', state.user);
    renderAccount();
  }
  timeline.redraw();
}

// --- Renaming and deleting the cotonoma shown -----------------------------------------------

function openRename() {
  $('rename-input').value = state.cotonoma ? state.cotonoma.name : '';
  showError($('rename-error'), null);
  $('rename-dialog').showModal();
  $('rename-input').select();
}

async function submitRename(event) {
  event.preventDefault();
  const name = $('rename-input').value.trim();
  if (!name || !state.key) return;
  try {
    const renamed = await api.renameCotonoma(state.key, name);
    $('rename-dialog').close();
    if (state.cotonoma && renamed.key === state.key) {
      state.cotonoma.name = renamed.name;
      renderRoom();
    }
    rooms.refresh();
  } catch (error) {
    showError($('rename-error'), error);
  }
}

async function deleteCotonoma() {
  if (!state.cotonoma || !window.confirm(t('confirmDeleteCotonoma', { name: state.cotonoma.name }))) return;
  const parent = state.cotonoma.parentKey;
  try {
    await api.deleteCotonoma(state.key);
    showError($('action-error'), null);
    rooms.refresh();
    navigate(parent ? `/cotonomas/${parent}` : '/');
  } catch (error) {
    showError($('action-error'), error);
  }
}

function openSignin() {
  show($('signin-ask'), true);
  show($('signin-sent'), false);
  showError($('signin-error'), null);
  $('signin-dialog').showModal();
  $('signin-email').focus();
}

async function submitSignin(event) {
  event.preventDefault();
  const email = $('signin-email').value.trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    $('signin-error').textContent = t('errorEmail');
    show($('signin-error'), true);
    return;
  }
  // An invitation's room (or any cotonoma) opened before signing in is where sign-in leads back:
  // kept with the link by auth-service (any browser), and here (this browser).
  const returnTo = NEXT_PATH.test(location.pathname) ? location.pathname : undefined;
  if (returnTo) localStorage.setItem(NEXT_KEY, returnTo);
  try {
    await api.signinRequest(email, $('signin-save').checked, returnTo);
    show($('signin-ask'), false);
    show($('signin-sent'), true);
  } catch (error) {
    showError($('signin-error'), error);
  }
}

async function signOut() {
  try {
    await api.signout();
  } catch (error) {
    showError($('post-error'), error);
    return;
  }
  await loadSession();
  live.restart();
  navigate('/');
}

// --- Cotonomas ------------------------------------------------------------------------------

function openNewCotonoma() {
  $('cotonoma-name').value = '';
  showError($('cotonoma-error'), null);
  $('cotonoma-dialog').showModal();
  $('cotonoma-name').focus();
}

async function submitCotonoma(event) {
  event.preventDefault();
  const name = $('cotonoma-name').value.trim();
  if (!name) return;
  try {
    const created = await api.createCotonoma(name, state.key || undefined);
    $('cotonoma-dialog').close();
    timeline.put([created.coto]);
  } catch (error) {
    showError($('cotonoma-error'), error);
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
  $('signin-form').addEventListener('submit', submitSignin);
  $('new-cotonoma-button').addEventListener('click', openNewCotonoma);
  $('cotonoma-form').addEventListener('submit', submitCotonoma);
  $('members-button').addEventListener('click', () => members.open());
  $('rename-cotonoma-button').addEventListener('click', openRename);
  $('rename-form').addEventListener('submit', submitRename);
  $('delete-cotonoma-button').addEventListener('click', deleteCotonoma);
  $('name-form').addEventListener('submit', submitName);
  $('live-retry').addEventListener('click', () => {
    show($('live-refused'), false);
    live.retry();
  });
  for (const button of document.querySelectorAll('dialog [data-close]')) {
    button.addEventListener('click', () => button.closest('dialog').close());
  }
  $('older').addEventListener('click', loadOlder);
  new IntersectionObserver((entries) => {
    if (entries.some((entry) => entry.isIntersecting)) loadOlder();
  }, { rootMargin: '400px' }).observe($('older'));
  // Only a change of page address re-routes (the skip link's #fragment does not).
  window.addEventListener('popstate', () => {
    if (keyFromPath(location.pathname) !== state.key) route();
  });
}

translatePage();
wire();
renderRoom();
// The session and the timeline are fetched at once; the page is usable before either answers.
loadSession().then(() => {
  renderRoom();
  timeline.redraw();
});
route();
