// The session's Terminal tab: a shell in the session's sandbox, for its members and owners, through
// xterm.js (loaded only when a terminal is opened) over /api/sessions/{id}/terminal. What members
// type is recorded in the session's log. Viewers are told the terminal is for members and get no
// input at all (the server refuses them too).

import { h, append, clear, state } from './dom.js';
import { post } from './api.js';

/** At most one input frame this often: keeps typing and pastes under the socket's message limit. */
const INPUT_INTERVAL_MS = 100;
/** Characters per input frame (a frame is at most 16 KiB, JSON-escaped control keys take 6 bytes). */
const INPUT_CHUNK_CHARS = 2000;

export class TerminalView {
  constructor(sessionId, { canType }) {
    this.sessionId = sessionId;
    this.canType = canType;
    this.el = h('div', { class: 'terminal-view' });
    this.render();
  }

  /** The viewer's note, or the member's Open button (again after a terminal closed). */
  render(closedReason) {
    this.term?.dispose();
    this.term = null;
    this.stopStyles?.();
    if (!this.canType()) {
      append(clear(this.el), [state('empty', 'The terminal is for members',
        'You are watching this session. Only its members and owners can open a terminal in its sandbox; ask its owner to make you a member.')]);
      return;
    }
    append(clear(this.el), [state('empty', closedReason ? 'The terminal closed' : 'A shell in the session’s sandbox',
      closedReason ?? 'Run commands in the session’s workspace. What you type is recorded in the session’s log, with your name.',
      h('button', { type: 'button', class: 'button primary', onclick: () => this.open() },
        closedReason ? 'Open a new terminal' : 'Open terminal'))]);
  }

  async open() {
    if (!this.canType()) return this.render();
    this.status = h('p', { class: 'terminal-status', role: 'status' }, 'Starting the sandbox…');
    this.screen = h('div', { class: 'terminal-screen', 'aria-label': 'Terminal' });
    const close = h('button', { type: 'button', class: 'button small', onclick: () => this.close('You closed the terminal.') }, 'Close');
    append(clear(this.el), [h('div', { class: 'terminal-bar' }, this.status, close), this.screen]);
    let xterm;
    let fit;
    let token;
    try {
      [xterm, fit, { token }] = await Promise.all([import('/vendor/xterm/xterm.mjs'), import('/vendor/xterm/addon-fit.mjs'),
        post(`/api/sessions/${encodeURIComponent(this.sessionId)}/live-token`)]);
    } catch (e) {
      return this.render(`The terminal could not start: ${e.message}`);
    }
    this.stopStyles = mirrorStyles(this.screen);
    const colors = getComputedStyle(document.documentElement);
    const term = new xterm.Terminal({
      cursorBlink: true,
      fontFamily: colors.getPropertyValue('--mono').trim() || 'monospace',
      fontSize: 13,
      scrollback: 5000,
      theme: {
        background: colors.getPropertyValue('--terminal-bg').trim() || '#1e2233',
        foreground: colors.getPropertyValue('--terminal-text').trim() || '#e5e7f0',
      },
    });
    this.term = term;
    this.fitter = new fit.FitAddon();
    term.loadAddon(this.fitter);
    term.open(this.screen);
    this.fit();
    this.resizes = new ResizeObserver(() => this.fit());
    this.resizes.observe(this.screen);

    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/api/sessions/${encodeURIComponent(this.sessionId)}/terminal`);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.pending = '';
    this.lastSent = 0;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'open', token, cols: term.cols, rows: term.rows }));
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return term.write(new Uint8Array(message.data));
      const frame = JSON.parse(message.data);
      if (frame.type === 'ready') {
        this.status.textContent = 'Connected: what you type is recorded in the session’s log.';
        term.focus();
      } else if (frame.type === 'exit') {
        this.closedReason = frame.stopped ? 'The session was stopped, which ended the shell.' : `The shell ended (exit code ${frame.code}).`;
      } else if (frame.type === 'error') {
        this.closedReason = frame.message;
        this.status.textContent = frame.message;
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.resizes?.disconnect();
      this.render(this.closedReason ?? (event.reason || 'The connection to the terminal was lost.'));
      this.closedReason = null;
    };
    term.onData((data) => this.type(data));
    term.onResize(({ cols, rows }) => this.sendNow({ type: 'resize', cols, rows }));
  }

  /** Typing is sent at once, then at most every INPUT_INTERVAL_MS (keys typed meanwhile go together). */
  type(data) {
    this.pending += data;
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastSent + INPUT_INTERVAL_MS - Date.now());
    this.flushTimer = setTimeout(() => this.flushInput(), wait);
  }

  flushInput() {
    this.flushTimer = null;
    if (!this.pending) return;
    const chunk = this.pending.slice(0, INPUT_CHUNK_CHARS);
    this.pending = this.pending.slice(chunk.length);
    this.sendNow({ type: 'input', data: chunk });
    this.lastSent = Date.now();
    if (this.pending) this.flushTimer = setTimeout(() => this.flushInput(), INPUT_INTERVAL_MS);
  }

  sendNow(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  fit() {
    if (!this.term || !this.screen.offsetParent) return; // hidden: sized when shown
    try {
      this.fitter.fit();
    } catch {
      // not laid out yet
    }
  }

  /** The tab became visible. */
  shown() {
    this.fit();
    this.term?.focus();
  }

  close(reason) {
    clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const socket = this.socket;
    this.socket = null;
    this.resizes?.disconnect();
    socket?.close(1000, 'closed by the user');
    this.render(reason);
  }

  destroy() {
    if (this.socket) this.close();
    this.term?.dispose();
    this.stopStyles?.();
  }
}

/**
 * xterm.js styles its screen through <style> elements, which the page's Content-Security-Policy
 * (style-src 'self') does not apply. Their text is mirrored into constructed stylesheets adopted by
 * the document, which the policy allows, as often as xterm rewrites it. Returns the undo.
 */
function mirrorStyles(root) {
  const sheets = new Map();
  const sync = () => {
    for (const el of root.querySelectorAll('style')) {
      let sheet = sheets.get(el);
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheets.set(el, sheet);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
      }
      sheet.replaceSync(el.textContent);
    }
  };
  const observer = new MutationObserver(sync);
  observer.observe(root, { childList: true, subtree: true, characterData: true });
  return () => {
    observer.disconnect();
    const ours = new Set(sheets.values());
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => !ours.has(s));
  };
}
