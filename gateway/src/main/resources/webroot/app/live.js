// The live connection (/api/ws, see docs/api.md): follows one timeline at a time, remembers the
// last event id it saw, and after any drop reconnects with backoff and resubscribes with that id,
// so the server replays exactly what was missed (or says "resync" and the page refetches).

const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 8000;

export class Live {
  /**
   * @param handlers {onEvent(event), onPresence(frame), onTyping(frame), onResync(timeline),
   *                  onSubscribed(frame with `resumed`), onState(online), onEnded(frame), onError(frame)}
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.timeline = null;
    this.lastEventId = null;
    this.resuming = false;
    this.socket = null;
    this.online = null; // unknown until the first connection opens or fails: then onState is told
    this.retries = 0;
    this.refusedInARow = 0; // handshakes that failed while the site itself answered
    this.refused = false;
    this.retryTimer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    window.addEventListener('offline', () => this.drop());
    window.addEventListener('online', () => this.connectSoon(0));
  }

  /** Follows `timeline` ('home' or 'cotonoma:<key>') from now on. */
  follow(timeline) {
    if (this.timeline && this.timeline !== timeline) this.send({ type: 'unsubscribe', timeline: this.timeline });
    this.timeline = timeline;
    this.lastEventId = null;
    if (this.online) this.subscribe();
    else if (!this.socket) this.connect();
  }

  /** Reconnects from scratch (after sign-in or sign-out the socket's identity changes). */
  restart() {
    this.drop();
    this.connectSoon(0);
  }

  typing() {
    if (this.timeline && this.timeline.startsWith('cotonoma:')) this.send({ type: 'typing', timeline: this.timeline });
  }

  /** After the page said the connection is refused: try once more, from scratch. */
  retry() {
    this.refused = false;
    this.refusedInARow = 0;
    this.connectSoon(0);
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.refused) return;
    let opened = false;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/ws`);
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.socket) return;
      opened = true;
      this.retries = 0;
      this.refusedInARow = 0;
      this.setOnline(true);
      this.subscribe();
      this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
    });
    socket.addEventListener('message', (message) => {
      if (socket === this.socket) this.receive(JSON.parse(message.data));
    });
    socket.addEventListener('close', () => {
      if (socket !== this.socket) return;
      this.cleanUp();
      if (opened) {
        this.connectSoon(Math.min(500 * 2 ** this.retries++, 5000));
      } else {
        this.handshakeFailed();
      }
    });
  }

  /**
   * A handshake failed. A browser does not tell the page why; when the site still answers HTTP,
   * the gateway refused this page (its Origin, or the session): after three such refusals in a
   * row the page is told, and retrying stops until asked to (retrying would be refused again).
   */
  async handshakeFailed() {
    let siteAnswers = false;
    try {
      siteAnswers = (await fetch('/api/session', { credentials: 'same-origin' })).ok;
    } catch (error) {
      siteAnswers = false;
    }
    if (siteAnswers && ++this.refusedInARow >= 3) {
      this.refused = true;
      if (this.handlers.onRefused) this.handlers.onRefused();
      return;
    }
    if (!siteAnswers) this.refusedInARow = 0;
    this.connectSoon(Math.min(500 * 2 ** this.retries++, 5000));
  }

  /** Closes the socket now (network gone, or a silent connection) and shows the offline state. */
  drop() {
    const socket = this.socket;
    this.cleanUp();
    if (socket) socket.close();
    if (!navigator.onLine) return; // 'online' will reconnect
    this.connectSoon(Math.min(500 * 2 ** this.retries++, 5000));
  }

  cleanUp() {
    this.socket = null;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.setOnline(false);
  }

  connectSoon(delay) {
    if (this.socket || this.retryTimer) return;
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  setOnline(online) {
    if (this.online === online) return;
    this.online = online;
    this.handlers.onState(online);
  }

  subscribe() {
    if (!this.timeline) return;
    const frame = { type: 'subscribe', timeline: this.timeline };
    this.resuming = this.lastEventId !== null;
    if (this.resuming) frame.lastEventId = this.lastEventId;
    this.send(frame);
  }

  ping() {
    this.send({ type: 'ping' });
    clearTimeout(this.pongTimer);
    this.pongTimer = setTimeout(() => this.drop(), PONG_WITHIN_MS);
  }

  send(frame) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  receive(frame) {
    if (frame.type === 'pong') {
      clearTimeout(this.pongTimer);
      return;
    }
    if (frame.timeline && frame.timeline !== this.timeline) return;
    switch (frame.type) {
      case 'event':
        if (this.lastEventId === null || frame.eventId > this.lastEventId) this.lastEventId = frame.eventId;
        this.handlers.onEvent(frame.event);
        break;
      case 'subscribed':
        if (typeof frame.lastEventId === 'number') this.lastEventId = frame.lastEventId;
        this.handlers.onSubscribed({ ...frame, resumed: this.resuming });
        break;
      case 'resync':
        this.lastEventId = null;
        this.handlers.onResync(frame.timeline);
        break;
      case 'presence':
        this.handlers.onPresence(frame);
        break;
      case 'typing':
        this.handlers.onTyping(frame);
        break;
      case 'unsubscribed':
        if (frame.reason) this.handlers.onEnded(frame);
        break;
      case 'error':
        if (frame.problem && frame.problem.type === 'already-subscribed') break;
        this.handlers.onError(frame);
        break;
      default:
        break;
    }
  }
}
