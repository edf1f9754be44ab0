// The Waymark console: sign in, then the caseload, a referral, the inbox and the linkage review queue. Talks only to
// /api, with the session cookie (HttpOnly) and the CSRF token that /api/session hands out, sent back on every change.
import { state, $, api, showMessage, announce, show, sessionEnded, cell, tableRow, tag, formatNhs, formatDate, oneAtATime,
  idleMillis } from './common.js';
import { openReferral, initReferral } from './referral.js';
import { showNewReferral, initNewReferral } from './new-referral.js';
import { showAdmin, initAdmin } from './admin.js';
import { showTwoFactor, initTwoFactor } from './two-factor.js';
import { mountDirectory } from './directory.js';
import { showPanels } from './plugin-panels.js';
import { initDigitalSkills, showDigitalSkillsReport } from './digital-skills.js';

const PAGE_SIZE = 25;

// The referral the directory was opened from: its page is opened again, fresh, by "Back to the referral".
let directoryFor = null;

/** The directory; opened from a referral, it also offers to signpost or refer that person. */
function showDirectory(referral) {
  showMessage('');
  show('directory');
  directoryFor = referral ? referral.id : null;
  // Without it the way back was the caseload: the address still named the referral, so neither the browser's back
  // button nor the person's name there reopened it, and the onward referral just made was not seen on it.
  $('directory-back').hidden = !referral;
  const forWhom = $('directory-for');
  forWhom.hidden = !referral;
  forWhom.textContent = referral ? `Signposting or referring ${referral.patientName || 'the person'} (referral ${referral.id})` : '';
  mountDirectory($('directory-root'), { api, referralId: referral ? referral.id : null, roles: state.session.roles });
  $('directory-title').focus();
}

const ENDED_WHILE_AWAY = 'waymark-session-ended';

/**
 * A page left open stays on screen after its session has ended on the server (unused for its idleSeconds): the person's record
 * stayed readable to anyone passing the desk until the worker came back and clicked. The page is loaded again then,
 * empty, at the same address; drafts are in localStorage, so signing in again goes on where the worker left off.
 */
function clearWhenTheSessionEnds() {
  setInterval(() => {
    if (state.session && idleMillis() >= state.session.idleSeconds * 1000) {
      sessionStorage.setItem(ENDED_WHILE_AWAY, String(Math.round(state.session.idleSeconds / 60)));
      window.location.reload();
    }
  }, 15000);
}

async function start() {
  const endedWhileAway = sessionStorage.getItem(ENDED_WHILE_AWAY);
  sessionStorage.removeItem(ENDED_WHILE_AWAY);
  const { status, data } = await api('GET', '/api/session');
  if (status === 200) {
    state.session = data;
    await route();
  } else {
    show('login');
    if (endedWhileAway) {
      showMessage(`Your session ended after ${endedWhileAway} minutes without use, and the page was cleared. Please sign in again. `
        + 'Anything you were typing is kept as a draft.');
    }
    $('username').focus();
  }
}

async function signIn(event) {
  event.preventDefault();
  const username = $('username').value.trim();
  const password = $('password').value;
  if (!username || !password) {
    showMessage('Enter your user name and password.');
    return;
  }
  const body = { username, password };
  if (!$('code-field').hidden) body.code = $('code').value.trim();
  const { status, data } = await api('POST', '/api/session', body);
  if (status === 401 && data && data.twoFactor) {
    askForCode(data);
    return;
  }
  if (status !== 200) {
    showMessage(status === 401 ? 'The user name or password is wrong.' : (data && data.detail) || 'Signing in failed.');
    resetSignIn();
    $('password').focus();
    return;
  }
  showMessage('');
  state.session = data;
  resetSignIn();
  await route();
}

/** The second step: a code from the app, and for someone who must enrol first, the QR code and key to add. */
function askForCode(problem) {
  const enrolling = problem.twoFactor === 'enrolment-required';
  $('enrol-step').hidden = !enrolling;
  if (enrolling) {
    $('enrol-qr').src = problem.qrCode;
    $('enrol-secret').textContent = problem.secret.replace(/(.{4})/g, '$1 ').trim();
  }
  $('code-field').hidden = false;
  $('code').value = '';
  showMessage(problem.detail);
  $('code').focus();
}

function resetSignIn() {
  $('password').value = '';
  $('code').value = '';
  $('code-field').hidden = true;
  $('enrol-step').hidden = true;
  $('enrol-qr').removeAttribute('src');
  $('enrol-secret').textContent = '';
}

/** Opens what the address names (#/referrals/ID), else the caseload. */
async function route() {
  if (state.session) await prepareFilters();
  const match = /^#\/referrals\/([^/]+)$/.exec(window.location.hash);
  if (match && state.session) {
    $('who').textContent = `Signed in as ${state.session.username}`;
    await openReferral(decodeURIComponent(match[1]));
  } else if (state.session) {
    await showCaseload();
  }
}

async function signOut() {
  const { status, data } = await api('DELETE', '/api/session');
  if (status !== 204 && status !== 401) {
    // The session goes on (no answer, or a failure on the server): say so rather than look signed out.
    showMessage(`You are still signed in. ${(data && data.detail) || 'Signing out failed: try again.'}`);
    return;
  }
  // Drafts outlive a session that timed out, so the worker goes on where they were; one who signs out has finished
  // here, and what they typed about people stays behind on a shared computer otherwise (found probing).
  const mine = `waymark-draft:${state.session ? state.session.username : ''}:`;
  Object.keys(localStorage).filter((key) => key.startsWith(mine)).forEach((key) => localStorage.removeItem(key));
  // A new page, not the old one with its views hidden: those still held the people this user had open, for the next
  // person at this computer (a referral they could not open showed the earlier one) and for the back button, and the
  // address still named the last referral.
  window.location.replace(window.location.pathname);
}

// Whose areas and colleagues the filters hold: after a session ends, someone else may sign in on the same page.
let filtersFor = null;

/** Fills the caseload filters that depend on who is signed in: their areas and their colleagues. */
async function prepareFilters() {
  if (filtersFor === state.session.username) return;
  filtersFor = state.session.username;
  for (const id of ['filter-area', 'filter-worker']) {
    for (const option of [...$(id).options].slice(id === 'filter-area' ? 1 : 2)) option.remove();
  }
  $('menu-admin').hidden = !state.session.roles.includes('admin');
  $('menu-ds-report').hidden = !state.session.roles.includes('admin');
  for (const area of state.session.areas) {
    const option = document.createElement('option');
    option.value = area;
    option.textContent = area;
    $('filter-area').appendChild(option);
  }
  const { status, data } = await api('GET', '/api/users/link-workers');
  if (status !== 200) return;
  for (const worker of data) {
    const option = document.createElement('option');
    option.value = worker.username;
    option.textContent = worker.username === state.session.username ? `${worker.username} (me) only` : worker.username;
    $('filter-worker').appendChild(option);
  }
}

async function showCaseload() {
  show('caseload');
  $('who').textContent = `Signed in as ${state.session.username}`;
  await prepareFilters();
  await loadCaseload();
  $('caseload-title').focus?.();
  refreshInboxCount();
  showPanels($('home-plugin-panels'), 'home', null, {});
}

async function refreshInboxCount() {
  const { status, data } = await api('GET', '/api/inbox');
  $('inbox-count').textContent = status === 200 && data.length ? `(${data.length})` : '';
}

async function showInbox() {
  show('inbox');
  const { status, data } = await api('GET', '/api/inbox');
  if (status === 401) return sessionEnded();
  if (status !== 200) {
    showMessage((data && data.detail) || 'The inbox could not be loaded.');
    return;
  }
  showMessage('');
  renderInbox(data);
  $('inbox-title').focus();
}

function renderInbox(items) {
  const list = $('inbox-items');
  list.replaceChildren();
  $('inbox-empty').hidden = items.length > 0;
  $('inbox-count').textContent = items.length ? `(${items.length})` : '';
  for (const item of items) {
    const li = document.createElement('li');
    li.className = item.task ? 'inbox-item task nhsuk-card' : 'inbox-item nhsuk-card';
    li.dataset.id = item.id;
    const content = document.createElement('div');
    content.className = 'nhsuk-card__content';
    const title = document.createElement('h2');
    title.className = 'nhsuk-card__heading nhsuk-heading-s';
    title.textContent = item.subject || 'Message';
    const when = document.createElement('p');
    when.className = 'nhsuk-hint';
    when.textContent = `${item.task ? 'Task' : 'Message'}, ${new Date(item.created).toLocaleString('en-GB')}`;
    const text = document.createElement('p');
    text.textContent = item.text || '';
    const done = document.createElement('button');
    done.type = 'button';
    done.className = 'nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0';
    done.textContent = item.task ? 'Mark as done' : 'Dismiss';
    done.setAttribute('aria-label', `${done.textContent}: ${item.subject || 'message'}`);
    done.addEventListener('click', oneAtATime(() => markDone(item.id)));
    content.append(title, when, text);
    const referral = referralLink(item.link, item.subject);
    if (referral) content.append(referral);
    content.append(done);
    li.append(content);
    list.appendChild(li);
  }
}

// Tasks name the referral they are about ("Open it in the Waymark console") and carry its address, which the inbox did
// not show: an admin told of a safeguarding concern had no way to the referral but its id (found probing). Only a
// referral's address in this console is made a link, whatever else a message's data holds.
const REFERRAL_LINK = /^(?:\/console\/)?#\/referrals\/([^/?#\s]+)$/;

function referralLink(link, subject) {
  const match = REFERRAL_LINK.exec(link || '');
  if (!match) return null;
  const a = document.createElement('a');
  a.href = `#/referrals/${match[1]}`;
  a.className = 'inbox-open';
  a.textContent = 'Open the referral';
  a.setAttribute('aria-label', `Open the referral: ${subject || 'message'}`);
  // The address may already be this referral's (the inbox opened from its page): no hashchange then, so open it here.
  a.addEventListener('click', (event) => {
    if (window.location.hash !== a.getAttribute('href')) return;
    event.preventDefault();
    showMessage('');
    route();
  });
  const p = document.createElement('p');
  p.append(a);
  return p;
}

async function markDone(id) {
  const { status, data } = await api('POST', `/api/inbox/${encodeURIComponent(id)}/done`);
  if (status === 401) return sessionEnded();
  if (status !== 200) {
    showMessage((data && data.detail) || 'The item could not be marked as done.');
    return;
  }
  await showInbox();
}

// Only the newest request may draw the list: an unfiltered load that answers after the worker's search would otherwise
// replace the search results with the whole caseload.
let caseloadRequest = 0;

async function loadCaseload() {
  const request = ++caseloadRequest;
  const params = new URLSearchParams({ offset: String(state.offset), count: String(PAGE_SIZE) });
  const search = $('search').value.trim();
  const status = $('status').value;
  if (search) params.set('search', search);
  if (status) params.set('status', status);
  for (const [id, name] of [['filter-worker', 'assignee'], ['filter-area', 'area'], ['filter-priority', 'priority'],
    ['filter-waiting', 'waitingDays']]) {
    const value = $(id).value.trim();
    if (value) params.set(name, value);
  }
  if ($('filter-sort').value === 'oldest') params.set('sort', 'oldest');
  const { status: code, data } = await api('GET', `/api/referrals?${params}`);
  if (request !== caseloadRequest) return;
  if (code === 401) return sessionEnded();
  if (code !== 200) {
    showMessage((data && data.detail) || 'The caseload could not be loaded.');
    return;
  }
  showMessage('');
  state.total = data.total;
  state.totalIsLowerBound = data.totalIsLowerBound;
  render(data.items);
}


const FLAG_BADGES = {SG: 'Safeguarding', RA: 'Reasonable adjustment'};
const FLAG_COLOURS = {SG: 'red', RA: 'purple'};
/** NHS.UK tag colours for the referral statuses: new work stands out, finished work recedes. */
const STATUS_COLOURS = { 'requested': 'blue', 'accepted': 'aqua-green', 'in-progress': 'green', 'on-hold': 'yellow',
  'completed': 'white', 'rejected': 'red', 'failed': 'orange', 'cancelled': 'grey', 'entered-in-error': 'grey' };

function render(items) {
  const body = document.querySelector('#caseload tbody');
  body.replaceChildren();
  for (const item of items) {
    const row = tableRow();
    row.dataset.id = item.id;
    const name = document.createElement('a');
    name.href = `#/referrals/${encodeURIComponent(item.id)}`;
    name.className = 'open-referral';
    name.textContent = item.patientName || 'Name not given';
    const person = cell(row, '');
    person.appendChild(name);
    // Flags in force are shown before anyone opens the referral: a safeguarding check or an adjustment comes first.
    for (const category of item.flags || []) {
      const badge = document.createElement('span');
      badge.className = `flag-badge flag-${category === 'SG' ? 'safeguarding' : 'other'} nhsuk-tag nhsuk-tag--${FLAG_COLOURS[category] || 'grey'}`;
      badge.textContent = FLAG_BADGES[category] || 'Other flag';
      person.append(' ', badge);
    }
    cell(row, item.nhsNumber ? formatNhs(item.nhsNumber) + (item.nhsNumberVerified ? '' : ' (unverified)') : '');
    cell(row, item.reason);
    cell(row, item.area);
    cell(row, '').appendChild(tag(item.status, STATUS_COLOURS[item.status] || 'grey'));
    cell(row, item.assignee || 'Unassigned');
    cell(row, new Date(item.received).toLocaleDateString('en-GB'));
    body.appendChild(row);
  }
  const from = items.length ? state.offset + 1 : 0;
  $('caseload-count').textContent = `Showing ${from} to ${state.offset + items.length} of `
    + `${state.totalIsLowerBound ? 'more than ' : ''}${state.total} referrals`;
  $('previous').disabled = state.offset === 0;
  $('next').disabled = !state.totalIsLowerBound && state.offset + items.length >= state.total;
}


// ---------------------------------------------------------------- linkage review

const REVIEW_REASONS = {
  'demographics': 'Name and details match someone only in part',
  'unverified-nhs-number': 'NHS number fails its check digit',
};


function personName(person) {
  const name = [person.given, person.family].filter(Boolean).join(' ');
  return name || 'Name not given';
}

async function showLinkage() {
  show('linkage');
  showMessage('');
  $('linkage-detail').hidden = true;
  $('linkage-list').hidden = false;
  await loadLinkage();
  $('linkage-title').focus();
}

async function loadLinkage() {
  const wanted = $('linkage-status').value;
  const { status, data } = await api('GET', `/api/linkage-reviews?status=${encodeURIComponent(wanted)}&count=100`);
  if (status === 401) {
    sessionEnded();
    return;
  }
  if (status !== 200) {
    showMessage((data && data.detail) || 'The linkage reviews could not be loaded.');
    return;
  }
  const body = document.querySelector('#linkage-queue tbody');
  body.replaceChildren();
  for (const item of data.items) {
    const row = tableRow();
    row.dataset.id = item.id;
    cell(row, item.name || 'Name not given');
    cell(row, formatDate(item.birthDate));
    cell(row, REVIEW_REASONS[item.reason] || item.reason);
    cell(row, item.candidates === 0 ? 'None' : `${item.candidates} (best ${item.bestScore})`);
    cell(row, new Date(item.created).toLocaleDateString('en-GB'));
    const action = document.createElement('button');
    action.type = 'button';
    action.className = 'nhsuk-button nhsuk-button--secondary nhsuk-button--small review-button';
    action.textContent = 'Review';
    action.setAttribute('aria-label', `Review ${item.name || 'this referral'}`);
    action.addEventListener('click', () => openReview(item.id));
    cell(row, '').appendChild(action);
    body.appendChild(row);
  }
  if (wanted === 'kept-apart') {
    $('linkage-count').textContent = data.total === 0 ? 'No one was kept apart.'
      : `${data.total} ${data.total === 1 ? 'person was' : 'people were'} kept apart: open one to merge it if it is the same person after all`;
  } else {
    $('linkage-count').textContent = data.total === 0 ? 'Nothing is waiting for review.'
      : `${data.total} ${data.total === 1 ? 'referral is' : 'referrals are'} waiting for review`;
  }
}

async function openReview(id) {
  const { status, data } = await api('GET', `/api/linkage-reviews/${encodeURIComponent(id)}`);
  if (status === 401) {
    sessionEnded();
    return;
  }
  if (status !== 200) {
    showMessage((data && data.detail) || 'The review could not be loaded.');
    return;
  }
  showMessage('');
  state.review = data;
  $('linkage-note').value = '';
  renderReview(data);
  $('linkage-list').hidden = true;
  $('linkage-detail').hidden = false;
  $('linkage-detail-title').focus();
}

function personRow(label, person, className) {
  const row = tableRow();
  if (className) row.classList.add(className);
  const head = document.createElement('th');
  head.className = 'nhsuk-table__header';
  head.scope = 'row';
  head.textContent = label;
  row.appendChild(head);
  cell(row, personName(person));
  cell(row, formatDate(person.birthDate));
  cell(row, person.gender);
  cell(row, person.postcode);
  cell(row, person.nhsNumber ? formatNhs(person.nhsNumber) + (person.nhsNumberVerified ? '' : ' (unverified)') : '');
  return row;
}

function renderReview(review) {
  $('keep-apart').hidden = review.status !== 'pending';
  $('linkage-referral').textContent = `${REVIEW_REASONS[review.reason] || review.reason}. Referred for: `
    + `${review.referralReason || 'no reason given'}. Received ${new Date(review.created).toLocaleDateString('en-GB')}.`
    // A decided review says who decided and why, so whoever reconsiders it reads the earlier reasoning.
    + (review.decidedBy ? ` Decided by ${review.decidedBy} on ${new Date(review.decidedAt).toLocaleDateString('en-GB')}`
      + `${review.decisionNote ? `: ${review.decisionNote}` : ''}.` : '');
  const body = document.querySelector('#linkage-compare tbody');
  body.replaceChildren();
  const referred = personRow('Referred', review.person, 'referred');
  cell(referred, '');
  cell(referred, '');
  body.appendChild(referred);
  review.candidates.forEach((candidate, index) => {
    const row = personRow(`Candidate ${index + 1}`, candidate.person, 'candidate');
    row.dataset.patientId = candidate.person.patientId;
    const match = cell(row, `Score ${candidate.score}`);
    const detail = document.createElement('span');
    detail.className = 'match-detail nhsuk-u-secondary-text-colour';
    detail.textContent = `${candidate.detail}; ${candidate.referrals} referral${candidate.referrals === 1 ? '' : 's'}`;
    match.appendChild(detail);
    const link = document.createElement('button');
    link.type = 'button';
    if (review.status === 'kept-apart') {
      // Kept apart earlier: the person's whole record merges into the candidate's, referrals and all.
      link.className = 'nhsuk-button nhsuk-button--small merge-candidate';
      link.textContent = 'Same person after all: merge';
      link.setAttribute('aria-label', `Merge with candidate ${index + 1}, ${personName(candidate.person)}`);
      link.addEventListener('click', () => decide({ decision: 'merge', patientId: candidate.person.patientId },
        `Merged with ${personName(candidate.person)}: their referrals now follow one record.`));
    } else {
      link.className = 'nhsuk-button nhsuk-button--small link-candidate';
      link.textContent = 'Same person: link';
      link.setAttribute('aria-label', `Link to candidate ${index + 1}, ${personName(candidate.person)}`);
      link.addEventListener('click', () => decide({ decision: 'link', patientId: candidate.person.patientId },
        `Linked to ${personName(candidate.person)}.`));
    }
    cell(row, '').appendChild(link);
    body.appendChild(row);
  });
}

// One decision at a time for the whole review: link, merge and keep apart exclude each other.
const decide = oneAtATime(async (decision, done) => {
  if (!state.review) return;
  const note = $('linkage-note').value.trim();
  if (note) decision.note = note;
  if (decision.decision === 'merge' && !note) {
    showMessage('Say why they are the same person after all: the reason is kept with the merge.');
    $('linkage-note').focus();
    return;
  }
  const { status, data } = await api('POST', `/api/linkage-reviews/${encodeURIComponent(state.review.id)}/decision`, decision);
  if (status === 401) {
    sessionEnded();
    return;
  }
  if (status !== 200) {
    showMessage((data && data.detail) || 'The decision could not be saved.');
    return;
  }
  state.review = null;
  $('linkage-detail').hidden = true;
  $('linkage-list').hidden = false;
  await loadLinkage();
  const notice = $('linkage-count');
  notice.textContent = `${done} ${notice.textContent}`;
});

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', oneAtATime(signIn));
  $('sign-out').addEventListener('click', signOut);
  $('menu-inbox').addEventListener('click', () => { showMessage(''); showInbox(); });
  $('search-form').addEventListener('submit', (e) => { e.preventDefault(); state.offset = 0; loadCaseload(); });
  $('previous').addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE_SIZE); loadCaseload(); });
  $('next').addEventListener('click', () => { state.offset += PAGE_SIZE; loadCaseload(); });
  $('menu-caseload').addEventListener('click', () => {
    showMessage('');
    if (window.location.hash) window.location.hash = '';
    else showCaseload();
  });
  $('menu-linkage').addEventListener('click', showLinkage);
  $('keep-apart').addEventListener('click', () => decide({ decision: 'keep-apart' }, 'Kept apart as a new person.'));
  $('linkage-back').addEventListener('click', showLinkage);
  $('linkage-status').addEventListener('change', () => { showMessage(''); loadLinkage(); });
  window.addEventListener('hashchange', () => { showMessage(''); announce(''); route(); });
  initReferral();
  initNewReferral();
  initAdmin();
  initTwoFactor();
  initDigitalSkills();
  $('menu-new').addEventListener('click', () => { showMessage(''); announce(''); showNewReferral(); });
  $('menu-directory').addEventListener('click', () => showDirectory(null));
  $('referral-find-service').addEventListener('click', () => showDirectory(state.referral));
  $('directory-back').addEventListener('click', () => { showMessage(''); announce(''); if (directoryFor) openReferral(directoryFor); });
  $('menu-admin').addEventListener('click', () => { showMessage(''); announce(''); showAdmin(); });
  $('menu-two-factor').addEventListener('click', () => { showMessage(''); announce(''); showTwoFactor(); });
  $('menu-ds-report').addEventListener('click', () => { announce(''); showDigitalSkillsReport(); });
  clearWhenTheSessionEnds();
  start();
});
