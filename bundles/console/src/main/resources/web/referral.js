// One referral: the person, what the referrer said, the status with the area's reasons, contact attempts, notes,
// appointments, the "what matters to me" plan, ONS4 wellbeing scores with a chart, and the timeline. Every change
// sends If-Match, so two workers never silently overwrite each other; long texts are kept as drafts while typed.
import { state, $, api, showMessage, announce, show, sessionEnded, formatNhs, formatDate, formatWhen, el, cell, tableRow,
  summaryRow, oneAtATime } from './common.js';
import { renderChart } from './wellbeing-chart.js';
import { showPanels } from './plugin-panels.js';
import { renderPersonRecord, initGovernance } from './governance.js';
import { mountDigitalSkills } from './digital-skills.js';

const STATUS_LABELS = {
  'requested': 'New, waiting for a decision', 'accepted': 'Accepted', 'rejected': 'Rejected (declined)',
  'in-progress': 'In progress', 'on-hold': 'On hold', 'completed': 'Completed', 'failed': 'Could not be contacted or disengaged',
  'cancelled': 'Cancelled', 'entered-in-error': 'Withdrawn (entered in error)',
};
const REASON_LIST_FOR = { 'rejected': 'reject', 'on-hold': 'hold', 'completed': 'outcome' };
const CONTACT_OUTCOMES = { 'reached': 'Spoke with the person', 'no-answer': 'No answer', 'left-message': 'Left a message',
  'wrong-number': 'Wrong number or address', 'declined': 'The person declined' };
const LINKAGE = { 'linked': 'Matched to a person already known', 'new-patient': 'New to the service',
  'review': 'Waiting for a linkage review', 'kept-apart': 'Kept apart as a new person after review' };
const reasonLists = new Map();
let ons4 = null;

// ---------------------------------------------------------------- drafts

function draftKey(field) {
  return `waymark-draft:${state.session ? state.session.username : ''}:${state.referral ? state.referral.id : ''}:${field}`;
}

function restoreDrafts() {
  for (const input of document.querySelectorAll('#referral-view [data-draft]')) {
    const saved = localStorage.getItem(draftKey(input.dataset.draft));
    input.value = saved || '';
    draftState(input, saved ? 'Draft restored.' : '');
  }
}

function saveDraft(event) {
  const input = event.target;
  if (!state.referral || !input.dataset.draft) return;
  if (input.value) localStorage.setItem(draftKey(input.dataset.draft), input.value);
  else localStorage.removeItem(draftKey(input.dataset.draft));
  draftState(input, input.value ? 'Draft saved.' : '');
}

function clearDraft(input) {
  localStorage.removeItem(draftKey(input.dataset.draft));
  input.value = '';
  draftState(input, '');
}

function draftState(input, text) {
  const hint = input.getAttribute('aria-describedby');
  if (hint && $(hint)) $(hint).textContent = text;
}

// ---------------------------------------------------------------- loading

// Counts the referrals opened: an answer for one opened before the current one is dropped, not drawn on its page.
let opened = 0;

async function load(path) {
  const generation = opened;
  const response = await api('GET', path);
  if (generation !== opened) return null;
  if (response.status === 401) {
    sessionEnded();
    return null;
  }
  if (response.status !== 200) {
    showMessage((response.data && response.data.detail) || 'Part of the referral could not be loaded.');
    return null;
  }
  return response;
}

export async function openReferral(id) {
  // Nothing of the referral shown before may stay: when this one could not be opened (not in the worker's areas,
  // gone, or after another user signed out in this tab) the page showed the earlier person under this address, and
  // a note or status saved there went to that earlier referral.
  const generation = ++opened;
  state.referral = null;
  state.plan = null;
  $('referral-body').hidden = true;
  $('referral-title').textContent = 'Referral';
  for (const list of $('referral-body').querySelectorAll('ul[id], ol[id], dl[id], tbody')) list.replaceChildren();
  show('referral');
  reasonLists.clear(); // an admin may have changed them since
  workers = null;
  const loaded = await load(`/api/referrals/${encodeURIComponent(id)}`);
  if (!loaded) {
    $('referral-title').focus();
    return;
  }
  state.referral = loaded.data;
  $('referral-body').hidden = false;
  renderSummary(loaded.data);
  renderPathway(loaded.data);
  renderFlags(loaded.data);
  await renderStatusForm(loaded.data);
  if (generation !== opened) return;
  await renderPersonRecord(loaded.data);
  if (generation !== opened) return;
  restoreDrafts();
  showPanels($('referral-plugin-panels'), 'referral', loaded.data.area, { 'referral-id': loaded.data.id, area: loaded.data.area });
  await Promise.all([loadContacts(), loadNotes(), loadAppointments(), loadOnward(), loadPlan(), loadWellbeing(), loadTimeline(),
    mountDigitalSkills(loaded.data)]);
  $('referral-title').focus();
}

async function reload() {
  const loaded = await load(`/api/referrals/${encodeURIComponent(state.referral.id)}`);
  if (!loaded) return;
  state.referral = loaded.data;
  renderSummary(loaded.data);
  renderFlags(loaded.data);
  await renderStatusForm(loaded.data);
  await renderPersonRecord(loaded.data);
  await loadTimeline();
}

function renderSummary(r) {
  const p = r.patient;
  $('referral-title').textContent = p.name || 'Name not given';
  $('referral-status').textContent = `Status: ${STATUS_LABELS[r.status] || r.status}`
    + (r.statusReason ? ` (${r.statusReason})` : '') + (r.outcome ? `. Outcome: ${r.outcome}` : '');
  const person = $('patient-summary');
  person.replaceChildren();
  summaryRow(person, 'NHS number', p.nhsNumber ? formatNhs(p.nhsNumber) + (p.nhsNumberVerified ? '' : ' (unverified)') : 'Not given');
  summaryRow(person, 'Born', formatDate(p.birthDate));
  summaryRow(person, 'Gender', p.gender);
  summaryRow(person, 'Postcode', p.postcode);
  summaryRow(person, 'Record', LINKAGE[r.linkage.state] || r.linkage.state);
  const referrer = $('referrer-summary');
  referrer.replaceChildren();
  summaryRow(referrer, 'Reason', r.reason || 'Not given');
  summaryRow(referrer, 'Notes', r.note);
  summaryRow(referrer, 'Referred by', r.requester);
  summaryRow(referrer, 'Sending system', r.sender);
  summaryRow(referrer, 'Priority', r.priority);
  summaryRow(referrer, 'Received', formatWhen(r.received));
  summaryRow(referrer, 'Area', r.area);
  summaryRow(referrer, 'Assigned to', r.assignee || 'Nobody yet');
  summaryRow(referrer, 'FHIR check', validationLine(r.validation));
  if (r.episodeCode) {
    summaryRow(referrer, 'Coded for the GP', r.episodeCode === '871731000000106'
      ? 'Referral to social prescribing service (SNOMED CT 871731000000106)'
      : 'Social prescribing declined (SNOMED CT 871711000000103)');
  }
}

/**
 * One line on how the referral's FHIR document fared in profile validation (after intake; it never refuses a
 * referral). Absent for referrals not received over FHIR.
 */
function validationLine(v) {
  if (!v) return null;
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  switch (v.state) {
    case 'pending': return 'Not checked yet';
    case 'valid': return v.warnings ? `Valid FHIR, ${plural(v.warnings, 'warning')}` : 'Valid FHIR';
    case 'invalid': return `${plural(v.errors, 'error')}, ${plural(v.warnings, 'warning')} in the message as sent`
      + (v.issues.length ? ` (first: ${v.issues[0].message})` : '');
    case 'unavailable': return 'Not checked: validation is not installed';
    default: return v.state;
  }
}

const FLAG_KINDS = { SG: 'Safeguarding', RA: 'Reasonable adjustment', RS: 'Turned down' };

/** Flags from the referrer and concerns raised here, safeguarding first, and the consent the referrer recorded. */
function renderFlags(r) {
  const list = $('flags-list');
  list.replaceChildren();
  const flags = [...(r.flags || [])].sort((a, b) => Number(b.category === 'SG') - Number(a.category === 'SG'));
  for (const flag of flags) {
    const item = el('li', '');
    // Safeguarding as an NHS.UK warning callout, anything else as inset text.
    item.className = flag.category === 'SG' ? 'flag flag-safeguarding nhsuk-warning-callout' : 'flag nhsuk-inset-text';
    const kind = el('strong', `${FLAG_KINDS[flag.category] || flag.categoryText || flag.category}: `);
    const by = flag.source === 'referrer' ? 'from the referrer' : `raised by ${flag.raisedBy} on ${formatWhen(flag.raisedAt)}`;
    item.append(kind, document.createTextNode(`${flag.text} (${by})`));
    list.append(item);
  }
  $('flags-none').hidden = flags.length > 0;
  const consent = $('consent-summary');
  consent.replaceChildren();
  const c = r.consent;
  summaryRow(consent, 'Consent', c ? [c.categoryText || c.category, c.basis && c.basis.toLowerCase(), c.status]
    .filter(Boolean).join(', ') + (c.recordedOn ? ` (given ${formatDate(c.recordedOn)})` : '') : 'Not sent by the referrer');
}

async function raiseConcern(event) {
  event.preventDefault();
  const text = $('concern-text').value.trim();
  if (!text) {
    showMessage('Write what you saw or heard before raising the concern.');
    $('concern-text').focus();
    return;
  }
  const { status, data } = await api('POST', `/api/referrals/${encodeURIComponent(state.referral.id)}/safeguarding-concerns`, { text });
  if (status === 401) return sessionEnded();
  if (status !== 201) {
    showMessage((data && data.detail) || 'The concern could not be raised. Tell your safeguarding lead another way.');
    return;
  }
  showMessage('');
  $('concern-text').value = '';
  clearDraft($('concern-text'));
  $('concern-details').open = false;
  await reload();
  announce('Safeguarding concern raised. Your area\'s safeguarding lead and admins have been told.');
}

/** What the area's triage rules said, and the steps of its pathway (both from plugins; hidden when there are none). */
function renderPathway(r) {
  const t = r.triage;
  const p = r.pathway;
  $('pathway-panel').hidden = !t && !p;
  const summary = $('triage-summary');
  summary.replaceChildren();
  if (t) {
    summaryRow(summary, 'Triage score', String(t.score));
    summaryRow(summary, 'Priority after triage', t.priority);
    summaryRow(summary, 'Route', t.route);
    summaryRow(summary, 'Why', t.reasons.join('; '));
  }
  const steps = $('pathway-steps');
  steps.replaceChildren();
  $('pathway-steps-title').hidden = !p;
  if (p) {
    summaryRow(summary, 'Pathway', p.title + (p.easyRead ? ' (easy read)' : ''));
    summaryRow(summary, 'Contact first by', p.contactOrder.join(', then '));
    summaryRow(summary, 'Follow-ups after', p.followUps.map(weeks).join(', '));
    for (const step of p.steps) steps.append(el('li', step.title));
  }
}

/** P14D as "2 weeks" (pathways give follow-ups as ISO-8601 periods). */
function weeks(period) {
  const days = /^P(\d+)D$/.exec(period);
  if (!days) return period;
  const n = Number(days[1]);
  return n % 7 === 0 ? `${n / 7} week${n === 7 ? '' : 's'}` : `${n} days`;
}

async function reasonList(name, area) {
  const key = `${area}/${name}`;
  if (!reasonLists.has(key)) {
    const loaded = await load(`/api/reason-lists/${name}?area=${encodeURIComponent(area)}`);
    reasonLists.set(key, loaded ? loaded.data.reasons : []);
  }
  return reasonLists.get(key);
}

let workers = null;

async function renderAssignment(r) {
  if (!workers) {
    const loaded = await load('/api/users/link-workers');
    workers = loaded ? loaded.data : [];
  }
  const select = $('assign-to');
  for (const option of [...select.options].slice(1)) option.remove();
  for (const worker of workers.filter((w) => w.areas.includes(r.area))) {
    const option = el('option', worker.username === state.session.username ? `${worker.username} (me)` : worker.username);
    option.value = worker.username;
    select.appendChild(option);
  }
  select.value = r.assignee || '';
  $('assign-form').hidden = ['rejected', 'failed', 'completed', 'cancelled', 'entered-in-error'].includes(r.status);
}

async function submitAssignment(event) {
  event.preventDefault();
  const assignee = $('assign-to').value || null;
  const { status, data } = await api('POST', `${base()}/assignee`, { assignee }, { 'If-Match': `"${state.referral.version}"` });
  if (status === 401) return sessionEnded();
  if (status === 412) {
    showMessage('Someone else changed this referral while you had it open. It has been reloaded: check it and try again.');
    await reload();
    return;
  }
  if (status !== 200) {
    showMessage((data && data.detail) || 'The referral could not be assigned.');
    return;
  }
  showMessage('');
  await reload();
  announce(assignee ? `Assigned to ${assignee}.` : 'Returned to the unassigned queue.');
}

async function showAudit() {
  const loaded = await load(`/api/patients/${encodeURIComponent(state.referral.patient.id)}/audit`);
  if (!loaded) return;
  const body = document.querySelector('#audit-table tbody');
  body.replaceChildren();
  for (const entry of loaded.data) {
    const row = tableRow();
    for (const text of [formatWhen(entry.at), entry.actor, entry.action.toLowerCase(), `${entry.resourceType} ${entry.resourceId || ''}`]) {
      cell(row, text);
    }
    body.appendChild(row);
  }
  $('audit-table').hidden = false;
}

async function renderStatusForm(r) {
  await renderAssignment(r);
  $('audit-panel').hidden = !state.session.roles.includes('admin');
  $('audit-table').hidden = true;
  $('accept-actions').hidden = !r.nextStatuses.includes('accepted');
  const select = $('new-status');
  select.replaceChildren();
  $('status-form').hidden = r.nextStatuses.length === 0;
  for (const code of r.nextStatuses) {
    const option = el('option', STATUS_LABELS[code] || code);
    option.value = code;
    select.appendChild(option);
  }
  await statusChosen();
}

async function statusChosen() {
  const status = $('new-status').value;
  const list = REASON_LIST_FOR[status];
  $('status-reason-field').hidden = !list;
  $('status-reason-label').textContent = status === 'completed' ? 'Outcome' : 'Reason';
  $('status-detail-label').textContent = list || !['failed', 'cancelled'].includes(status)
    ? 'More detail (optional)' : 'Reason';
  const reasons = list && state.referral ? await reasonList(list, state.referral.area) : [];
  const select = $('status-reason');
  select.replaceChildren();
  for (const reason of reasons) {
    const option = el('option', reason.label);
    option.value = reason.code;
    select.appendChild(option);
  }
}

// ---------------------------------------------------------------- status

async function changeStatus(status, reasonCode, detail) {
  const body = { status };
  if (status === 'completed') {
    body.outcomeCode = reasonCode;
    body.outcome = detail || null;
  } else {
    body.reasonCode = reasonCode || null;
    body.reason = detail || null;
  }
  const { status: code, data } = await api('POST', `/api/referrals/${encodeURIComponent(state.referral.id)}/status`, body,
    { 'If-Match': `"${state.referral.version}"` });
  if (code === 401) return sessionEnded();
  if (code === 412) {
    showMessage('Someone else changed this referral while you had it open. It has been reloaded: check it and try again.');
    await reload();
    return false;
  }
  if (code !== 200) {
    showMessage((data && data.detail) || 'The status could not be changed.');
    return false;
  }
  showMessage('');
  await reload();
  announce(`Status changed to ${(STATUS_LABELS[status] || status).toLowerCase()}.`);
  $('referral-status').focus();
  return true;
}

async function submitStatus(event) {
  event.preventDefault();
  const status = $('new-status').value;
  const list = REASON_LIST_FOR[status];
  const detail = $('status-detail').value.trim();
  if (!list && ['failed', 'cancelled'].includes(status) && !detail) {
    showMessage('Give the reason: the referrer is told it.');
    $('status-detail').focus();
    return;
  }
  if (await changeStatus(status, list ? $('status-reason').value : null, detail)) clearDraft($('status-detail'));
}

// ---------------------------------------------------------------- contacts, notes, appointments

function entry(list, heading, text, meta) {
  const li = el('li', null, 'entry');
  li.appendChild(el('span', heading, 'entry-heading'));
  if (text) li.appendChild(el('span', text, 'entry-text'));
  if (meta) li.appendChild(el('span', meta, 'nhsuk-u-secondary-text-colour'));
  list.appendChild(li);
  return li;
}

const base = () => `/api/referrals/${encodeURIComponent(state.referral.id)}`;

async function post(path, body, failure) {
  const { status, data } = await api('POST', path, body);
  if (status === 401) {
    sessionEnded();
    return null;
  }
  if (status !== 201 && status !== 200) {
    showMessage((data && data.detail) || failure);
    return null;
  }
  showMessage('');
  return data;
}

async function loadContacts() {
  const loaded = await load(`${base()}/contacts`);
  if (!loaded) return;
  const list = $('contact-list');
  list.replaceChildren();
  for (const c of loaded.data) {
    entry(list, `${c.method[0].toUpperCase()}${c.method.slice(1)}: ${CONTACT_OUTCOMES[c.outcome] || c.outcome}`, c.detail,
      `${formatWhen(c.contactedAt)}, ${c.recordedBy}`);
  }
}

async function submitContact(event) {
  event.preventDefault();
  const saved = await post(`${base()}/contacts`, { method: $('contact-method').value, outcome: $('contact-outcome').value,
    detail: $('contact-detail').value.trim() || null }, 'The contact attempt could not be recorded.');
  if (!saved) return;
  clearDraft($('contact-detail'));
  announce('Contact attempt recorded.');
  await Promise.all([loadContacts(), loadTimeline()]);
}

async function loadNotes() {
  const loaded = await load(`${base()}/notes`);
  if (!loaded) return;
  const list = $('note-list');
  list.replaceChildren();
  for (const n of loaded.data) entry(list, formatWhen(n.recordedAt), n.text, n.recordedBy);
}

async function submitNote(event) {
  event.preventDefault();
  const text = $('note-text').value.trim();
  if (!text) {
    showMessage('Write the note first.');
    $('note-text').focus();
    return;
  }
  if (!await post(`${base()}/notes`, { text }, 'The note could not be saved. It is kept as a draft.')) return;
  clearDraft($('note-text'));
  announce('Note added.');
  await Promise.all([loadNotes(), loadTimeline()]);
}

async function loadAppointments() {
  const loaded = await load(`${base()}/appointments`);
  if (!loaded) return;
  const list = $('appointment-list');
  list.replaceChildren();
  for (const a of loaded.data) {
    entry(list, `${formatWhen(a.startsAt)}: ${a.status}`, [a.purpose, a.place].filter(Boolean).join(', '), a.recordedBy);
  }
}

async function submitAppointment(event) {
  event.preventDefault();
  const when = $('appointment-when').value;
  if (!when) {
    showMessage('Choose the date and time of the appointment.');
    $('appointment-when').focus();
    return;
  }
  const saved = await post(`${base()}/appointments`, { startsAt: new Date(when).toISOString(),
    place: $('appointment-place').value.trim() || null, purpose: $('appointment-purpose').value.trim() || null },
  'The appointment could not be booked.');
  if (!saved) return;
  $('appointment-when').value = '';
  clearDraft($('appointment-place'));
  clearDraft($('appointment-purpose'));
  announce('Appointment booked.');
  await Promise.all([loadAppointments(), loadTimeline()]);
}

// ---------------------------------------------------------------- signposts and onward referrals

const ONWARD_ANSWERS = { 'requested': 'referred, waiting for their answer', 'accepted': 'the service accepted',
  'declined': 'the service declined', 'attended': 'the person attended', 'did-not-attend': 'the person did not attend' };
const FINAL_ANSWERS = ['declined', 'attended', 'did-not-attend'];
const ANSWER_CHOICES = { 'accepted': 'They accepted the person', 'declined': 'They declined', 'attended': 'The person attended',
  'did-not-attend': 'The person did not attend' };

/**
 * Where the person was signposted or referred on from the directory, with the services' answers. The console said
 * "its answer will show on the referral" after an onward referral, yet the page showed neither the referral nor the
 * answer (found probing), and an answer given by phone could be recorded over /api only.
 */
async function loadOnward() {
  const generation = opened;
  const path = `/api/directory/referrals/${encodeURIComponent(state.referral.id)}`;
  const [onward, signposts] = await Promise.all([api('GET', `${path}/onward-referrals`), api('GET', `${path}/signposts`)]);
  if (generation !== opened) return;
  if (onward.status === 401 || signposts.status === 401) return sessionEnded();
  // The directory is a capability of its own: a node without it answers 404 here, and the panel is left out.
  $('onward-panel').hidden = onward.status === 404 || signposts.status === 404;
  if ($('onward-panel').hidden) return;
  if (onward.status !== 200 || signposts.status !== 200) {
    showMessage('The signposts and onward referrals could not be loaded.');
    return;
  }
  const list = $('onward-list');
  list.replaceChildren();
  onward.data.forEach((o, index) => {
    const answered = o.answeredAt ? `; answered ${formatWhen(o.answeredAt)}${o.answeredBy ? ` (${o.answeredBy})` : ''}` : '';
    const li = entry(list, `Referred to ${o.serviceName}: ${ONWARD_ANSWERS[o.status] || o.status}`,
      [o.statusReason && `Their reason: ${o.statusReason}`, o.note && `Note sent: ${o.note}`].filter(Boolean).join('. '),
      `${formatWhen(o.createdAt)}, ${o.createdBy}${answered}`);
    if (!FINAL_ANSWERS.includes(o.status)) li.appendChild(answerForm(o, index));
  });
  for (const s of signposts.data) {
    entry(list, `Told about ${s.serviceName} (signpost)`, s.note, `${formatWhen(s.createdAt)}, ${s.createdBy}`);
  }
  $('onward-none').hidden = onward.data.length + signposts.data.length > 0;
}

/** Records the service's answer given another way (by phone, say); the one-time link records the same. */
function answerForm(onward, index) {
  const form = el('form', null, 'inline-form');
  form.noValidate = true;
  const outcomeId = `onward-outcome-${index}`;
  const reasonId = `onward-reason-${index}`;
  const outcomeLabel = el('label', `Their answer about ${onward.serviceName}`, 'nhsuk-label');
  outcomeLabel.htmlFor = outcomeId;
  const outcome = el('select', null, 'nhsuk-select');
  outcome.id = outcomeId;
  for (const code of Object.keys(ANSWER_CHOICES).filter((c) => c !== onward.status)) {
    const option = el('option', ANSWER_CHOICES[code]);
    option.value = code;
    outcome.appendChild(option);
  }
  const reasonLabel = el('label', 'Their reason (needed if they declined)', 'nhsuk-label');
  reasonLabel.htmlFor = reasonId;
  const reason = el('input', null, 'nhsuk-input');
  reason.id = reasonId;
  reason.maxLength = 500;
  const outcomeGroup = el('div', null, 'nhsuk-form-group');
  outcomeGroup.append(outcomeLabel, outcome);
  const reasonGroup = el('div', null, 'nhsuk-form-group');
  reasonGroup.append(reasonLabel, reason);
  const button = el('button', 'Record their answer', 'nhsuk-button nhsuk-button--secondary');
  button.type = 'submit';
  form.append(outcomeGroup, reasonGroup, button);
  form.addEventListener('submit', oneAtATime(async (event) => {
    event.preventDefault();
    if (outcome.value === 'declined' && !reason.value.trim()) {
      showMessage('Give the reason the service declined: the worker who reads it next needs it.');
      reason.focus();
      return;
    }
    if (await post(`/api/directory/onward-referrals/${encodeURIComponent(onward.id)}/answer`,
      { outcome: outcome.value, reason: reason.value.trim() || null }, 'The answer could not be recorded.')) {
      announce(`Answer from ${onward.serviceName} recorded.`);
      await loadOnward();
    }
  }));
  return form;
}

// ---------------------------------------------------------------- plan

async function loadPlan() {
  const loaded = await load(`${base()}/plan`);
  if (!loaded) return;
  state.plan = loaded.data;
  const draft = localStorage.getItem(draftKey('what-matters'));
  if (!draft) $('what-matters').value = loaded.data.whatMatters || '';
  const list = $('goal-list');
  list.replaceChildren();
  loaded.data.goals.forEach((goal, index) => {
    const latest = goal.progress.length ? goal.progress[goal.progress.length - 1] : null;
    const li = entry(list, goal.description, latest ? `Progress ${latest.score} out of 10${latest.comment ? `: ${latest.comment}` : ''}`
      : 'No progress recorded yet', null);
    const form = el('form', null, 'inline-form');
    const id = `goal-score-${index}`;
    const label = el('label', `Progress on "${goal.description}" (0 to 10)`, 'nhsuk-label');
    label.htmlFor = id;
    const score = el('input', null, 'nhsuk-input nhsuk-input--width-2');
    score.type = 'number';
    score.min = '0';
    score.max = '10';
    score.id = id;
    score.required = true;
    const button = el('button', 'Record progress', 'nhsuk-button nhsuk-button--secondary');
    button.type = 'submit';
    const group = el('div', null, 'nhsuk-form-group');
    group.append(label, score);
    form.append(group, button);
    form.addEventListener('submit', oneAtATime(async (event) => {
      event.preventDefault();
      const value = Number.parseInt(score.value, 10);
      if (!(value >= 0 && value <= 10)) {
        showMessage('Progress is a number from 0 to 10.');
        score.focus();
        return;
      }
      if (await post(`${base()}/plan/goals/${encodeURIComponent(goal.id)}/progress`, { score: value },
        'The progress could not be recorded.')) {
        announce('Progress recorded.');
        await Promise.all([loadPlan(), loadTimeline()]);
      }
    }));
    li.appendChild(form);
  });
}

async function submitPlan(event) {
  event.preventDefault();
  const { status, data, etag } = await api('PUT', `${base()}/plan`, { whatMatters: $('what-matters').value },
    { 'If-Match': `"${state.plan ? state.plan.version : 0}"` });
  if (status === 401) return sessionEnded();
  if (status === 412) {
    showMessage('Someone else changed the plan while you were writing. Your text is kept as a draft: '
      + 'compare it with theirs after reloading the page, then save again.');
    const fresh = await load(`${base()}/plan`);
    if (fresh) state.plan = fresh.data;
    return;
  }
  if (status !== 200) {
    showMessage((data && data.detail) || 'The plan could not be saved.');
    return;
  }
  state.plan = data;
  localStorage.removeItem(draftKey('what-matters'));
  draftState($('what-matters'), etag ? 'Saved.' : '');
  showMessage('');
  announce('What matters to me saved.');
  await loadTimeline();
}

async function submitGoal(event) {
  event.preventDefault();
  const description = $('goal-text').value.trim();
  if (!description) {
    showMessage('Describe the goal first.');
    $('goal-text').focus();
    return;
  }
  if (!await post(`${base()}/plan/goals`, { description }, 'The goal could not be added.')) return;
  clearDraft($('goal-text'));
  announce('Goal added.');
  await Promise.all([loadPlan(), loadTimeline()]);
}

// ---------------------------------------------------------------- wellbeing (ONS4)

async function loadWellbeing() {
  if (!ons4 || ons4.area !== state.referral.area) {
    const loaded = await load(`/api/outcome-measures?area=${encodeURIComponent(state.referral.area)}`);
    if (!loaded) return;
    const found = loaded.data.find((m) => m.definition.id === 'ons4');
    ons4 = { area: state.referral.area, definition: found.definition };
    renderOns4Form(found.definition);
  }
  const history = await load(`${base()}/measures`);
  if (!history) return;
  const responses = history.data.filter((r) => r.measureId === 'ons4');
  const body = document.querySelector('#ons4-table tbody');
  body.replaceChildren();
  for (const r of responses) {
    const row = tableRow();
    cell(row, formatWhen(r.recordedAt));
    cell(row, r.occasion === 'baseline' ? 'First contact' : 'Follow-up');
    for (const item of ons4.definition.items) cell(row, String(r.answers[item.id]));
    body.appendChild(row);
  }
  $('ons4-table').hidden = responses.length === 0;
  renderChart($('ons4-chart'), ons4.definition, responses);
}

function renderOns4Form(definition) {
  $('ons4-attribution').textContent = definition.attribution;
  const items = $('ons4-items');
  items.replaceChildren();
  for (const item of definition.items) {
    const field = el('div', null, 'nhsuk-form-group');
    const label = el('label', item.text, 'nhsuk-label');
    label.htmlFor = `ons4-${item.id}`;
    const input = el('input', null, 'nhsuk-input nhsuk-input--width-2');
    input.type = 'number';
    input.id = `ons4-${item.id}`;
    input.name = item.id;
    input.min = String(definition.scale.min);
    input.max = String(definition.scale.max);
    input.required = true;
    input.inputMode = 'numeric';
    field.append(label, input);
    items.appendChild(field);
  }
}

async function submitOns4(event) {
  event.preventDefault();
  const answers = {};
  for (const item of ons4.definition.items) {
    const input = $(`ons4-${item.id}`);
    const value = Number.parseInt(input.value, 10);
    if (!(value >= ons4.definition.scale.min && value <= ons4.definition.scale.max)) {
      showMessage(`Answer "${item.text}" with a number from 0 to 10.`);
      input.focus();
      return;
    }
    answers[item.id] = value;
  }
  if (!await post(`${base()}/measures/ons4`, { answers }, 'The wellbeing scores could not be recorded.')) return;
  for (const item of ons4.definition.items) $(`ons4-${item.id}`).value = '';
  announce('Wellbeing scores recorded.');
  await Promise.all([loadWellbeing(), loadTimeline()]);
}

// ---------------------------------------------------------------- timeline

async function loadTimeline() {
  const loaded = await load(`${base()}/timeline`);
  if (!loaded) return;
  const list = $('timeline');
  list.replaceChildren();
  for (const event of loaded.data) {
    const li = el('li');
    li.append(el('span', formatWhen(event.at), 'nhsuk-u-secondary-text-colour'), el('span', ` ${event.what}`),
      el('span', `, by ${event.actor}`, 'nhsuk-u-secondary-text-colour'));
    list.appendChild(li);
  }
}

export function initReferral() {
  // Accepting and saving a status are one change of status: one at a time between them too.
  const statusChange = oneAtATime((event) => (event.type === 'submit' ? submitStatus(event) : changeStatus('accepted', null, null)));
  $('accept').addEventListener('click', statusChange);
  $('assign-form').addEventListener('submit', oneAtATime(submitAssignment));
  $('show-audit').addEventListener('click', showAudit);
  initGovernance(reload);
  $('status-form').addEventListener('submit', statusChange);
  $('new-status').addEventListener('change', statusChosen);
  $('contact-form').addEventListener('submit', oneAtATime(submitContact));
  $('note-form').addEventListener('submit', oneAtATime(submitNote));
  $('appointment-form').addEventListener('submit', oneAtATime(submitAppointment));
  $('plan-form').addEventListener('submit', oneAtATime(submitPlan));
  $('goal-form').addEventListener('submit', oneAtATime(submitGoal));
  $('ons4-form').addEventListener('submit', oneAtATime(submitOns4));
  $('concern-form').addEventListener('submit', oneAtATime(raiseConcern));
  for (const input of document.querySelectorAll('#referral-view [data-draft]')) input.addEventListener('input', saveDraft);
}
