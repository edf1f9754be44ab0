// The console's community directory: search (words, postcode, age, day, free), a service page, and from a referral a
// one-step signpost or an onward referral with the person's consent. Self-contained: the console mounts it with its
// own api() helper (session cookie + CSRF token), e.g.
//   import { mountDirectory } from './directory.js';
//   mountDirectory(document.getElementById('directory-root'), { api, referralId });
// It builds its DOM with textContent only (no HTML from data), so the console's strict CSP holds.

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

function field(label, input) {
  return el('label', { class: 'field' }, label, ' ', input);
}

function problemText(status, data) {
  if (data && data.detail) return data.detail;
  return status === 401 ? 'Your session has ended. Please sign in again.' : `The directory answered ${status}.`;
}

export function mountDirectory(root, { api, referralId = null, pageSize = 20 }) {
  const state = { page: 1, total: 0 };
  const words = el('input', { type: 'search', name: 'search', id: 'directory-search' });
  const postcode = el('input', { name: 'postcode', id: 'directory-postcode', size: '8', autocomplete: 'off' });
  const age = el('input', { name: 'age', id: 'directory-age', type: 'number', min: '0', max: '150', size: '4' });
  const day = el('select', { name: 'day', id: 'directory-day' }, ...DAYS.map(([value, text]) => el('option', { value }, text)));
  const free = el('input', { type: 'checkbox', name: 'free', id: 'directory-free' });
  const count = el('p', { 'aria-live': 'polite', id: 'directory-count' });
  const results = el('ol', { class: 'directory-results', id: 'directory-results' });
  const detail = el('div', { id: 'directory-detail', hidden: '' });
  const message = el('p', { role: 'alert', class: 'message', hidden: '' });
  const previous = el('button', { type: 'button', class: 'button secondary', onclick: () => { state.page -= 1; search(); } }, 'Previous');
  const next = el('button', { type: 'button', class: 'button secondary', onclick: () => { state.page += 1; search(); } }, 'Next');
  const form = el('form', { role: 'search', class: 'search', onsubmit: (e) => { e.preventDefault(); state.page = 1; search(); } },
    field('What are they looking for?', words), field('Near postcode', postcode), field('Age', age), field('Day', day),
    el('label', { class: 'field' }, free, ' Free only'), el('button', { type: 'submit', class: 'button' }, 'Search'));
  const list = el('div', {}, form, count, results, el('nav', { class: 'pager', 'aria-label': 'Pages' }, previous, next));
  root.replaceChildren(message, list, detail);

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
      r.organization ? el('span', { class: 'muted' }, ` ${r.organization}`) : null,
      r.distance_km !== undefined ? el('span', { class: 'badge' }, `${r.distance_km} km`) : null,
      r.freshness && r.freshness.stale ? el('span', { class: 'badge warning' }, r.freshness.report ? `reported ${r.freshness.report}` : 'not confirmed recently') : null,
      r.freshness && r.freshness.capacity !== 'open' ? el('span', { class: 'badge warning' }, r.freshness.capacity === 'full' ? 'full' : 'waiting list') : null,
      el('div', {}, r.schedules.join('; ')),
      el('div', { class: 'muted' }, r.taxonomy_terms.join(', ')))));
    previous.disabled = state.page <= 1;
    next.disabled = state.page * pageSize >= state.total;
  }

  async function open(id) {
    say('');
    const { status, data } = await api('GET', `/directory/services/${encodeURIComponent(id)}`);
    if (status !== 200) { say(problemText(status, data)); return; }
    const fresh = await api('GET', `/api/directory/services/${encodeURIComponent(id)}/freshness`);
    const freshness = fresh.status === 200 ? fresh.data : { capacity: 'open' };
    list.hidden = true;
    detail.hidden = false;
    const place = (data.service_at_locations[0] || {}).location || {};
    const address = (place.addresses || [])[0];
    const phones = (data.contacts || []).flatMap((c) => (c.phones || []).map((p) => p.number));
    detail.replaceChildren(
      el('h2', { tabindex: '-1', id: 'directory-service-name' }, data.name),
      data.status !== 'active' ? el('p', { class: 'message' }, `This service is ${data.status}.`) : null,
      el('p', {}, data.description || ''),
      el('dl', {},
        el('dt', {}, 'Run by'), el('dd', {}, (data.organization || {}).name || '—'),
        el('dt', {}, 'Where'), el('dd', {}, [place.name, address && address.address_1, address && address.postal_code].filter(Boolean).join(', ') || '—'),
        el('dt', {}, 'When'), el('dd', {}, (data.schedules || []).map((s) => s.description || `${s.byday} ${s.opens_at}-${s.closes_at}`).join('; ') || '—'),
        el('dt', {}, 'Ages'), el('dd', {}, [data.minimum_age, data.maximum_age].some((a) => a !== undefined)
          ? `${data.minimum_age ?? 0} to ${data.maximum_age ?? 'any age'}` : 'All ages'),
        el('dt', {}, 'Cost'), el('dd', {}, (data.cost_options || []).map((c) => c.amount_description || c.option).join('; ') || data.fees || '—'),
        el('dt', {}, 'Contact'), el('dd', {}, [data.email, ...phones].filter(Boolean).join(', ') || '—'),
        el('dt', {}, 'Last updated'), el('dd', {}, data.last_modified ? data.last_modified.substring(0, 10) : 'not known'),
        el('dt', {}, 'Last confirmed by the provider'), el('dd', {}, freshness.lastConfirmed ? freshness.lastConfirmed.substring(0, 10) : 'not yet')),
      freshness.stale ? el('p', { class: 'message' }, freshness.report
        ? `A link worker reported this service ${freshness.report}${freshness.reportNote ? `: ${freshness.reportNote}` : ''}. Check before referring.`
        : 'These details have not been confirmed for a while. Check before referring.') : null,
      reportActions(data),
      referralId ? referralActions(data, freshness) : null,
      el('button', { type: 'button', class: 'link-button dark', onclick: back }, 'Back to the results'));
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
    const note = el('textarea', { id: 'directory-note', maxlength: '1000', rows: '2' });
    const consent = el('input', { type: 'checkbox', id: 'directory-consent' });
    const outcome = el('p', { 'aria-live': 'polite' });
    async function post(kind) {
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
    }
    return el('section', { 'aria-labelledby': 'directory-refer-title' },
      el('h3', { id: 'directory-refer-title' }, 'For this referral'),
      field('Note', note),
      el('button', { type: 'button', class: 'button secondary', onclick: () => post('signposts') }, 'Told them about it (signpost)'),
      el('label', { class: 'field' }, consent, ' The person agrees to their details being shared with this service'),
      el('button', { type: 'button', class: 'button', onclick: () => post('onward-referrals') }, 'Refer them'),
      outcome);
  }

  function back() {
    detail.hidden = true;
    list.hidden = false;
    words.focus();
  }

  return { search, open };
}
