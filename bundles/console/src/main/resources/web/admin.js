// The area admin's pages: users (add, disable a leaver, enable, reset a password or a lost authenticator app), handing over a caseload, the
// area's reason lists, and imports into the community directory (directory-import.js).
import { state, $, api, showMessage, announce, show, sessionEnded, cell, tableRow, el, oneAtATime } from './common.js';
import { showAuditViewer } from './governance.js';
import { mountDirectoryImport } from './directory-import.js';

function fillAreas(select) {
  if (select.options.length) return;
  for (const area of state.session.areas) {
    const option = el('option', area);
    option.value = area;
    select.appendChild(option);
  }
}

async function call(method, path, body, failure) {
  const { status, data } = await api(method, path, body);
  if (status === 401) {
    sessionEnded();
    return null;
  }
  if (status < 200 || status > 299) {
    showMessage((data && data.detail) || failure);
    return null;
  }
  showMessage('');
  return data || {};
}

export async function showAdmin() {
  show('admin');
  ['user-area', 'handover-area', 'reasons-area'].forEach((id) => fillAreas($(id)));
  await Promise.all([loadUsers(), loadReasons(), loadPlugins(), loadAreaReports(), showAuditViewer()]);
  $('admin-title').focus();
}

async function loadUsers() {
  const users = await call('GET', '/api/users', undefined, 'The users could not be loaded.');
  if (!users) return;
  const body = document.querySelector('#users-table tbody');
  body.replaceChildren();
  for (const id of ['handover-from', 'handover-to']) $(id).replaceChildren();
  for (const user of users) {
    const row = tableRow();
    row.dataset.username = user.username;
    cell(row, user.username);
    cell(row, user.roles.join(', '));
    cell(row, user.areas.join(', '));
    cell(row, user.enabled ? 'Active' : 'Disabled');
    const actions = cell(row, '');
    // An admin manages the users all of whose areas are theirs, and cannot disable themselves: the buttons were offered
    // on every row (an area admin's colleagues who also work elsewhere, their own account) and only led to a refusal.
    const manageable = user.areas.every((area) => state.session.areas.includes(area));
    if (!manageable) actions.textContent = 'Managed by an admin of all their areas';
    const toggle = el('button', user.enabled ? 'Disable' : 'Enable', 'nhsuk-button nhsuk-button--secondary nhsuk-button--small');
    toggle.type = 'button';
    toggle.setAttribute('aria-label', `${toggle.textContent} ${user.username}`);
    toggle.addEventListener('click', oneAtATime(async () => {
      if (await call('POST', `/api/users/${encodeURIComponent(user.username)}/${user.enabled ? 'disable' : 'enable'}`, undefined,
        'The user could not be changed.')) {
        announce(`${user.username} is now ${user.enabled ? 'disabled' : 'active'}.`);
        await loadUsers();
      }
    }));
    const reset = el('button', 'Reset password', 'nhsuk-button nhsuk-button--secondary nhsuk-button--small');
    reset.type = 'button';
    reset.setAttribute('aria-label', `Reset the password of ${user.username}`);
    reset.addEventListener('click', oneAtATime(async () => {
      const answer = await call('POST', `/api/users/${encodeURIComponent(user.username)}/password-reset`, undefined,
        'The password could not be reset.');
      if (answer) showPassword(answer);
    }));
    const resetApp = el('button', 'Reset two-factor', 'nhsuk-button nhsuk-button--secondary nhsuk-button--small');
    resetApp.type = 'button';
    resetApp.setAttribute('aria-label', `Reset the two-factor sign-in of ${user.username}`);
    resetApp.addEventListener('click', oneAtATime(async () => {
      if (await call('POST', `/api/users/${encodeURIComponent(user.username)}/two-factor-reset`, undefined,
        'The two-factor sign-in could not be reset.')) {
        announce(`${user.username} sets up two-factor sign-in again at their next sign-in.`);
      }
    }));
    if (manageable) {
      if (user.username !== state.session.username) actions.append(toggle, document.createTextNode(' '));
      actions.append(reset, document.createTextNode(' '), resetApp);
    }
    body.appendChild(row);
    if (user.roles.includes('link-worker')) {
      for (const id of ['handover-from', 'handover-to']) {
        const option = el('option', user.username);
        option.value = user.username;
        $(id).appendChild(option);
      }
    }
  }
}

function showPassword(answer) {
  const box = $('new-password');
  box.textContent = `Temporary password for ${answer.username}: ${answer.temporaryPassword}. Give it to them in person; `
    + 'it is not shown again.';
  box.hidden = false;
}

async function addUser(event) {
  event.preventDefault();
  const username = $('user-name').value.trim();
  if (!username) {
    showMessage('Give the new user a user name.');
    $('user-name').focus();
    return;
  }
  const answer = await call('POST', '/api/users', { username, roles: [$('user-role').value], areas: [$('user-area').value] },
    'The user could not be added.');
  if (!answer) return;
  $('user-name').value = '';
  showPassword(answer);
  await loadUsers();
}

async function handOver(event) {
  event.preventDefault();
  const answer = await call('POST', '/api/referrals/handover', { area: $('handover-area').value, from: $('handover-from').value,
    to: $('handover-to').value }, 'The caseload could not be handed over.');
  if (answer) announce(`${answer.moved} open ${answer.moved === 1 ? 'referral' : 'referrals'} handed over.`);
}

async function loadReasons() {
  const list = await call('GET', `/api/reason-lists/${$('reasons-name').value}?area=${encodeURIComponent($('reasons-area').value)}`,
    undefined, 'The reason list could not be loaded.');
  if (!list) return;
  $('reasons-text').value = list.reasons.map((r) => `${r.code}: ${r.label}`).join('\n');
  $('reasons-source').textContent = list.area === '*' ? 'This area uses the default list; saving gives it its own.'
    : 'This area has its own list.';
}

async function saveReasons(event) {
  event.preventDefault();
  const reasons = [];
  for (const line of $('reasons-text').value.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const colon = line.indexOf(':');
    if (colon < 1) {
      showMessage(`Write each reason as code: label. This line has no code: "${line}"`);
      $('reasons-text').focus();
      return;
    }
    reasons.push({ code: line.slice(0, colon).trim(), label: line.slice(colon + 1).trim() });
  }
  const saved = await call('PUT', `/api/reason-lists/${$('reasons-name').value}?area=${encodeURIComponent($('reasons-area').value)}`,
    { reasons }, 'The reason list could not be saved.');
  if (!saved) return;
  announce('Reason list saved.');
  await loadReasons();
}

export function initAdmin() {
  $('user-form').addEventListener('submit', oneAtATime(addUser));
  $('handover-form').addEventListener('submit', oneAtATime(handOver));
  $('reasons-form').addEventListener('submit', oneAtATime(saveReasons));
  $('reasons-name').addEventListener('change', loadReasons);
  $('reasons-area').addEventListener('change', loadReasons);
  $('area-report-form').addEventListener('submit', showAreaReport);
  mountDirectoryImport($('directory-import-root'));
}

const PLUGIN_STATES = { 'active': 'Active', 'failed': 'Failed (taken out of use)', 'inactive': 'Not started',
  'starting': 'Starting (what it offers is still being read)',
  'awaiting-approval': 'Waiting for approval', 'superseded': 'Replaced by a later approved version (delete its file)' };

async function loadPlugins() {
  const plugins = await call('GET', '/api/plugins', undefined, 'The plugins could not be loaded.');
  if (!plugins) return;
  const body = document.querySelector('#plugins-table tbody');
  body.replaceChildren();
  for (const plugin of plugins) {
    const row = tableRow();
    row.dataset.plugin = plugin.id;
    cell(row, (plugin.name || plugin.id) + (plugin.builtIn ? ' (built in)' : ''));
    cell(row, plugin.version);
    cell(row, (PLUGIN_STATES[plugin.state] || plugin.state) + (plugin.approvedBy ? `, approved by ${plugin.approvedBy}` : ''));
    cell(row, plugin.area || 'All areas');
    cell(row, plugin.contributions.join(', '));
    cell(row, plugin.errors + plugin.timeouts ? `${plugin.errors} errors, ${plugin.timeouts} time-outs`
      + (plugin.lastError ? `. Last: ${plugin.lastError}` : '') : 'None');
    const actions = cell(row, '');
    if (plugin.state === 'awaiting-approval') {
      actions.append(pluginButton('Approve', plugin, 'approval', { version: plugin.version }, `${plugin.id} ${plugin.version} approved.`));
    }
    if (plugin.state === 'failed') {
      actions.append(pluginButton('Take back into use', plugin, 'reset', undefined, `${plugin.id} is in use again.`));
    }
    body.appendChild(row);
  }
}

function pluginButton(label, plugin, action, body, done) {
  const button = el('button', label, 'nhsuk-button nhsuk-button--secondary nhsuk-button--small');
  button.type = 'button';
  button.setAttribute('aria-label', `${label}: ${plugin.id}`);
  button.addEventListener('click', oneAtATime(async () => {
    if (await call('POST', `/api/plugins/${encodeURIComponent(plugin.id)}/${action}`, body, 'The plugin could not be changed.')) {
      announce(done);
      await loadPlugins();
    }
  }));
  return button;
}

async function loadAreaReports() {
  const reports = await call('GET', '/api/reports', undefined, 'The area reports could not be loaded.');
  if (!reports) return;
  const select = $('area-report');
  select.replaceChildren();
  for (const report of reports) {
    const option = el('option', `${report.title} (${report.area})`);
    option.value = JSON.stringify({ id: report.id, area: report.area });
    select.appendChild(option);
  }
  $('area-report-form').hidden = reports.length === 0;
  if (!reports.length) $('area-report-table').hidden = true;
  const today = new Date().toISOString().slice(0, 10);
  if (!$('area-report-to').value) $('area-report-to').value = today;
  if (!$('area-report-from').value) $('area-report-from').value = `${today.slice(0, 4)}-01-01`;
}

async function showAreaReport(event) {
  event.preventDefault();
  if (!$('area-report').value) return;
  const { id, area } = JSON.parse($('area-report').value);
  const query = `area=${encodeURIComponent(area)}&from=${encodeURIComponent($('area-report-from').value)}`
    + `&to=${encodeURIComponent($('area-report-to').value)}`;
  const report = await call('GET', `/api/reports/${encodeURIComponent(id)}?${query}`, undefined, 'The report could not be made.');
  if (!report) return;
  const table = $('area-report-table');
  $('area-report-caption').textContent = `${report.title}, ${report.area}, ${report.from} to ${report.to}`;
  const head = tableRow();
  for (const column of report.columns) {
    const th = el('th', column, 'nhsuk-table__header');
    th.scope = 'col';
    head.appendChild(th);
  }
  table.tHead.replaceChildren(head);
  table.tBodies[0].replaceChildren(...report.rows.map((row) => {
    const tr = tableRow();
    cell(tr, row.label);
    row.counts.forEach((count) => cell(tr, count));
    return tr;
  }));
  table.hidden = false;
  const csv = $('area-report-csv');
  csv.href = `/api/reports/${encodeURIComponent(id)}?${query}&format=csv`;
  csv.hidden = false;
  announce(`${report.title}: ${report.rows.length} rows.`);
}
