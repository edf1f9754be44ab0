// The admin's directory import: uploads Open Referral JSON or a zipped CSV data package, then follows the import run
// (POST answers 202 at once; the run is polled) with a progress bar until it ends, and shows what was applied, skipped
// or refused. Screen readers hear each new phase and every quarter of it, not every poll. Built with textContent only.
import { state, sessionEnded } from './common.js';

const PHASES = { reading: 'Reading the file', validating: 'Checking the records', writing: 'Saving the records',
  indexing: 'Updating the search index' };
const POLL_MS = 500;
const ERRORS_SHOWN = 50;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const number = (n) => Number(n).toLocaleString('en-GB');

export function mountDirectoryImport(root) {
  const file = el('input', { type: 'file', id: 'import-file', accept: '.json,.zip,application/json,application/zip',
    'aria-describedby': 'import-file-hint' });
  const submit = el('button', { type: 'submit', class: 'nhsuk-button nhsuk-button--secondary' }, 'Import');
  const form = el('form', { id: 'import-form', novalidate: '' },
    el('div', { class: 'nhsuk-form-group' }, el('label', { for: 'import-file', class: 'nhsuk-label' }, 'File to import'),
      el('div', { class: 'nhsuk-hint', id: 'import-file-hint' }, 'A .json file of Open Referral UK or HSDS records, or a .zip of a CSV '
        + 'data package (datapackage.json and its CSV files)'), file),
    submit);
  const label = el('p', { id: 'import-progress-label' });
  const bar = el('progress', { id: 'import-progress', 'aria-labelledby': 'import-progress-label' });
  const progressBox = el('div', { id: 'import-running', hidden: '' }, label, bar);
  // Polite announcements at phase changes, each quarter and the end; the label above changes silently at each poll.
  const status = el('p', { id: 'import-status', role: 'status', class: 'nhsuk-u-visually-hidden' });
  const summary = el('div', { id: 'import-summary', tabindex: '-1', hidden: '' });
  root.replaceChildren(form, progressBox, status, summary);
  let announced = '';

  function say(text) {
    if (text !== announced) {
      announced = text;
      status.textContent = text;
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) {
      showProblem('Choose a .json or .zip file to import.');
      file.focus();
      return;
    }
    const zip = chosen.name.toLowerCase().endsWith('.zip');
    submit.disabled = true;
    summary.hidden = true;
    announced = '';
    show({ state: 'queued', progress: {} });
    const response = await fetch('/api/directory/imports', { method: 'POST', credentials: 'same-origin', body: chosen,
      headers: { 'Content-Type': zip ? 'application/zip' : 'application/json', 'Accept': 'application/json',
        'X-Requested-With': 'XMLHttpRequest', 'X-CSRF-Token': (state.session && state.session.csrfToken) || '' } });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (response.status === 401) { sessionEnded(); return; }
    if (response.status === 409 && data && data.run) {
      showProblem(`${data.detail} Following the import that is running instead.`);
      await follow(data.run);
      return;
    }
    if (response.status !== 202) {
      showProblem((data && data.detail) || `The import could not be started (${response.status}).`);
      return;
    }
    await follow(response.headers.get('Location') || `/api/directory/imports/${data.id}`);
  });

  async function follow(location) {
    for (;;) {
      const response = await fetch(location, { credentials: 'same-origin', headers: { 'Accept': 'application/json',
        'X-Requested-With': 'XMLHttpRequest' } });
      if (response.status === 401) { sessionEnded(); return; }
      const run = await response.json();
      if (response.status !== 200) { showProblem(run.detail || `The import could not be followed (${response.status}).`); return; }
      show(run);
      if (run.state === 'applied' || run.state === 'failed') {
        finish(run);
        return;
      }
      await new Promise((resolve) => { setTimeout(resolve, POLL_MS); });
    }
  }

  function show(run) {
    progressBox.hidden = false;
    const p = run.progress || {};
    const phase = PHASES[p.phase] || 'Waiting to start';
    if (typeof p.total === 'number' && p.total > 0) {
      bar.max = p.total;
      bar.value = Math.min(p.done, p.total);
      label.textContent = `${phase}: ${number(p.done)} of ${number(p.total)} records`;
      const quarter = Math.floor((4 * p.done) / p.total);
      say(`${phase}: ${quarter * 25}% done`);
    } else {
      // Total not known yet (still reading): an indeterminate bar.
      bar.removeAttribute('value');
      label.textContent = p.done ? `${phase}: ${number(p.done)} records so far` : `${phase}…`;
      say(`${phase}.`);
    }
  }

  function finish(run) {
    progressBox.hidden = true;
    submit.disabled = false;
    const applied = run.state === 'applied';
    const heading = applied ? `Imported ${number(run.records)} records` : 'Nothing was imported';
    const counts = Object.entries(run.counts || {}).map(([kind, count]) => `${kind.replaceAll('_', ' ')}: ${number(count)}`);
    const errors = run.errors || [];
    summary.replaceChildren(...[
      el('h3', { id: 'import-summary-title', class: 'nhsuk-heading-s' }, heading),
      el('p', { class: applied ? 'announcement' : 'message' }, applied ? `${counts.join(', ')}.` : (run.detail || 'The import failed.')),
      counts.length ? el('ul', { id: 'import-counts', class: 'nhsuk-list nhsuk-list--bullet' }, ...counts.map((c) => el('li', {}, c))) : null,
      errors.length ? el('h4', {}, `Problems (${number(run.errorCount)})`) : null,
      errors.length ? el('ul', { id: 'import-errors', class: 'nhsuk-list nhsuk-list--bullet' }, ...errors.slice(0, ERRORS_SHOWN).map((e) => el('li', {}, e)),
        run.errorCount > ERRORS_SHOWN ? el('li', {}, `… and ${number(run.errorCount - ERRORS_SHOWN)} more`) : null) : null,
      (run.skipped || []).length ? el('h4', {}, 'Skipped') : null,
      (run.skipped || []).length ? el('ul', { id: 'import-skipped', class: 'nhsuk-list nhsuk-list--bullet' }, ...run.skipped.map((s) => el('li', {}, s))) : null].filter(Boolean));
    summary.hidden = false;
    say(applied ? `${heading}. ${(run.skipped || []).length} items skipped.`
      : `Nothing was imported: ${number(run.errorCount)} problems. The list follows.`);
    summary.focus();
  }

  function showProblem(text) {
    submit.disabled = false;
    progressBox.hidden = true;
    summary.replaceChildren(el('p', { class: 'message' }, text));
    summary.hidden = false;
    say(text);
  }
}
