// The agent's screenshots and videos: thumbnails and players for the timeline, the session's Media
// gallery, and a lightbox (click to open large, Esc closes, arrow keys move). An <img> or <video>
// cannot send this tab's bearer token, so their URLs carry a short-lived live token of the session
// (a share link's own secret for a share link), as a preview's do; the server accepts it for this
// session's media only.

import { h, append, clear, state } from './dom.js';
import { post } from './api.js';
import { auth } from './auth.js';

const TOKEN_MARGIN_MS = 5 * 60 * 1000;
const tokens = new Map();

/** A token an element's URL may carry for this session's media, fetched once and renewed before it expires. */
function mediaToken(sessionId) {
  if (auth.isShareLink) return Promise.resolve(auth.token);
  const cached = tokens.get(sessionId);
  if (cached && cached.until > Date.now()) return cached.token;
  const token = post(`/api/sessions/${encodeURIComponent(sessionId)}/live-token`).then((live) => {
    const expires = live.expiresAt ? Date.parse(live.expiresAt) : Date.now() + TOKEN_MARGIN_MS * 2;
    tokens.set(sessionId, { token: Promise.resolve(live.token), until: Math.max(Date.now() + 60_000, expires - TOKEN_MARGIN_MS) });
    return live.token;
  });
  // callers in the meantime share the one request; a failed one is asked again next time
  tokens.set(sessionId, { token, until: Date.now() + 60_000 });
  token.catch(() => tokens.delete(sessionId));
  return token;
}

/** The URL an element loads a screenshot or video from. */
export async function mediaSrc(sessionId, url) {
  const token = await mediaToken(sessionId);
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/** A tool_result's media ref or a media artifact, as one shape: {id, type, url, name, caption, label, width, height, durationMillis}. */
export function mediaItem(source) {
  const data = source.data ?? source;
  return {
    id: source.artifactId ?? source.id,
    type: source.type,
    url: source.url,
    name: data.name ?? source.type,
    caption: data.caption ?? '',
    label: data.label ?? '',
    width: data.width ?? 0,
    height: data.height ?? 0,
    durationMillis: data.durationMillis ?? 0,
  };
}

export function isMedia(artifact) {
  return (artifact?.type === 'screenshot' || artifact?.type === 'video') && Boolean(artifact.url);
}

function describe(item) {
  const seconds = item.type === 'video' && item.durationMillis ? ` · ${Math.round(item.durationMillis / 1000)} s` : '';
  return `${item.name}${item.width ? ` · ${item.width}×${item.height}` : ''}${seconds}`;
}

function labelChip(item) {
  return item.label ? h('span', { class: `badge media-label media-label-${item.label}` }, item.label) : null;
}

/** An <img> or <video> whose source is set once the token is there. */
function element(sessionId, item, { large = false } = {}) {
  const el = item.type === 'video'
    ? h('video', { class: large ? 'media-large' : 'media-video', controls: true, preload: 'metadata', playsinline: true,
      'aria-label': item.caption || item.name })
    : h('img', { class: large ? 'media-large' : 'media-image', alt: item.caption || item.name, loading: 'lazy', decoding: 'async' });
  mediaSrc(sessionId, item.url)
    .then((src) => { el.src = src; })
    .catch(() => el.replaceWith(h('span', { class: 'muted' }, `${item.name} could not be loaded`)));
  return el;
}

/**
 * A thumbnail (a screenshot opens the lightbox) or a small player for the timeline.
 *
 * @param open (artifactId) opens the lightbox, or null
 */
export function mediaThumb(sessionId, item, open) {
  if (item.type === 'video') {
    return h('figure', { class: 'media-thumb', dataset: { artifactId: item.id } }, element(sessionId, item),
      h('figcaption', {}, labelChip(item), item.caption || describe(item)));
  }
  return h('figure', { class: 'media-thumb', dataset: { artifactId: item.id } },
    h('button', { type: 'button', class: 'media-open', title: `Open ${item.name}`, onclick: () => open?.(item.id) },
      element(sessionId, item)),
    h('figcaption', {}, labelChip(item), item.caption || describe(item)));
}

/** The thumbnails of several items (a tool result's), in a row. */
export function mediaStrip(sessionId, items, open) {
  if (!items.length) return null;
  return h('div', { class: 'media-strip', role: 'group', 'aria-label': 'Screenshots and videos' },
    items.map((item) => mediaThumb(sessionId, item, open)));
}

/** The session's screenshots and videos as a grid, and the lightbox that shows one large. */
export class MediaGallery {
  constructor(sessionId, { onCount } = {}) {
    this.sessionId = sessionId;
    this.onCount = onCount ?? (() => {});
    this.items = [];
    this.grid = h('ul', { class: 'media-grid', 'aria-label': 'Screenshots and videos' });
    this.el = h('div', { class: 'media-gallery' }, this.grid);
    this.dialog = h('dialog', { class: 'lightbox', 'aria-label': 'Screenshot or video' });
    // on the document: moving redraws the dialog, and the focused button goes with it
    this.onKey = (e) => {
      if (!this.dialog.open || e.target?.tagName === 'VIDEO') return;
      if (e.key === 'ArrowRight') { e.preventDefault(); this.move(1); }
      if (e.key === 'ArrowLeft') { e.preventDefault(); this.move(-1); }
    };
    document.addEventListener('keydown', this.onKey);
    this.dialog.addEventListener('click', (e) => { if (e.target === this.dialog) this.dialog.close(); });
    this.dialog.addEventListener('close', () => this.dialog.querySelector('video')?.pause());
    document.body.append(this.dialog);
    this.render();
  }

  destroy() {
    document.removeEventListener('keydown', this.onKey);
    this.dialog.remove();
  }

  /** All artifacts of a snapshot; only media are kept. */
  set(artifacts) {
    this.items = artifacts.filter(isMedia).map(mediaItem);
    this.render();
  }

  add(artifact) {
    if (!isMedia(artifact) || this.items.some((i) => i.id === artifact.id)) return;
    this.items.push(mediaItem(artifact));
    this.render();
  }

  render() {
    this.onCount(this.items.length);
    clear(this.grid);
    if (!this.items.length) {
      this.grid.append(h('li', { class: 'media-empty' }, state('empty', 'No screenshots or videos yet',
        'When the agent takes a screenshot or records a video in its browser, it shows up here.')));
      return;
    }
    append(this.grid, this.items.map((item) => h('li', { class: 'media-cell', dataset: { artifactId: item.id, type: item.type } },
      h('button', { type: 'button', class: 'media-open', title: `Open ${item.name}`, onclick: () => this.open(item.id) },
        item.type === 'video' ? h('span', { class: 'media-video-mark', 'aria-hidden': 'true' }, 'VIDEO') : null,
        element(this.sessionId, item)),
      h('p', { class: 'media-caption' }, labelChip(item), item.caption || item.name))));
    // a video in the grid is a poster for the lightbox, not a player
    for (const video of this.grid.querySelectorAll('video')) {
      video.controls = false;
      video.tabIndex = -1;
    }
  }

  /** Opens one item large; its neighbours are an arrow key away. */
  open(artifactId) {
    const index = this.items.findIndex((i) => i.id === artifactId);
    if (index < 0) return;
    this.index = index;
    this.show();
    if (!this.dialog.open) this.dialog.showModal();
  }

  move(step) {
    if (!this.items.length) return;
    this.index = (this.index + step + this.items.length) % this.items.length;
    this.show();
  }

  show() {
    const item = this.items[this.index];
    this.dialog.querySelector('video')?.pause();
    clear(this.dialog).append(h('div', { class: 'lightbox-frame' },
      h('div', { class: 'lightbox-bar' },
        h('p', { class: 'lightbox-title' }, labelChip(item), h('span', {}, describe(item)),
          h('span', { class: 'muted' }, ` · ${this.index + 1} of ${this.items.length}`)),
        h('button', { type: 'button', class: 'button small', onclick: () => this.move(-1), 'aria-label': 'Previous' }, '‹ Prev'),
        h('button', { type: 'button', class: 'button small', onclick: () => this.move(1), 'aria-label': 'Next' }, 'Next ›'),
        h('button', { type: 'button', class: 'button small lightbox-close', onclick: () => this.dialog.close(), 'aria-label': 'Close' }, 'Close')),
      h('div', { class: 'lightbox-body' }, element(this.sessionId, item, { large: true })),
      item.caption ? h('p', { class: 'lightbox-caption' }, item.caption) : null));
    // the redraw took the focused button away: keep the focus in the dialog
    if (this.dialog.open) this.dialog.querySelector('.lightbox-close')?.focus();
  }
}
