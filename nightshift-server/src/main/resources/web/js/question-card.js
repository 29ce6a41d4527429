// The agent's question or plan in the timeline: what it asks, and, while its turn waits, a form for
// people who may answer (options as choices, or their own words). The answer or review comes back as
// an event for everyone watching, which closes the form everywhere at once.

import { h, append, clear } from './dom.js';
import { renderMarkdown } from './markdown.js';

let formCount = 0;

export class QuestionCard {
  /**
   * @param event the question or plan event
   * @param context {canAnswer(), personName(id), answer(questionId, answers), approvePlan(planId, plan)}
   */
  constructor(event, context) {
    this.event = event;
    this.data = event.data ?? {};
    this.context = context;
    this.plan = event.type === 'plan';
    this.id = this.plan ? this.data.planId : this.data.questionId;
    this.body = h('div', { class: 'question-body' });
    this.status = h('p', { class: 'question-status', role: 'status' });
    this.error = h('p', { class: 'form-error', role: 'alert' });
    this.error.hidden = true;
    this.el = h('div', { class: 'question-card', dataset: { questionId: this.id } },
      h('p', { class: 'question-title' }, this.plan ? 'The agent proposes a plan' : 'The agent asks'),
      this.body, this.error, this.status);
    this.plan ? this.renderPlan() : this.renderQuestions();
  }

  get open() {
    return !this.closed;
  }

  renderQuestions() {
    const questions = this.data.questions ?? [];
    const answerable = this.context.canAnswer();
    const form = h('form', { class: 'question-form', 'aria-label': 'Answer the agent' });
    this.fields = questions.map((q, i) => {
      const name = `q${++formCount}-${i}`;
      const legend = h('legend', {}, q.question ?? '');
      const options = q.options ?? [];
      if (!options.length) {
        const text = h('textarea', { name, rows: 2, 'aria-label': q.question ?? `Answer ${i + 1}`, placeholder: 'Your answer', disabled: !answerable });
        form.append(h('fieldset', { class: 'question' }, legend, text));
        return () => text.value.trim();
      }
      const radios = options.map((option) => h('input', { type: 'radio', name, value: option, disabled: !answerable }));
      const other = h('input', { type: 'text', name: `${name}-other`, placeholder: 'Or in your own words', 'aria-label': `${q.question ?? 'Answer'}: in your own words`, disabled: !answerable });
      other.addEventListener('input', () => { if (other.value) radios.forEach((r) => { r.checked = false; }); });
      radios.forEach((r) => r.addEventListener('change', () => { other.value = ''; }));
      form.append(h('fieldset', { class: 'question' }, legend,
        h('div', { class: 'question-options' }, options.map((option, j) => h('label', { class: 'option' }, radios[j], ` ${option}`))),
        other));
      return () => other.value.trim() || radios.find((r) => r.checked)?.value || '';
    });
    if (answerable) {
      this.submit = h('button', { type: 'submit', class: 'button primary small' }, 'Answer');
      form.append(h('div', { class: 'form-actions' }, this.submit));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        this.send(() => this.context.answer(this.id, this.fields.map((read) => read())));
      });
    }
    this.form = form;
    this.body.append(form);
    this.status.textContent = answerable ? '' : 'Waiting for a member’s answer.';
  }

  renderPlan() {
    const text = this.data.plan ?? '';
    this.body.append(renderMarkdown(h('div', { class: 'markdown plan-text' }), text));
    if (!this.context.canAnswer()) {
      this.status.textContent = 'Waiting for a member to review the plan.';
      return;
    }
    const edit = h('textarea', { rows: 8, 'aria-label': 'The plan as you approve it' });
    edit.value = text;
    const feedback = h('textarea', { rows: 3, 'aria-label': 'What should change', placeholder: 'What should change?' });
    const editor = h('div', { class: 'plan-editor', hidden: true }, edit,
      h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'button primary small',
        onclick: () => this.send(() => this.context.approvePlan(this.id, edit.value)) }, 'Approve as edited')));
    const changes = h('div', { class: 'plan-editor', hidden: true }, feedback,
      h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'button small',
        onclick: () => this.send(() => this.context.answer(this.id, [feedback.value.trim()])) }, 'Send')));
    this.form = h('div', { class: 'plan-actions' },
      h('div', { class: 'form-actions' },
        h('button', { type: 'button', class: 'button primary small', onclick: () => this.send(() => this.context.approvePlan(this.id, null)) }, 'Approve'),
        h('button', { type: 'button', class: 'button small', onclick: () => { editor.hidden = !editor.hidden; changes.hidden = true; } }, 'Edit…'),
        h('button', { type: 'button', class: 'button small', onclick: () => { changes.hidden = !changes.hidden; editor.hidden = true; } }, 'Ask for changes…')),
      editor, changes);
    this.body.append(this.form);
  }

  async send(action) {
    if (this.sending || this.closed) return;
    this.sending = true;
    this.error.hidden = true;
    this.form.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    try {
      await action();
      // the answer's event may already have closed the card (it can arrive before the response)
      if (!this.closed) this.status.textContent = 'Sent; the agent goes on.';
    } catch (e) {
      this.error.textContent = e.message;
      this.error.hidden = false;
      this.form.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    } finally {
      this.sending = false;
    }
  }

  /** The answer (or review) event: the form gives way to what was answered, for everyone. */
  answered(event) {
    const data = event.data ?? {};
    this.close();
    const who = this.context.personName(data.authorId) ?? 'someone';
    if (event.type === 'answer') {
      if (data.timedOut) return this.settle('No answer came in time; the agent went on without one.');
      const asked = this.data.questions ?? [];
      return this.settle(`Answered by ${who}`, h('ol', { class: 'answers' },
        (data.answers ?? []).map((a, i) => h('li', {}, asked[i]?.question ? h('span', { class: 'muted' }, `${asked[i].question} `) : null, h('strong', {}, a)))));
    }
    switch (data.outcome) {
      case 'approved':
        if (data.edited) {
          clear(this.body).append(renderMarkdown(h('div', { class: 'markdown plan-text' }), data.plan ?? ''));
        }
        return this.settle(`Approved by ${who}${data.edited ? ', with edits' : ''}.`);
      case 'changes_requested':
        return this.settle(`${who} asked for changes:`, h('p', { class: 'feedback' }, data.feedback ?? ''));
      default:
        return this.settle('No one reviewed the plan in time; nothing may change until a plan is approved.');
    }
  }

  /** Its turn ended while it waited (stopped): nothing will answer it now. */
  cancelled() {
    if (this.closed) return;
    this.close();
    this.settle('The turn was stopped before an answer came.');
  }

  close() {
    this.closed = true;
    this.form?.remove();
    this.error.hidden = true;
  }

  settle(text, ...extra) {
    this.el.classList.add('settled');
    append(clear(this.status), [text, extra]);
  }
}
