// The Desktop tab: the sandbox's screen (the agent's browser on a virtual display) through noVNC,
// served by Nightshift itself from /vendor/novnc/. Members start it with one click and can take
// control; everyone else watches. Input control is enforced by the server (a viewer's socket reaches
// a view-only VNC server and its input is dropped on the way); the UI only mirrors it.

import { h, append, clear, state } from './dom.js';
import { get, post } from './api.js';
import { auth } from './auth.js';

const NOVNC = '/vendor/novnc/core/rfb.js';

export class DesktopView {
  /** @param canControl members and owners: they may start the desktop and take control */
  constructor(sessionId, { canControl }) {
    this.sessionId = sessionId;
    this.canControl = canControl;
    this.control = false;
    this.rfb = null;
    this.visible = false;
    this.startButton = h('button', { type: 'button', class: 'button primary', onclick: () => this.start() }, 'Start desktop');
    this.controlButton = h('button', {
      type: 'button', class: 'button', 'aria-pressed': 'false', hidden: true, onclick: () => this.toggleControl(),
    }, 'Take control');
    this.status = h('span', { class: 'desktop-status muted', role: 'status' });
    this.note = h('p', { class: 'desktop-note muted' }, canControl
      ? 'Everyone in the session watches this screen. Take control to use the mouse and keyboard.'
      : 'You are watching: only members of the session can use the mouse and keyboard here.');
    this.screen = h('div', { class: 'desktop-screen', 'aria-label': 'The sandbox\'s desktop', hidden: true });
    this.placeholder = h('div', { class: 'desktop-placeholder' });
    this.el = h('div', { class: 'desktop' },
      h('div', { class: 'desktop-bar' }, this.status, canControl ? this.controlButton : null),
      this.note, this.placeholder, this.screen);
  }

  /** The tab was opened: connect if the desktop runs, else offer to start it. */
  async show() {
    this.visible = true;
    if (this.rfb) return;
    this.placeholderState(state('loading', 'Looking for the desktop…'));
    try {
      const desktop = await get(this.path());
      if (!this.visible) return;
      if (desktop.running) await this.connect();
      else this.offerStart();
    } catch (e) {
      this.placeholderState(state('error', 'The desktop cannot be shown', e.message));
    }
  }

  /** The tab was left: nothing is streamed to a hidden tab. */
  hide() {
    this.visible = false;
    this.disconnect();
  }

  destroy() {
    this.hide();
  }

  path() {
    return `/api/sessions/${encodeURIComponent(this.sessionId)}/desktop`;
  }

  offerStart() {
    this.screen.hidden = true;
    this.controlButton.hidden = true;
    this.status.textContent = 'Not running';
    this.placeholderState(this.canControl
      ? state('empty', 'The desktop is not running', 'It shows the sandbox\'s screen, where the agent\'s browser draws. It starts with the sandbox and stops with it.', this.startButton)
      : state('empty', 'The desktop is not running', 'A member of the session can start it; you will see it here.'));
  }

  placeholderState(content) {
    this.placeholder.hidden = false;
    append(clear(this.placeholder), [content]);
  }

  async start() {
    this.startButton.disabled = true;
    this.startButton.textContent = 'Starting…';
    try {
      await post(this.path());
      if (this.visible) await this.connect();
    } catch (e) {
      this.placeholderState(state('error', 'The desktop did not start', e.message, this.startButton));
    } finally {
      this.startButton.disabled = false;
      this.startButton.textContent = 'Start desktop';
    }
  }

  async connect() {
    this.disconnect();
    const token = auth.isShareLink ? auth.token
      : (await post(`/api/sessions/${encodeURIComponent(this.sessionId)}/live-token`)).token;
    const { default: RFB } = await import(NOVNC);
    if (!this.visible) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const control = this.canControl && this.control;
    const url = `${scheme}//${location.host}${this.path()}/ws?control=${control}&token=${encodeURIComponent(token)}`;
    this.placeholder.hidden = true;
    this.screen.hidden = false;
    const rfb = new RFB(this.screen, url, { shared: true });
    rfb.viewOnly = !control;
    rfb.scaleViewport = true;
    rfb.resizeSession = false;
    rfb.focusOnClick = control;
    rfb.addEventListener('connect', () => {
      if (this.rfb !== rfb) return;
      this.status.textContent = control ? 'Live · you have control' : 'Live · watching';
      this.el.classList.toggle('in-control', control);
    });
    rfb.addEventListener('disconnect', () => {
      if (this.rfb !== rfb) return;
      this.rfb = null;
      if (this.visible) this.lost();
    });
    this.rfb = rfb;
    this.status.textContent = 'Connecting…';
    this.controlButton.hidden = !this.canControl;
    this.controlButton.textContent = control ? 'Release' : 'Take control';
    this.controlButton.setAttribute('aria-pressed', String(control));
  }

  /** The connection ended without us: the desktop stopped (the sandbox slept) or access changed. */
  async lost() {
    this.el.classList.remove('in-control');
    try {
      const desktop = await get(this.path());
      if (!this.visible || this.rfb) return;
      if (!desktop.running) return this.offerStart();
    } catch {
      // said below
    }
    this.screen.hidden = true;
    this.status.textContent = 'Disconnected';
    this.placeholderState(state('error', 'The desktop connection ended', 'It may have stopped, or your access changed.',
      h('button', { type: 'button', class: 'button', onclick: () => this.show() }, 'Reconnect')));
  }

  disconnect() {
    const rfb = this.rfb;
    this.rfb = null;
    if (rfb) rfb.disconnect();
    clear(this.screen);
    this.el.classList.remove('in-control');
  }

  async toggleControl() {
    this.control = !this.control;
    await this.connect();
  }
}
