// Shared by the console's views: the session state, calls to /api (session cookie plus the CSRF token on every
// change), the message box and switching views.
export const state = { session: null, offset: 0, total: 0, review: null, referral: null, plan: null };
const STAFF_ROLES = ['link-worker', 'admin'];

export const $ = (id) => document.getElementById(id);

// The server ends a session some time after its last request (it says how long: the session's idleSeconds): from then
// on the page shows what it shows to no one signed in.
let lastAnswered = Date.now();

/** How long since /api last answered this page. */
export function idleMillis() {
  return Date.now() - lastAnswered;
}

/** Calls /api; extra headers (e.g. If-Match) go in `headers`. Answers { status, data, etag }. */
export async function api(method, path, body, extraHeaders) {
  const headers = { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest', ...(extraHeaders || {}) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (state.session && state.session.csrfToken && method !== 'GET') headers['X-CSRF-Token'] = state.session.csrfToken;
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    // No answer at all (offline, or the server restarting): a refusal like any other for the caller to show. The
    // rejection went unhandled, and the button pressed did nothing the worker could see.
    return { status: 0, data: { detail: 'Waymark could not be reached. Check your connection, then try again.' }, etag: null };
  }
  lastAnswered = Date.now();
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // An answer from something in between (a proxy's error page): the caller's own message says what failed.
  }
  return { status: response.status, data, etag: response.headers.get('ETag') };
}

/**
 * An event handler that saves something, made to run one at a time: a double click (or Enter pressed twice) while the
 * first request is on its way is ignored. Without it the second request went too: a second note, contact attempt,
 * referral, onward referral or user, or a 409/412 reported as a failure of what had just worked.
 */
export function oneAtATime(handler) {
  let running = false;
  return async (...args) => {
    const event = args[0];
    if (running) {
      if (event && typeof event.preventDefault === 'function') event.preventDefault();
      return undefined;
    }
    running = true;
    try {
      return await handler(...args);
    } finally {
      running = false;
    }
  };
}

/** A problem, in the NHS.UK error summary at the top of the page. */
export function showMessage(text) {
  $('message-text').textContent = text || '';
  $('message').hidden = !text;
}

/** A short confirmation, announced politely (the message box is for problems). */
export function announce(text) {
  $('announcement-text').textContent = text || '';
  $('announcement').hidden = !text;
}

export function show(view) {
  for (const section of document.querySelectorAll('main > section[data-view]')) {
    section.hidden = section.dataset.view !== view;
  }
  // Each view names itself in the page title (WCAG 2.4.2): it said "Waymark console" whatever was open, in the tab,
  // the history and to a screen reader. A referral's is "Referral", never the person's name (titles are kept in the
  // browser's history).
  const heading = document.querySelector(`main > section[data-view="${view}"] h1`);
  const name = view === 'referral' ? 'Referral' : heading && heading.textContent.trim();
  document.title = name ? `${name} - Waymark console` : 'Waymark console';
  $('account').hidden = view === 'login';
  const staff = view !== 'login' && state.session && state.session.roles.some((r) => STAFF_ROLES.includes(r));
  $('menu').hidden = !staff;
  for (const item of document.querySelectorAll('#menu [data-view]')) {
    if (item.dataset.view === view) item.setAttribute('aria-current', 'page');
    else item.removeAttribute('aria-current');
  }
}

export function sessionEnded() {
  state.session = null;
  showMessage('Your session has ended. Please sign in again. Anything you were typing is kept as a draft.');
  show('login');
}

export function cell(row, text) {
  const td = document.createElement('td');
  td.className = 'nhsuk-table__cell';
  td.textContent = text == null ? '' : text;
  row.appendChild(td);
  return td;
}

export function formatNhs(n) {
  return `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
}

/** A date as FHIR writes it; a birth date may be known only to the year (1965) or month (1971-06), shown as such. */
export function formatDate(isoDate) {
  if (!isoDate) return '';
  if (/^\d{4}$/.test(isoDate)) return isoDate;
  if (/^\d{4}-\d{2}$/.test(isoDate)) {
    return new Date(`${isoDate}-01T00:00:00`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric' });
  }
  return new Date(`${isoDate}T00:00:00`).toLocaleDateString('en-GB');
}

export function formatWhen(instant) {
  return instant ? new Date(instant).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '';
}

/** A table row drawn by NHS.UK frontend. */
export function tableRow() {
  const tr = document.createElement('tr');
  tr.className = 'nhsuk-table__row';
  return tr;
}

/** A row of an NHS.UK summary list (a dl): the term and its value; nothing when there is no value. */
export function summaryRow(list, term, value) {
  if (value == null || value === '') return;
  const line = el('div', null, 'nhsuk-summary-list__row');
  line.append(el('dt', term, 'nhsuk-summary-list__key'), el('dd', value, 'nhsuk-summary-list__value'));
  list.append(line);
}

/** An NHS.UK tag: a short status word in one of its colours (blue, green, red, orange, yellow, grey, ...). */
export function tag(text, colour) {
  return el('strong', text, colour ? `nhsuk-tag nhsuk-tag--${colour}` : 'nhsuk-tag');
}

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (className) node.className = className;
  return node;
}
