// One session's live connection. It subscribes with a fresh live token (a share link's own secret
// for guests), hands every frame to the view, and after a dropped connection reconnects with
// backoff. Events are keyed by sequence number downstream, so a reconnect's snapshot may overlap
// what was shown already; a gap between the two is fetched over HTTP before anything else.

import { get, post } from './api.js';
import { auth } from './auth.js';

const MAX_BACKOFF_MS = 5000;
const PAGE = 500;

export class LiveSession {
  /**
   * @param handlers {onSnapshot, onEvents, onQueue, onPresence, onTyping, onStatus, onFatal}
   * @param lastSeq () => the newest sequence number shown, so a reconnect can fill the gap
   */
  constructor(sessionId, handlers, lastSeq) {
    this.sessionId = sessionId;
    this.handlers = handlers;
    this.lastSeq = lastSeq;
    this.closed = false;
    this.attempt = 0;
    this.socket = null;
    this.chain = Promise.resolve();
    this.connect();
  }

  close() {
    this.closed = true;
    clearTimeout(this.retry);
    this.socket?.close(1000, 'left the session');
  }

  /** Lets the others see someone is writing, and warms the sandbox. */
  typing() {
    this.send({ type: 'typing' });
  }

  presence(status) {
    this.send({ type: 'presence', status });
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN && this.subscribed) this.socket.send(JSON.stringify(message));
  }

  async connect() {
    if (this.closed) return;
    this.subscribed = false;
    this.handlers.onStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let token;
    try {
      token = auth.isShareLink ? auth.token
        : (await post(`/api/sessions/${encodeURIComponent(this.sessionId)}/live-token`)).token;
    } catch (e) {
      if (e.status === 404 || e.status === 403) return this.handlers.onFatal(e);
      return this.scheduleReconnect();
    }
    if (this.closed) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/api/sessions/${encodeURIComponent(this.sessionId)}/ws`);
    this.socket = socket;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'subscribe', token }));
    // frames are handled one after another, so events never overtake a snapshot's gap fetch
    socket.onmessage = (message) => {
      this.chain = this.chain.then(() => this.receive(JSON.parse(message.data))).catch((e) => console.warn(e));
    };
    socket.onclose = () => {
      if (this.socket === socket) this.scheduleReconnect();
    };
  }

  scheduleReconnect() {
    if (this.closed) return;
    this.subscribed = false;
    this.handlers.onStatus('reconnecting');
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt);
    this.attempt++;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.connect(), delay);
  }

  async receive(frame) {
    switch (frame.type) {
      case 'snapshot': {
        const before = this.lastSeq();
        this.attempt = 0;
        this.subscribed = true;
        const first = frame.events[0]?.seq;
        // a reconnect whose snapshot starts after what we have: fetch the missing stretch first
        if (before > 0 && first !== undefined && first > before + 1) await this.fetchAfter(before, first);
        this.handlers.onSnapshot(frame, before > 0);
        this.handlers.onStatus('live');
        break;
      }
      case 'event':
        this.handlers.onEvents([frame.event]);
        break;
      case 'resync':
        await this.fetchAfter(frame.afterSeq, Infinity);
        break;
      case 'queue':
        this.handlers.onQueue(frame.queue);
        break;
      case 'presence':
        this.handlers.onPresence(frame.people);
        break;
      case 'typing':
        this.handlers.onTyping(frame);
        break;
      case 'error':
        if (frame.requestType === 'subscribe') {
          if (frame.status === 404 || frame.status === 403) {
            this.closed = true;
            this.handlers.onFatal(frame);
          }
        }
        break;
      default:
        break;
    }
  }

  /** Pages forward over HTTP from {@code after} until {@code until} (exclusive) or the end of the log. */
  async fetchAfter(after, until) {
    let cursor = after;
    for (;;) {
      const page = await get(`/api/sessions/${encodeURIComponent(this.sessionId)}/events?after=${cursor}&limit=${PAGE}`);
      if (page.events.length) this.handlers.onEvents(page.events);
      if (!page.hasMore || page.events.length === 0) return;
      cursor = page.events[page.events.length - 1].seq;
      if (cursor + 1 >= until) return;
    }
  }
}
