// Submit a job: a job class of the scenario (its fields are the defaults), or
// a custom description in JSON as POST /v1/jobs takes it. The answer shows
// where the job went, or why it waits or was refused.
import { api } from '../api.js';
import { h, fill, field } from '../dom.js';
import { t } from '../i18n/index.js';
import { chip, errorText, jobKindText, statusBadge } from '../labels.js';

export function submitView(ctx) {
  const classes = ctx.scenario?.classes || [];
  const byTenant = new Map();
  for (const c of classes) byTenant.set(c.tenant, [...(byTenant.get(c.tenant) || []), c]);

  const classSel = h('select', { required: true },
    [...byTenant].map(([tenant, list]) => h('optgroup', { label: tenant },
      list.map((c) => h('option', { value: c.name }, `${c.name} (${jobKindText(c.kind)} · ${c.model})`)))));
  const note = h('p', { class: 'hint note' });
  const showNote = () => { note.textContent = classes.find((c) => c.name === classSel.value)?.note || ''; };
  classSel.addEventListener('change', showNote);
  showNote();
  const extId = h('input', { type: 'text', autocomplete: 'off' });
  const custom = h('textarea', { rows: 7, spellcheck: 'false', placeholder: '{"class": "bank-embed-batch", "tenant": "bank", "devices": 2}' });
  const result = h('div', { class: 'result', role: 'status', 'data-testid': 'submit-result' });

  async function send(body) {
    result.className = 'result';
    result.textContent = t('submit.sending');
    try {
      const r = await api.submit(body);
      const j = r.job;
      result.className = 'result ok';
      fill(result,
        h('strong', {}, t(r.duplicate ? 'submit.duplicate' : 'submit.accepted', { id: j.id })), ' ',
        statusBadge(j.status), ' ', j.accelerator ? [chip(j.accelerator, j.origin), ' '] : null,
        h('span', { class: 'reason' }, j.reason), ' ',
        h('a', { href: `#/queue/${j.id}` }, t('submit.explain')));
      ctx.refresh();
    } catch (e) {
      result.className = 'result error';
      result.textContent = errorText(e);
    }
  }

  const byClass = h('form', {
    class: 'card',
    onsubmit: (ev) => {
      ev.preventDefault();
      const body = { class: classSel.value };
      if (extId.value.trim()) body.external_id = extId.value.trim();
      send(body);
    },
  },
  h('h2', {}, t('submit.by_class')),
  classes.length ? [field(t('submit.class'), classSel), note, field(t('submit.external_id'), extId, t('submit.external_id_hint')),
    h('button', { type: 'submit', class: 'primary' }, t('submit.submit'))] : h('p', { class: 'empty' }, t('submit.no_classes')));

  const byJson = h('form', {
    class: 'card',
    onsubmit: (ev) => {
      ev.preventDefault();
      let body;
      try {
        body = JSON.parse(custom.value);
      } catch (e) {
        result.className = 'result error';
        result.textContent = t('submit.bad_json', { message: e.message });
        return;
      }
      send(body);
    },
  },
  h('h2', {}, t('submit.custom')),
  field(t('submit.custom_label'), custom, t('submit.custom_hint')),
  h('button', { type: 'submit' }, t('submit.submit_custom')));

  return { el: h('div', { class: 'submit' }, result, h('div', { class: 'two' }, byClass, byJson)), refresh: () => {} };
}
