// The console's community directory: search (words, postcode, age, day, free), a service page with its history of
// changes, admins' editing of a service's details, and from a referral a one-step signpost or an onward referral with
// the person's consent. The console mounts it with its own api() helper (session cookie + CSRF token) and the user's
// roles (only the double-submit guard comes from common.js), e.g.
//   import { mountDirectory } from './directory.js';
//   mountDirectory(document.getElementById('directory-root'), { api, referralId, roles });
// It builds its DOM with textContent only (no HTML from data), so the console's strict CSP holds.
import { oneAtATime } from './common.js';

const STATUSES = [['active', 'Active'], ['temporarily closed', 'Temporarily closed'], ['inactive', 'Inactive'],
  ['defunct', 'Defunct (closed for good)']];

// The editable fields, in form order: [field, label, kind, hint].
const EDITABLE = [
  ['name', 'Name', 'text'],
  ['description', 'Description', 'textarea'],
  ['status', 'Status', 'status'],
  ['url', 'Web address', 'url', 'A full address, starting with https://'],
  ['email', 'Email', 'email'],
  ['fees', 'Fees', 'text', 'What it costs, in words, e.g. "Free" or "£2 a session"'],
  ['eligibility_description', 'Who it is for', 'textarea'],
  ['minimum_age', 'Minimum age', 'age', 'Leave blank for no minimum'],
  ['maximum_age', 'Maximum age', 'age', 'Leave blank for no maximum'],
  ['application_process', 'How to join', 'textarea'],
];

const FIELD_NAMES = Object.fromEntries([...EDITABLE.map(([name, label]) => [name, label]),
  ['phone', 'Phone'], ['phone description', 'Phone description'], ['schedule', 'When'], ['capacity', 'Capacity']]);

const SOURCES = { edit: 'edited', import: 'import', provider: 'provider', report: 'report', capacity: 'capacity' };

const DAYS = [['', 'Any day'], ['MO', 'Monday'], ['TU', 'Tuesday'], ['WE', 'Wednesday'], ['TH', 'Thursday'],
  ['FR', 'Friday'], ['SA', 'Saturday'], ['SU', 'Sunday']];

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.substring(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** An NHS.UK form group: the label above its control. */
function field(label, input) {
  return el('div', { class: 'nhsuk-form-group' }, el('label', { class: 'nhsuk-label', for: input.id }, label), input);
}

/** An NHS.UK checkbox with its label. */
function checkbox(input, label) {
  input.className = 'nhsuk-checkboxes__input';
  return el('div', { class: 'nhsuk-form-group' }, el('div', { class: 'nhsuk-checkboxes nhsuk-checkboxes--small' },
    el('div', { class: 'nhsuk-checkboxes__item' }, input, el('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: input.id }, label))));
}

/** A row of an NHS.UK summary list. */
function summaryRow(term, value) {
  return el('div', { class: 'nhsuk-summary-list__row' }, el('dt', { class: 'nhsuk-summary-list__key' }, term),
    el('dd', { class: 'nhsuk-summary-list__value' }, value));
}

// A service that is not active, tagged in the results: a defunct or inactive one takes no one (the server refuses a
// signpost or onward referral to it), and a worker choosing from the list should not have to open each to find out.
const STATUS_TAGS = { 'defunct': ['closed for good', 'red'], 'inactive': ['inactive', 'grey'],
  'temporarily closed': ['temporarily closed', 'yellow'] };
const TAKES_NO_ONE = ['defunct', 'inactive'];

function statusTag(status) {
  const [text, colour] = STATUS_TAGS[status] || [status, 'grey'];
  return el('strong', { class: `nhsuk-tag nhsuk-tag--${colour} directory-status` }, text);
}

function problemText(status, data) {
  if (data && data.detail) return data.detail;
  return status === 401 ? 'Your session has ended. Please sign in again.' : `The directory answered ${status}.`;
}

export function mountDirectory(root, { api, referralId = null, pageSize = 20, roles = [] }) {
  const isAdmin = roles.includes('admin');
  const state = { page: 1, total: 0 };
  const words = el('input', { type: 'search', name: 'search', id: 'directory-search', class: 'nhsuk-input nhsuk-input--width-20' });
  const postcode = el('input', { name: 'postcode', id: 'directory-postcode', size: '8', autocomplete: 'off',
    class: 'nhsuk-input nhsuk-input--width-10' });
  const age = el('input', { name: 'age', id: 'directory-age', type: 'number', min: '0', max: '150', size: '4',
    class: 'nhsuk-input nhsuk-input--width-3' });
  const day = el('select', { name: 'day', id: 'directory-day', class: 'nhsuk-select' }, ...DAYS.map(([value, text]) => el('option', { value }, text)));
  const free = el('input', { type: 'checkbox', name: 'free', id: 'directory-free' });
  const count = el('p', { 'aria-live': 'polite', id: 'directory-count' });
  const results = el('ol', { class: 'nhsuk-list nhsuk-list--border', id: 'directory-results' });
  const detail = el('div', { id: 'directory-detail', hidden: '' });
  const message = el('p', { role: 'alert', class: 'message', hidden: '' });
  // Always in the page, so that screen readers hear what is written into it; empty, it takes no room.
  const announce = el('p', { role: 'status', class: 'announcement', id: 'directory-announcement' });
  const previous = el('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary', onclick: () => { state.page -= 1; search(); } }, 'Previous');
  const next = el('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary', onclick: () => { state.page += 1; search(); } }, 'Next');
  const form = el('form', { role: 'search', class: 'inline-form', onsubmit: (e) => { e.preventDefault(); state.page = 1; search(); } },
    field('What are they looking for?', words), field('Near postcode', postcode), field('Age', age), field('Day', day),
    checkbox(free, 'Free only'), el('button', { type: 'submit', class: 'nhsuk-button' }, 'Search'));
  const list = el('div', {}, form, count, results, el('nav', { class: 'nhsuk-button-group', 'aria-label': 'Pages' }, previous, next));
  root.replaceChildren(message, announce, list, detail);

  function say(text) {
    message.textContent = text || '';
    message.hidden = !text;
  }

  async function search() {
    say('');
    const params = new URLSearchParams({ page: String(state.page), per_page: String(pageSize) });
    if (words.value.trim()) params.set('search', words.value.trim());
    if (postcode.value.trim()) params.set('postcode', postcode.value.trim());
    if (age.value) params.set('age', age.value);
    if (day.value) params.set('day', day.value);
    if (free.checked) params.set('cost', 'free');
    const { status, data } = await api('GET', `/api/directory/search?${params}`);
    if (status !== 200) { say(problemText(status, data)); return; }
    state.total = data.total;
    count.textContent = `${data.total} ${data.total === 1 ? 'service' : 'services'}`;
    results.replaceChildren(...data.results.map((r) => el('li', {},
      el('button', { type: 'button', class: 'link-button', onclick: () => open(r.id) }, r.name),
      r.organization ? el('span', { class: 'nhsuk-u-secondary-text-colour' }, ` ${r.organization}`) : null,
      r.status && r.status !== 'active' ? ' ' : null,
      r.status && r.status !== 'active' ? statusTag(r.status) : null,
      r.distance_km !== undefined ? ' ' : null,
      r.distance_km !== undefined ? el('strong', { class: 'nhsuk-tag nhsuk-tag--blue' }, `${r.distance_km} km`) : null,
      r.freshness && r.freshness.stale ? ' ' : null,
      r.freshness && r.freshness.stale ? el('strong', { class: 'nhsuk-tag nhsuk-tag--orange' }, r.freshness.report ? `reported ${r.freshness.report}` : 'not confirmed recently') : null,
      r.freshness && r.freshness.capacity !== 'open' ? ' ' : null,
      r.freshness && r.freshness.capacity !== 'open' ? el('strong', { class: 'nhsuk-tag nhsuk-tag--yellow' }, r.freshness.capacity === 'full' ? 'full' : 'waiting list') : null,
      el('div', {}, r.schedules.join('; ')),
      el('div', { class: 'nhsuk-u-secondary-text-colour' }, r.taxonomy_terms.join(', ')))));
    previous.disabled = state.page <= 1;
    next.disabled = state.page * pageSize >= state.total;
  }

  async function open(id, focusHeading = true) {
    say('');
    if (focusHeading) announce.textContent = '';
    const { status, data } = await api('GET', `/directory/services/${encodeURIComponent(id)}`);
    if (status !== 200) { say(problemText(status, data)); return; }
    const fresh = await api('GET', `/api/directory/services/${encodeURIComponent(id)}/freshness`);
    const freshness = fresh.status === 200 ? fresh.data : { capacity: 'open' };
    list.hidden = true;
    detail.hidden = false;
    const place = (data.service_at_locations[0] || {}).location || {};
    const address = (place.addresses || [])[0];
    const phones = [...(data.phones || []), ...(data.contacts || []).flatMap((c) => c.phones || [])].map((p) => p.number);
    // replaceChildren writes a null as the text "null": leave out the parts this service does not have.
    detail.replaceChildren(...[
      el('h2', { tabindex: '-1', id: 'directory-service-name', class: 'nhsuk-heading-m' }, data.name),
      data.status !== 'active' ? el('p', { class: 'message' }, `This service is ${data.status}.`) : null,
      el('p', {}, data.description || ''),
      el('dl', { class: 'nhsuk-summary-list' },
        summaryRow('Run by', (data.organization || {}).name || '—'),
        summaryRow('Where', [place.name, address && address.address_1, address && address.postal_code].filter(Boolean).join(', ') || '—'),
        summaryRow('When', (data.schedules || []).map((s) => s.description || `${s.byday} ${s.opens_at}-${s.closes_at}`).join('; ') || '—'),
        summaryRow('Ages', [data.minimum_age, data.maximum_age].some((a) => a !== undefined)
          ? `${data.minimum_age ?? 0} to ${data.maximum_age ?? 'any age'}` : 'All ages'),
        summaryRow('Cost', [data.fees, ...(data.cost_options || []).map((c) => c.amount_description || c.option)]
          .filter(Boolean).join('; ') || '—'),
        summaryRow('Contact', [data.email, ...phones].filter(Boolean).join(', ') || '—'),
        data.url ? summaryRow('Web address', data.url) : null,
        data.eligibility_description ? summaryRow('Who it is for', data.eligibility_description) : null,
        data.application_process ? summaryRow('How to join', data.application_process) : null,
        summaryRow('Last updated', data.last_modified ? data.last_modified.substring(0, 10) : 'not known'),
        summaryRow('Last confirmed', freshness.lastConfirmed ? freshness.lastConfirmed.substring(0, 10) : 'not yet')),
      freshness.stale ? el('p', { class: 'message' }, freshness.report
        ? `A link worker reported this service ${freshness.report}${freshness.reportNote ? `: ${freshness.reportNote}` : ''}. Check before referring.`
        : 'These details have not been confirmed for a while. Check before referring.') : null,
      isAdmin ? el('p', {}, el('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary', id: 'directory-edit',
        onclick: () => edit(data.id) }, 'Edit details')) : null,
      reportActions(data),
      referralId && TAKES_NO_ONE.includes(data.status)
        ? el('p', { class: 'nhsuk-inset-text', id: 'directory-takes-no-one' },
          'This service takes no one now: it cannot be signposted or referred to. Choose another from the results.')
        : null,
      referralId && !TAKES_NO_ONE.includes(data.status) ? referralActions(data, freshness) : null,
      changes(data.id),
      el('button', { type: 'button', class: 'nhsuk-back-link', onclick: back }, 'Back to the results')].filter(Boolean));
    if (focusHeading) detail.querySelector('h2').focus();
  }

  // Who changed what: admins' edits, imports, providers' answers and link workers' reports, newest first.
  function changes(id) {
    const entries = el('ol', { class: 'nhsuk-list nhsuk-list--border', id: 'directory-changes' });
    const more = el('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary', hidden: '' }, 'Show older changes');
    const note = el('p', { class: 'nhsuk-hint' });
    let page = 0;
    async function load() {
      page += 1;
      const { status, data } = await api('GET', `/api/directory/services/${encodeURIComponent(id)}/history?per_page=10&page=${page}`);
      if (status !== 200) { note.textContent = problemText(status, data); return; }
      entries.append(...data.items.map(changeEntry));
      note.textContent = data.total === 0 ? 'No changes recorded yet.' : '';
      more.hidden = page * 10 >= data.total;
    }
    more.addEventListener('click', load);
    load();
    return el('section', { 'aria-labelledby': 'directory-changes-title' },
      el('h3', { id: 'directory-changes-title', class: 'nhsuk-heading-s' }, 'Changes'), note, entries, more);
  }

  function changeEntry(entry) {
    const when = new Date(entry.at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    return el('li', { class: 'entry' },
      el('span', { class: 'entry-heading' }, `${when}, ${entry.by} (${SOURCES[entry.source] || entry.source})`),
      el('span', { class: 'entry-text' }, entry.summary),
      entry.changes.length ? el('ul', { class: 'nhsuk-list nhsuk-list--bullet' }, ...entry.changes.map((c) => el('li', {},
        `${FIELD_NAMES[c.field] || c.field}: ${c.old ?? '(none)'} → ${c.new ?? '(none)'}`))) : null);
  }

  // Admins correct a service's details. The form is saved with If-Match, so a change someone else made in between is
  // not overwritten: the admin is told and can reload.
  async function edit(id) {
    say('');
    const { status, data, etag } = await api('GET', `/api/directory/services/${encodeURIComponent(id)}`);
    if (status !== 200) { say(problemText(status, data)); return; }
    const inputs = {};
    const summary = el('div', { class: 'nhsuk-error-summary', role: 'alert', tabindex: '-1', id: 'edit-errors', hidden: '' });
    const conflict = el('div', { class: 'message', role: 'alert', id: 'edit-conflict', hidden: '' });
    const rows = [];
    function input(key, label, kind, value, hint) {
      const id = `edit-${key.replace(/[^a-z0-9]+/gi, '-')}`;
      let control;
      if (kind === 'textarea') control = el('textarea', { id, rows: '3', class: 'nhsuk-textarea' });
      else if (kind === 'status') control = el('select', { id, class: 'nhsuk-select' }, ...STATUSES.map(([v, text]) => el('option', { value: v }, text)));
      else if (kind === 'age') control = el('input', { id, type: 'number', min: '0', max: '150', step: 'any', inputmode: 'decimal', class: 'nhsuk-input nhsuk-input--width-3' });
      else control = el('input', { id, type: kind === 'email' ? 'email' : kind === 'url' ? 'url' : kind === 'tel' ? 'tel' : 'text', class: 'nhsuk-input' });
      control.value = value ?? '';
      const hintNode = hint ? el('div', { class: 'nhsuk-hint', id: `${id}-hint` }, hint) : null;
      const error = el('span', { class: 'nhsuk-error-message', id: `${id}-error`, hidden: '' });
      control.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' '));
      const group = el('div', { class: 'nhsuk-form-group' }, el('label', { for: id, class: 'nhsuk-label' }, label), hintNode, error, control);
      inputs[key] = { control, error, label, group };
      rows.push(group);
    }
    for (const [key, label, kind, hint] of EDITABLE) input(key, label, kind, data[key], hint);
    data.phones.forEach((p, i) => input(`phones[${i}].number`, data.phones.length > 1 ? `Phone ${i + 1}` : 'Phone', 'tel', p.number));
    data.schedules.forEach((s, i) => input(`schedules[${i}].description`, data.schedules.length > 1 ? `When (${i + 1})` : 'When',
      'text', s.description, 'As people should read it, e.g. "Thursdays, 10:30 to 11:30"'));

    function showErrors(errors) {
      for (const { control, error, group } of Object.values(inputs)) {
        control.removeAttribute('aria-invalid');
        control.classList.remove(`${control.classList[0]}--error`);
        group.classList.remove('nhsuk-form-group--error');
        error.hidden = true;
        error.textContent = '';
      }
      const items = [];
      for (const problem of errors) {
        const target = inputs[problem.field];
        const text = `${target ? target.label : problem.field} ${problem.detail}`;
        if (target) {
          target.control.setAttribute('aria-invalid', 'true');
          target.control.classList.add(`${target.control.classList[0]}--error`);
          target.group.classList.add('nhsuk-form-group--error');
          target.error.textContent = text;
          target.error.hidden = false;
          items.push(el('li', {}, el('a', { href: `#${target.control.id}`,
            onclick: (e) => { e.preventDefault(); target.control.focus(); } }, text)));
        } else {
          items.push(el('li', {}, text));
        }
      }
      summary.replaceChildren(el('h3', { class: 'nhsuk-error-summary__title' }, 'There is a problem'),
        el('div', { class: 'nhsuk-error-summary__body' }, el('ul', { class: 'nhsuk-list nhsuk-error-summary__list' }, ...items)));
      summary.hidden = errors.length === 0;
      if (errors.length) summary.focus();
    }

    async function save(event) {
      event.preventDefault();
      conflict.hidden = true;
      const body = {};
      for (const [key, , kind] of EDITABLE) {
        const value = inputs[key].control.value.trim();
        body[key] = kind === 'age' ? (value === '' ? null : Number(value)) : (value === '' ? null : value);
      }
      body.phones = data.phones.map((p, i) => ({ id: p.id, number: inputs[`phones[${i}].number`].control.value.trim() }));
      body.schedules = data.schedules.map((s, i) => ({ id: s.id, description: inputs[`schedules[${i}].description`].control.value.trim() || null }));
      const saved = await api('PUT', `/api/directory/services/${encodeURIComponent(id)}`, body, { 'If-Match': etag });
      if (saved.status === 200) {
        showErrors([]);
        await open(id, false);
        say('');
        announce.textContent = 'Saved. The new details show in search and the Open Referral API now.';
        detail.querySelector('h2').focus();
      } else if (saved.status === 412) {
        conflict.replaceChildren(el('p', {}, 'Someone else changed these details after you opened them, so yours were not saved.'),
          el('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary', id: 'edit-reload', onclick: () => edit(id) }, 'Reload the latest details'));
        conflict.hidden = false;
        conflict.querySelector('button').focus();
      } else if (saved.status === 422 && saved.data && saved.data.errors) {
        showErrors(saved.data.errors);
      } else {
        showErrors([{ field: 'form', detail: problemText(saved.status, saved.data) }]);
      }
    }

    list.hidden = true;
    detail.hidden = false;
    announce.textContent = '';
    detail.replaceChildren(
      el('h2', { tabindex: '-1', id: 'edit-title', class: 'nhsuk-heading-m' }, `Edit details: ${data.name}`),
      el('p', { class: 'nhsuk-hint' }, 'Saving counts as confirming these details are right today.'),
      summary, conflict,
      el('form', { id: 'edit-form', novalidate: '', onsubmit: oneAtATime(save) }, ...rows,
        el('div', { class: 'nhsuk-button-group' }, el('button', { type: 'submit', class: 'nhsuk-button' }, 'Save'),
          el('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary', onclick: () => open(id) }, 'Cancel'))));
    detail.querySelector('h2').focus();
  }

  function reportActions(service) {
    const outcome = el('span', { 'aria-live': 'polite' });
    async function report(kind) {
      const note = window.prompt(kind === 'closed' ? 'Anything to add? (optional)' : 'What has changed?') ?? null;
      if (note === null) return;
      const { status, data } = await api('POST', `/api/directory/services/${encodeURIComponent(service.id)}/reports`, { kind, note });
      outcome.textContent = status === 200 ? ' Thank you; the directory team will check it.' : ` ${problemText(status, data)}`;
    }
    return el('p', {}, 'Something wrong? ',
      el('button', { type: 'button', class: 'link-button', onclick: () => report('closed') }, 'Report closed'), ' ',
      el('button', { type: 'button', class: 'link-button', onclick: () => report('changed') }, 'Report changed'), outcome);
  }

  function referralActions(service, freshness = { capacity: 'open' }) {
    const note = el('textarea', { id: 'directory-note', maxlength: '1000', rows: '2', class: 'nhsuk-textarea' });
    const consent = el('input', { type: 'checkbox', id: 'directory-consent' });
    const outcome = el('p', { 'aria-live': 'polite' });
    // A double click sent the service two onward referrals (two emails about the person): one at a time.
    const post = oneAtATime(async (kind) => {
      const body = { serviceId: service.id, note: note.value || undefined };
      if (kind === 'onward-referrals') {
        if (!consent.checked) { outcome.textContent = 'Record the person\'s consent first.'; return; }
        if (freshness.capacity !== 'open' && !window.confirm(`This service says it is ${freshness.capacity === 'full' ? 'full' : 'running a waiting list'}. Refer anyway?`)) return;
        body.consent = true;
      }
      const { status, data } = await api('POST', `/api/directory/referrals/${encodeURIComponent(referralId)}/${kind}`, body);
      outcome.textContent = status === 201
        ? (kind === 'signposts' ? 'Signpost recorded.' : 'Referred. The service has been sent a link to answer; its answer will show on the referral.')
        : problemText(status, data);
    });
    return el('section', { 'aria-labelledby': 'directory-refer-title' },
      el('h3', { id: 'directory-refer-title', class: 'nhsuk-heading-s' }, 'For this referral'),
      field('Note', note),
      el('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary', onclick: () => post('signposts') }, 'Told them about it (signpost)'),
      checkbox(consent, 'The person agrees to their details being shared with this service'),
      el('button', { type: 'button', class: 'nhsuk-button', onclick: () => post('onward-referrals') }, 'Refer them'),
      outcome);
  }

  function back() {
    detail.hidden = true;
    list.hidden = false;
    words.focus();
  }

  return { search, open };
}
