// One session: header (status, sandbox, who is here, Share, Stop), the live timeline with the
// queue and the composer, the Changes tab with the diff, and the details panel.

import { h, append, clear, state, iconButton } from './dom.js';
import { get, post } from './api.js';
import { auth } from './auth.js';
import { initials, repositoryName, sessionTitle } from './format.js';
import { LiveSession } from './live.js';
import { Timeline } from './timeline.js';
import { Composer } from './composer.js';
import { QueueView } from './queue.js';
import { DetailsPanel } from './details.js';
import { DiffView } from './diff-view.js';
import { markSeen } from './unread.js';
import { SessionTree } from './session-tree.js';
import { TerminalView } from './terminal-view.js';
import { DesktopView } from './desktop-view.js';
import { MediaGallery } from './media.js';

const TYPING_SHOWN_MS = 4000;
const STATUS_TEXT = { waiting: 'waiting for an answer' };
const CONNECTION_TEXT = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Connection lost — reconnecting…' };

export class SessionView {
  constructor(sessionId, { navigate, onSeen }) {
    this.sessionId = sessionId;
    this.navigate = navigate;
    // tells the sidebar that this session's status or unread state changed
    this.onSeen = onSeen;
    this.session = null;
    this.participants = [];
    this.typers = new Map();
    this.el = h('section', { class: 'session', 'aria-busy': 'true' }, state('loading', 'Opening session…'));
    this.live = new LiveSession(sessionId, {
      onSnapshot: (snapshot, reconnected) => this.snapshot(snapshot, reconnected),
      onEvents: (events) => this.events(events),
      onQueue: (queue) => this.setQueue(queue),
      onPresence: (people) => this.setPresence(people),
      onTyping: (frame) => this.typing(frame),
      onStatus: (status) => this.connection(status),
      onFatal: (error) => this.fatal(error),
    }, () => this.timeline?.lastSeq ?? 0);
    this.onVisibility = () => {
      this.live.presence(document.visibilityState === 'visible' ? 'active' : 'idle');
      this.markSeen();
    };
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  destroy() {
    this.live.close();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.gallery?.destroy();
    clearInterval(this.typingTimer);
    this.resizes?.disconnect();
    this.terminal?.destroy();
    this.desktop?.destroy();
  }

  fatal(error) {
    this.live.close();
    clear(this.el).append(state('error', 'This session cannot be opened', error.message,
      auth.isShareLink ? null : h('button', { type: 'button', class: 'button', onclick: () => this.navigate('/') }, 'Back to sessions')));
    this.el.removeAttribute('aria-busy');
  }

  get role() {
    return this.session?.role ?? (auth.isShareLink ? 'viewer' : null);
  }

  get canPrompt() {
    return !auth.isShareLink && (this.role === 'owner' || this.role === 'member');
  }

  personName(userId) {
    if (!userId) return null;
    if (userId === auth.userId) return 'You';
    return this.participants.find((p) => p.userId === userId)?.login ?? null;
  }

  /** Builds the layout on the first snapshot; a reconnect's snapshot only merges. */
  snapshot(snapshot, reconnected) {
    this.session = snapshot.session;
    this.participants = snapshot.participants;
    if (!this.timeline) this.build();
    this.updateHeader();
    this.details.setSession(snapshot.session);
    this.details.setArtifacts(snapshot.artifacts);
    this.gallery.set(snapshot.artifacts);
    this.details.setPeople(snapshot.participants, snapshot.presence);
    this.setQueue(snapshot.queue);
    const added = this.timeline.add(snapshot.events);
    if (!reconnected) this.hasMore = snapshot.hasMore;
    this.updateLoadEarlier();
    if (added) this.afterEvents();
    this.el.removeAttribute('aria-busy');
    // a link to one screenshot or video (a pull request's) opens it once the session is there
    const linked = !reconnected && location.hash.startsWith('#media-') ? location.hash.slice('#media-'.length) : null;
    if (linked && this.gallery.items.some((i) => i.id === linked)) {
      this.showTab('media');
      this.gallery.open(linked);
    }
  }

  build() {
    const context = {
      personName: (id) => this.personName(id),
      onTodo: (todos) => this.details.setTodos(todos),
      onArtifact: (artifact) => {
        this.details.addArtifact(artifact);
        this.gallery.add(artifact);
      },
      openMedia: (artifactId) => this.gallery.open(artifactId),
      onGit: () => this.diff.stale = true,
      onSandbox: (sandboxState) => this.setSandbox(sandboxState),
      canAnswer: () => this.canPrompt,
      answer: (questionId, answers) => post(
        `/api/sessions/${encodeURIComponent(this.sessionId)}/questions/${encodeURIComponent(questionId)}/answer`, { answers }),
      approvePlan: (planId, plan) => post(`/api/sessions/${encodeURIComponent(this.sessionId)}/plan/approve`,
        plan == null ? { planId } : { planId, plan }),
      openSession: (id) => this.navigate(`/sessions/${id}`),
      branch: auth.isShareLink ? null : (seq, button) => this.branch(seq, button),
      sessionId: this.sessionId,
    };
    this.details = new DetailsPanel(this.sessionId, {
      canManage: this.role === 'owner' && !auth.isShareLink,
      onParticipantsChanged: () => this.reloadParticipants(),
    });
    this.tree = auth.isShareLink ? null : new SessionTree(this.sessionId, { navigate: this.navigate });
    if (this.tree) {
      this.details.el.prepend(this.tree.el);
      this.tree.refresh().then(() => this.updateHeader());
    }
    this.mediaCount = h('span', { class: 'count' });
    this.gallery = new MediaGallery(this.sessionId, { onCount: (n) => { this.mediaCount.textContent = n ? String(n) : ''; } });
    this.timeline = new Timeline(context);
    this.queue = new QueueView(this.sessionId, { personName: (id) => this.personName(id) });
    this.composer = new Composer(this.sessionId, { onTyping: () => this.live.typing() });
    this.diff = new DiffView(this.sessionId, { onFiles: (n) => { this.changesCount.textContent = n ? String(n) : ''; } });

    this.title = h('h1', { class: 'session-title' });
    this.meta = h('p', { class: 'session-meta' });
    this.statusBadge = h('span', { class: 'status' });
    this.sandboxChip = h('span', { class: 'chip sandbox-chip' });
    this.connectionChip = h('span', { class: 'chip connection', role: 'status' });
    this.presenceList = h('ul', { class: 'presence', 'aria-label': 'Here now' });
    this.stopButton = h('button', { type: 'button', class: 'button danger', onclick: () => this.stop() }, '■ Stop');
    this.shareButton = h('button', { type: 'button', class: 'button', onclick: () => this.share() }, 'Share');
    this.shareDialog = h('dialog', { class: 'share-dialog', 'aria-labelledby': 'share-title' });
    this.typingLine = h('p', { class: 'typing', 'aria-live': 'polite' });
    this.loadEarlier = h('button', { type: 'button', class: 'button small load-earlier', onclick: () => this.loadOlder() }, 'Load earlier events');
    this.scroller = h('div', { class: 'timeline-scroll' }, this.loadEarlier, this.timeline.el,
      h('div', { class: 'timeline-empty' }, state('empty', 'Nothing here yet', 'Send a prompt below to put the agent to work.')));
    this.changesCount = h('span', { class: 'count' });
    this.desktop = new DesktopView(this.sessionId, { canControl: this.canPrompt });

    const tab = (id, label, extra) => h('button', {
      type: 'button', role: 'tab', id: `tab-${id}`, 'aria-controls': `pane-${id}`, 'aria-selected': String(id === 'timeline'),
      onclick: () => this.showTab(id),
    }, label, extra);
    this.tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Session views' },
      tab('timeline', 'Timeline'), tab('changes', 'Changes ', this.changesCount), tab('media', 'Media ', this.mediaCount), tab('terminal', 'Terminal'), tab('desktop', 'Desktop'));
    this.timelinePane = h('div', { class: 'pane timeline-pane', id: 'pane-timeline', role: 'tabpanel', 'aria-labelledby': 'tab-timeline' },
      this.scroller, this.typingLine, this.queue.el, this.composer.el);
    this.changesPane = h('div', { class: 'pane changes-pane', id: 'pane-changes', role: 'tabpanel', 'aria-labelledby': 'tab-changes', hidden: true },
      this.diff.el);
    this.terminal = new TerminalView(this.sessionId, { canType: () => this.canPrompt });
    this.terminalPane = h('div', { class: 'pane terminal-pane', id: 'pane-terminal', role: 'tabpanel', 'aria-labelledby': 'tab-terminal', hidden: true },
      this.terminal.el);
    this.desktopPane = h('div', { class: 'pane desktop-pane', id: 'pane-desktop', role: 'tabpanel', 'aria-labelledby': 'tab-desktop', hidden: true },
      this.desktop.el);
    this.mediaPane = h('div', { class: 'pane media-pane', id: 'pane-media', role: 'tabpanel', 'aria-labelledby': 'tab-media', hidden: true },
      this.gallery.el);

    const header = h('header', { class: 'session-header' },
      h('div', { class: 'session-heading' }, this.title, this.meta),
      h('div', { class: 'session-actions' },
        this.statusBadge, this.sandboxChip, this.connectionChip, this.presenceList,
        this.role === 'owner' && !auth.isShareLink ? this.shareButton : null,
        this.canPrompt ? this.stopButton : null,
        iconButton('Show details', '☰', () => this.el.classList.toggle('details-open'), 'details-toggle')));
    append(clear(this.el), [
      auth.isShareLink ? h('p', { class: 'banner' }, 'You are watching this session through a read-only share link.') : null,
      header, this.tabs,
      h('div', { class: 'session-body' }, h('div', { class: 'session-main' }, this.timelinePane, this.changesPane, this.mediaPane, this.terminalPane, this.desktopPane), this.details.el),
      this.shareDialog]);
    this.scroller.addEventListener('scroll', () => {
      this.pinned = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
    });
    this.pinned = true;
    // a window resized (or a card opened) while reading the newest events keeps them in view
    this.resizes = new ResizeObserver(() => {
      if (this.pinned) this.scroller.scrollTop = this.scroller.scrollHeight;
    });
    this.resizes.observe(this.timeline.el);
    this.resizes.observe(this.scroller);
    this.typingTimer = setInterval(() => this.renderTyping(), 1000);
  }

  updateHeader() {
    const s = this.session;
    document.title = `${sessionTitle(s)} · Nightshift`;
    this.title.textContent = sessionTitle(s);
    append(clear(this.meta), [this.originNote(s), h('span', { title: s.repository }, repositoryName(s.repository)),
      s.baseBranch ? ` · from ${s.baseBranch}` : '', s.workBranch ? ` · on ${s.workBranch}` : '', s.model ? ` · ${s.model}` : '']);
    this.statusBadge.className = `status status-${s.status}`;
    this.statusBadge.textContent = STATUS_TEXT[s.status] ?? s.status;
    this.setSandbox(s.sandboxStatus);
    this.composer.setBlocked(this.blockedReason());
    this.updateStop();
  }

  /**
   * "From automation <name> · " for a session an automation started: a link to it on the Automations
   * page for whoever may see it there (its owner, an administrator), else just the words.
   */
  originNote(s) {
    const lineage = this.lineageNote(s);
    if (lineage) return lineage;
    const other = this.elsewhereNote(s);
    if (other) return other;
    const automationId = s.origin?.kind === 'automation' ? s.origin.automationId : null;
    if (!automationId) return null;
    if (this.originName === undefined && !auth.isShareLink) {
      this.originName = null;
      get(`/api/automations/${encodeURIComponent(automationId)}`, { quiet401: true })
        .then((automation) => { this.originName = automation.name; })
        .catch(() => { this.originName = false; })
        .finally(() => { if (this.session) this.updateHeader(); });
    }
    const label = this.originName ? `automation ${this.originName}` : 'an automation';
    const linked = this.originName && !auth.isShareLink;
    return h('span', { class: 'origin-note' }, 'From ',
      linked
        ? h('a', { href: `/automations#${automationId}`, title: `Automation ${automationId}, run ${s.origin.runId ?? ''}`,
          onclick: (e) => { e.preventDefault(); this.navigate(`/automations#${automationId}`); } }, label)
        : h('span', { title: `Automation ${automationId}` }, label),
      ' · ');
  }

  /** "Branched from <parent> · " for a fork, "Started by <parent> · " for a session another session's agent started. */
  lineageNote(s) {
    if (!s.parentId) return null;
    const parent = this.tree?.parentOf(s);
    const label = parent ? sessionTitle(parent) : 'another session';
    return h('span', { class: 'origin-note lineage-note' }, s.forkedAtSeq != null ? 'Branched from ' : 'Started by ',
      auth.isShareLink ? label : h('a', { href: `/sessions/${s.parentId}`,
        onclick: (e) => { e.preventDefault(); this.navigate(`/sessions/${s.parentId}`); } }, label),
      ' · ');
  }

  /**
   * "From GitHub #12 · ", "From Slack · ", "From Linear · " for a session a GitHub comment or issue, a
   * Slack thread or a Linear issue started: GitHub's thread is linked (its address follows from the
   * repository's), the others are named with their thread or issue id.
   */
  elsewhereNote(s) {
    const kind = s.origin?.kind;
    const id = s.origin?.id ?? '';
    if (kind === 'github-pr' || kind === 'github-issue' || kind === 'github-review') {
      const number = id.slice(id.lastIndexOf('#') + 1);
      const web = /^https?:\/\//.test(s.repository) ? s.repository.replace(/\.git$/, '') : null;
      const label = `GitHub ${kind === 'github-issue' ? 'issue' : 'pull request'} #${number}`;
      const href = web ? `${web}/${kind === 'github-issue' ? 'issues' : 'pull'}/${number}` : null;
      return h('span', { class: 'origin-note' }, 'From ',
        href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer', title: id }, label) : h('span', { title: id }, label),
        ' · ');
    }
    if (kind === 'slack') return h('span', { class: 'origin-note', title: `Slack thread ${id}` }, 'From a Slack thread · ');
    if (kind === 'linear') return h('span', { class: 'origin-note', title: `Linear issue ${id}` }, 'From a Linear issue · ');
    return null;
  }

  blockedReason() {
    if (auth.isShareLink) return 'You are watching through a read-only share link, so you cannot send prompts.';
    if (!this.canPrompt) return 'You can watch this session but not prompt: ask its owner to make you a member.';
    if (this.session.status === 'archived') return 'This session is archived; start a new session to continue.';
    return null;
  }

  setSandbox(sandboxState) {
    if (!this.sandboxChip) return;
    this.sandboxChip.hidden = !sandboxState;
    clear(this.sandboxChip).append(h('span', { class: `dot dot-${sandboxState}`, 'aria-hidden': 'true' }), `sandbox ${sandboxState ?? ''}`);
  }

  connection(status) {
    if (!this.connectionChip) return;
    this.connectionChip.className = `chip connection connection-${status}`;
    this.connectionChip.textContent = CONNECTION_TEXT[status] ?? status;
  }

  events(events) {
    if (!this.timeline) return;
    if (this.timeline.add(events)) this.afterEvents(events);
  }

  afterEvents(events = []) {
    this.el.classList.toggle('has-events', this.timeline.size > 0);
    if (this.pinned) requestAnimationFrame(() => { this.scroller.scrollTop = this.scroller.scrollHeight; });
    this.markSeen();
    if (events.some((e) => e.type === 'turn_complete' || e.type === 'git')) {
      this.diff.stale = true;
      if (!this.changesPane.hidden) this.diff.refresh();
      this.reloadSession();
    } else if (events.some((e) => ['question', 'plan', 'answer', 'plan_review'].includes(e.type))) {
      this.reloadSession(); // waiting for an answer, or going on
    }
    if (events.some((e) => e.type === 'turn_complete' || e.type === 'user_message')) this.onSeen?.();
    if (events.some((e) => e.type === 'turn_complete')) this.tree?.refresh();
  }

  /** "Branch from here": a new session from the end of that turn, then opens it. */
  async branch(seq, button) {
    button.disabled = true;
    try {
      const fork = await post(`/api/sessions/${encodeURIComponent(this.sessionId)}/fork`, { atSeq: seq });
      this.onSeen?.();
      this.navigate(`/sessions/${fork.id}`);
    } catch (e) {
      this.composer.error.textContent = `No branch: ${e.message}`;
      this.composer.error.hidden = false;
      button.disabled = false;
    }
  }

  markSeen() {
    if (this.timeline && document.visibilityState === 'visible') markSeen(this.sessionId, this.timeline.lastSeq);
  }

  setQueue(queue) {
    if (!this.queue) return;
    this.queue.set(queue, this.canPrompt);
    this.updateStop();
  }

  updateStop() {
    const running = this.queue.running;
    this.stopButton.disabled = !running || this.stopping;
    this.stopButton.setAttribute('aria-label', running ? 'Stop the running turn' : 'Stop (nothing is running)');
  }

  async stop() {
    this.stopping = true;
    this.updateStop();
    try {
      await post(`/api/sessions/${encodeURIComponent(this.sessionId)}/stop`);
    } catch (e) {
      this.composer.error.textContent = e.message;
      this.composer.error.hidden = false;
    } finally {
      this.stopping = false;
      this.updateStop();
    }
  }

  async share() {
    this.shareButton.disabled = true;
    try {
      const link = await post(`/api/sessions/${encodeURIComponent(this.sessionId)}/share-links`, { name: 'web share link' });
      const field = h('input', { id: 'share-url', readonly: true, value: link.url, spellcheck: 'false' });
      const copy = h('button', { type: 'button', class: 'button primary', onclick: async () => {
        try {
          await navigator.clipboard.writeText(link.url);
          copy.textContent = 'Copied';
        } catch {
          field.select();
        }
      } }, 'Copy link');
      clear(this.shareDialog).append(
        h('h2', { id: 'share-title' }, 'Read-only link'),
        h('p', { class: 'muted' }, 'Anyone with this link can watch this session live, but not prompt or stop it.'),
        h('label', { for: 'share-url' }, 'Address to share'), field,
        h('div', { class: 'form-actions' },
          h('button', { type: 'button', class: 'button', onclick: () => this.shareDialog.close() }, 'Close'), copy));
      this.shareDialog.showModal();
      field.select();
    } catch (e) {
      alert(`No share link: ${e.message}`);
    } finally {
      this.shareButton.disabled = false;
    }
  }

  async loadOlder() {
    this.loadEarlier.disabled = true;
    try {
      const page = await get(`/api/sessions/${encodeURIComponent(this.sessionId)}/events?before=${this.timeline.firstSeq}&limit=500`);
      this.timeline.add(page.events);
      this.hasMore = page.hasMore;
    } finally {
      this.loadEarlier.disabled = false;
      this.updateLoadEarlier();
    }
  }

  updateLoadEarlier() {
    this.loadEarlier.hidden = !this.hasMore;
  }

  async reloadSession() {
    try {
      this.session = await get(`/api/sessions/${encodeURIComponent(this.sessionId)}`);
      this.updateHeader();
    } catch {
      // the header keeps what it had; the next event tries again
    }
  }

  async reloadParticipants() {
    const { participants } = await get(`/api/sessions/${encodeURIComponent(this.sessionId)}/participants`);
    this.participants = participants;
    this.details.setPeople(participants, null);
  }

  setPresence(people) {
    this.details?.setPeople(null, people);
    if (!this.presenceList) return;
    append(clear(this.presenceList), people.map((p) => h('li', {
      class: `avatar present-${p.status}`, title: `${p.login} (${p.status})`, dataset: { login: p.login },
    }, h('span', { 'aria-hidden': 'true' }, initials(p.login)), h('span', { class: 'visually-hidden' }, `${p.login}, ${p.status}`))));
  }

  typing(frame) {
    if (frame.userId && frame.userId === auth.userId) return;
    this.typers.set(frame.login, Date.now());
    this.renderTyping();
  }

  renderTyping() {
    const now = Date.now();
    for (const [login, at] of this.typers) if (now - at > TYPING_SHOWN_MS) this.typers.delete(login);
    const names = [...this.typers.keys()];
    this.typingLine.textContent = names.length ? `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} typing…` : '';
  }

  showTab(id) {
    for (const button of this.tabs.querySelectorAll('[role=tab]')) button.setAttribute('aria-selected', String(button.id === `tab-${id}`));
    this.timelinePane.hidden = id !== 'timeline';
    this.changesPane.hidden = id !== 'changes';
    this.mediaPane.hidden = id !== 'media';
    if (id === 'changes') this.diff.refresh();
    this.terminalPane.hidden = id !== 'terminal';
    if (id === 'terminal') this.terminal.shown();
    this.desktopPane.hidden = id !== 'desktop';
    if (id === 'desktop') this.desktop.show();
    else this.desktop.hide();
  }
}
