// The account in the header: who is signed in (the session), sign-in by a mailed link, a new name,
// signing out. Signing in comes back to the room it was asked from (an invitation's), kept in this
// browser across the mail's tab; a new account is greeted with the name dialog once.

import { api } from './api.js';
import { $, avatar, el, show } from './dom.js';
import { t } from './i18n.js';
import { showError } from './problems.js';

// Where to go after signing in (an invitation's room), kept in this browser across the mail's tab.
const NEXT_KEY = 'cotoami.next';
const NEXT_PATH = /^\/cotonomas\/[A-Za-z0-9_-]{16,64}$/;

export class Account {
  /** `page`: the page's state, people, timeline, authors, rooms, tools, tokens, exchange, live and navigate. */
  constructor(page) {
    this.page = page;
  }

  wire() {
    $('signin-form').addEventListener('submit', (event) => this.submitSignin(event));
    $('name-form').addEventListener('submit', (event) => this.submitName(event));
  }

  render() {
    const { state, tokens, exchange } = this.page;
    const account = $('account');
    account.replaceChildren();
    if (state.user) {
      const signout = el('button', { type: 'button', id: 'signout-button', class: 'ghost', text: t('signOut') });
      signout.addEventListener('click', () => this.signOut());
      const name = el('button', { type: 'button', id: 'user-name', class: 'user-name user-name-button', text: state.user.name,
        title: t('changeName') });
      name.addEventListener('click', () => this.openName(false));
      const keys = el('button', { type: 'button', id: 'tokens-button', class: 'ghost', text: t('tokens'),
        title: t('accessTokens') });
      keys.addEventListener('click', () => tokens.open());
      const data = el('button', { type: 'button', id: 'exchange-button', class: 'ghost', text: t('exchange') });
      data.addEventListener('click', () => exchange.open());
      account.append(avatar(state.user, 32), name, keys, data, signout);
    } else {
      const signin = el('button', { type: 'button', id: 'signin-button', text: t('signIn') });
      signin.addEventListener('click', () => this.openSignin());
      account.append(signin);
    }
  }

  async load() {
    const { state, people, timeline, authors, rooms, tools } = this.page;
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
    this.render();
    if (state.user) this.afterSignin();
  }

  /** Back from the mailed link: go where sign-in was asked from, and greet a new account. */
  afterSignin() {
    const next = localStorage.getItem(NEXT_KEY);
    localStorage.removeItem(NEXT_KEY);
    if (next && NEXT_PATH.test(next) && next !== location.pathname) this.page.navigate(next);
    const user = this.page.state.user;
    const greeted = `cotoami.greeted.${user.id}`;
    const fresh = user.createdAt && Date.now() - Date.parse(user.createdAt) < 10 * 60 * 1000;
    if (fresh && !localStorage.getItem(greeted) && user.email && user.name === user.email.split('@')[0]) {
      localStorage.setItem(greeted, '1');
      this.openName(true);
    }
  }

  openName(welcome) {
    show($('name-welcome'), welcome);
    $('name-cancel').textContent = welcome ? t('skip') : t('cancel');
    $('name-input').value = this.page.state.user.name;
    showError($('name-error'), null);
    $('name-dialog').showModal();
    $('name-input').select();
  }

  async submitName(event) {
    event.preventDefault();
    const { state, people, timeline } = this.page;
    const name = $('name-input').value.trim();
    if (!name) return;
    try {
      const user = await api.rename(name);
      state.user = { ...state.user, ...user };
      people.set(user.id, state.user);
      people.set('me', state.user);
      $('name-dialog').close();
      this.render();
      timeline.redraw();
    } catch (error) {
      showError($('name-error'), error);
    }
  }

  /** Someone took a new name (maybe me, in another tab): every coto of theirs on screen shows it now. */
  renamed(user) {
    if (!user || !user.id) return;
    const { state, people, timeline } = this.page;
    people.set(user.id, { ...people.get(user.id), ...user });
    if (state.user && state.user.id === user.id) {
      state.user = { ...state.user, name: user.name, avatarUrl: user.avatarUrl || state.user.avatarUrl };
      people.set(user.id, state.user);
      people.set('me', state.user);
      this.render();
    }
    timeline.redraw();
  }

  openSignin() {
    show($('signin-ask'), true);
    show($('signin-sent'), false);
    showError($('signin-error'), null);
    $('signin-dialog').showModal();
    $('signin-email').focus();
  }

  async submitSignin(event) {
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

  async signOut() {
    try {
      await api.signout();
    } catch (error) {
      showError($('post-error'), error);
      return;
    }
    await this.load();
    this.page.live.restart();
    this.page.navigate('/');
  }
}
