// Information governance in the console: on a person's record, correcting their details (rectification, the earlier
// values kept and shown) and, for admins, the subject access export; on the admin page, the audit trail viewer with
// its hash-chain check.
import { state, $, api, showMessage, announce, sessionEnded, formatDate, formatWhen, cell, tableRow, oneAtATime } from './common.js';

let personVersion = null;
let onPersonChanged = async () => {};
let auditBefore = null;

async function call(method, path, body, headers) {
  const response = await api(method, path, body, headers);
  if (response.status === 401) {
    sessionEnded();
    return null;
  }
  return response;
}

// ---------------------------------------------------------------- the person's record

/** Called whenever a referral page is shown or reloaded. */
export async function renderPersonRecord(referral) {
  $('export-person').hidden = !state.session.roles.includes('admin');
  const response = await call('GET', `/api/patients/${encodeURIComponent(referral.patient.id)}/history`);
  if (!response) return;
  if (response.status !== 200) {
    showMessage((response.data && response.data.detail) || 'The person\'s earlier details could not be loaded.');
    return;
  }
  personVersion = response.data.current.version;
  const body = document.querySelector('#history-table tbody');
  body.replaceChildren();
  for (const p of response.data.previous) {
    const row = tableRow();
    for (const text of [formatWhen(p.changedAt), p.changedBy, p.reason, [p.given, p.family].filter(Boolean).join(' '),
      p.nhsNumber || '', formatDate(p.birthDate), p.gender || '', p.postcode || '']) {
      cell(row, text);
    }
    body.appendChild(row);
  }
  $('history-table').hidden = response.data.previous.length === 0;
  $('history-empty').hidden = response.data.previous.length > 0;
}

async function submitCorrection(event) {
  event.preventDefault();
  const correction = {};
  for (const [field, id] of [['family', 'fix-family'], ['given', 'fix-given'], ['birthDate', 'fix-birth-date'],
    ['gender', 'fix-gender'], ['postcode', 'fix-postcode'], ['nhsNumber', 'fix-nhs']]) {
    const value = $(id).value.trim();
    if (value) correction[field] = value;
  }
  correction.reason = $('fix-reason').value.trim();
  if (!correction.reason) {
    showMessage('Say why the details are being corrected.');
    $('fix-reason').focus();
    return;
  }
  const response = await call('PUT', `/api/patients/${encodeURIComponent(state.referral.patient.id)}/demographics`, correction,
    personVersion == null ? {} : { 'If-Match': `"${personVersion}"` });
  if (!response) return;
  if (response.status === 412) {
    showMessage('Someone else changed this person\'s details first. The page has been reloaded; check and try again.');
    await onPersonChanged();
    return;
  }
  if (response.status !== 200) {
    showMessage((response.data && response.data.detail) || 'The correction could not be saved.');
    return;
  }
  showMessage('');
  $('rectify-form').reset();
  await onPersonChanged();
  announce('The person\'s details were corrected; the earlier values are kept below.');
}

async function exportPerson() {
  const id = state.referral.patient.id;
  const response = await call('GET', `/api/patients/${encodeURIComponent(id)}/export`);
  if (!response) return;
  if (response.status !== 200) {
    showMessage((response.data && response.data.detail) || 'The export could not be made.');
    return;
  }
  const blob = new Blob([JSON.stringify(response.data, null, 2)], { type: 'application/json' });
  const link = $('export-download');
  link.href = URL.createObjectURL(blob);
  link.download = `waymark-person-${id}.json`;
  link.hidden = false;
  link.textContent = `Save the export (${Object.keys(response.data.sections).length} parts, made ${formatWhen(response.data.exportedAt)})`;
  link.focus();
  announce('The export is ready to save.');
}

// ---------------------------------------------------------------- the admin's audit viewer

export async function showAuditViewer() {
  auditBefore = null;
  $('audit-verify-result').hidden = true;
  await loadAudit(false);
}

async function loadAudit(more) {
  const query = new URLSearchParams();
  for (const [name, id] of [['actor', 'audit-actor'], ['patientId', 'audit-patient'], ['action', 'audit-action'],
    ['from', 'audit-from'], ['to', 'audit-to']]) {
    const value = $(id).value.trim();
    if (value) query.set(name, value);
  }
  query.set('limit', '50');
  if (more && auditBefore != null) query.set('before', auditBefore);
  const response = await call('GET', `/api/admin/audit?${query}`);
  if (!response) return;
  if (response.status !== 200) {
    showMessage((response.data && response.data.detail) || 'The audit trail could not be loaded.');
    return;
  }
  showMessage('');
  const body = document.querySelector('#audit-viewer tbody');
  if (!more) body.replaceChildren();
  for (const entry of response.data.items) {
    const row = tableRow();
    for (const text of [formatWhen(entry.at), entry.actor, entry.action.toLowerCase(), entry.resourceType,
      entry.resourceId || '', entry.patientId || '', entry.chainSeq == null ? 'not yet sealed' : `#${entry.chainSeq}`]) {
      cell(row, text);
    }
    body.appendChild(row);
  }
  auditBefore = response.data.nextBefore;
  $('audit-more').hidden = auditBefore == null;
}

async function verifyAudit() {
  const response = await call('GET', '/api/admin/audit/verify');
  if (!response) return;
  const box = $('audit-verify-result');
  if (response.status !== 200) {
    showMessage((response.data && response.data.detail) || 'The audit trail could not be checked.');
    return;
  }
  const r = response.data;
  box.textContent = r.intact
    ? `The audit trail is intact: ${r.checkedRows} entries checked, none changed or missing.`
    : `The audit trail has been tampered with: ${r.firstBrokenLink.problem} (chain position ${r.firstBrokenLink.chainSeq}`
      + `${r.firstBrokenLink.auditId == null ? '' : `, entry ${r.firstBrokenLink.auditId}`}). ${r.checkedRows} entries before it are intact.`;
  box.className = r.intact ? 'announcement' : 'message';
  box.hidden = false;
}

export function initGovernance(reloadReferral) {
  onPersonChanged = reloadReferral;
  $('rectify-form').addEventListener('submit', oneAtATime(submitCorrection));
  $('export-person').addEventListener('click', exportPerson);
  $('audit-filter').addEventListener('submit', (event) => { event.preventDefault(); auditBefore = null; loadAudit(false); });
  $('audit-more').addEventListener('click', () => loadAudit(true));
  $('audit-verify').addEventListener('click', verifyAudit);
}
