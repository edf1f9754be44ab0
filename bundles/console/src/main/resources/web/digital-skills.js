// Digital skills on a referral (assessment against the Essential Digital Skills framework, the digital inclusion plan,
// its follow-ups and the progress chart) and the area report for admins. Talks to /api/digital-skills; everything is
// built with DOM calls (no inline script or style) so the console's strict CSP holds.
import { state, $, api, showMessage, announce, show, sessionEnded, formatDate, formatWhen, oneAtATime } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';
let framework = null;
let referralId = null;
let planVersion = '"0"';

function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text != null) element.textContent = text;
  return element;
}

async function call(method, path, body, headers) {
  const answer = await api(method, path, body, headers);
  if (answer.status === 401) {
    sessionEnded();
    return null;
  }
  return answer;
}

function problem(answer, fallback) {
  showMessage((answer && answer.data && answer.data.detail) || fallback);
}

async function loadFramework() {
  if (framework) return framework;
  const answer = await call('GET', '/api/digital-skills/framework');
  if (!answer || answer.status !== 200) return null;
  framework = answer.data;
  return framework;
}

const base = () => `/api/digital-skills/referrals/${encodeURIComponent(referralId)}`;
const areaTitle = (code) => (framework.areas.find((a) => a.code === code) || { title: code }).title;

/** Shows the digital skills panel of a referral; hidden when the capability is not installed. */
export async function mountDigitalSkills(referral) {
  const panel = $('ds-panel');
  referralId = referral.id;
  if (!(await loadFramework())) {
    panel.hidden = true;
    return;
  }
  panel.hidden = false;
  renderAssessForm();
  await Promise.all([loadProgress(), loadPlan()]);
}

// ---------------------------------------------------------------- assessment

function renderAssessForm() {
  const form = $('ds-assess-form');
  form.replaceChildren();
  for (const area of framework.areas) {
    const fieldset = el('fieldset', { class: 'nhsuk-fieldset' },
      el('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s', text: `${area.title}: ${area.plain}` }));
    for (const statement of area.statements) {
      const select = el('select', { id: `ds-${statement.code}`, name: statement.code, required: true, class: 'nhsuk-select' },
        el('option', { value: '', text: 'Choose an answer' }),
        ...framework.answers.map((a) => el('option', { value: a.code, text: a.label })));
      fieldset.append(el('div', { class: 'nhsuk-form-group' }, el('label', { for: select.id, class: 'nhsuk-label', text: statement.text }), select));
    }
    form.append(fieldset);
  }
  form.append(el('button', { type: 'submit', class: 'nhsuk-button nhsuk-button--secondary', text: 'Save assessment' }));
}

async function submitAssessment(event) {
  event.preventDefault();
  const answers = {};
  let missing = null;
  for (const select of $('ds-assess-form').querySelectorAll('select')) {
    if (!select.value && !missing) missing = select;
    answers[select.name] = select.value;
  }
  if (missing) {
    showMessage(`Choose an answer for "${missing.labels[0].textContent}".`);
    missing.focus();
    return;
  }
  const answer = await call('POST', `${base()}/assessments`, { answers });
  if (!answer) return;
  if (answer.status !== 201) {
    problem(answer, 'The assessment could not be saved.');
    return;
  }
  showMessage('');
  announce(`Assessment saved: overall ${answer.data.overall} out of 100.`);
  $('ds-assess-form').reset();
  $('ds-assess-details').open = false;
  await Promise.all([loadProgress(), loadPlan()]);
}

async function sendLink(send) {
  const answer = await call('POST', `${base()}/self-assessment-links`, { send });
  if (!answer) return;
  if (answer.status !== 201) {
    problem(answer, 'The link could not be made.');
    return;
  }
  const box = $('ds-link');
  box.replaceChildren(
    el('span', { text: send ? 'Sent to the person. ' : 'Give the person this link (it works once, for 14 days): ' }),
    el('a', { href: answer.data.link, text: answer.data.link }));
  box.hidden = false;
}

// ---------------------------------------------------------------- progress

async function loadProgress() {
  const answer = await call('GET', `${base()}/progress`);
  if (!answer || answer.status !== 200) return;
  const progress = answer.data;
  const summary = $('ds-progress-summary');
  const table = $('ds-progress-table');
  const body = table.querySelector('tbody');
  body.replaceChildren();
  if (!progress.assessments) {
    summary.textContent = 'Not assessed yet. Assess with the person, or send them a link to do it themselves.';
    table.hidden = true;
    $('ds-chart').replaceChildren();
    return;
  }
  table.hidden = false;
  summary.textContent = progress.assessments === 1
    ? `Assessed once, on ${formatWhen(progress.baselineAt)}. Re-assess at each follow-up to see the change.`
    : `${progress.assessments} assessments. Overall change since ${formatWhen(progress.baselineAt)}: `
      + `${progress.overallChange > 0 ? '+' : ''}${progress.overallChange} points${progress.improved ? ' (improved)' : ''}.`;
  for (const row of progress.areas) {
    const tr = el('tr', { class: 'nhsuk-table__row' });
    tr.append(el('th', { scope: 'row', class: 'nhsuk-table__header', text: row.title }), el('td', { class: 'nhsuk-table__cell', text: `${row.baseline}` }),
      el('td', { class: 'nhsuk-table__cell', text: `${row.latest}` }),
      el('td', { class: 'nhsuk-table__cell', text: `${row.change > 0 ? '+' : ''}${row.change}` }));
    body.append(tr);
  }
  drawProgressChart($('ds-chart'), progress);
  const goals = $('ds-goal-progress');
  goals.replaceChildren();
  for (const goal of progress.goals) {
    const change = goal.areaChange === undefined ? '' : `; ${areaTitle(goal.skillArea)} ${goal.areaChange > 0 ? '+' : ''}${goal.areaChange}`;
    goals.append(el('li', { text: `${goal.text}: ${goal.achieved ? `achieved ${formatDate(goal.achievedOn)}` : 'not yet'}${change}` }));
  }
}

/** Grouped bars per skill area: the first assessment (hatched) and the latest (solid); a table holds every number. */
function drawProgressChart(container, progress) {
  container.replaceChildren();
  const width = 640;
  const height = 300;
  const margin = { top: 16, right: 16, bottom: 70, left: 40 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const groupW = plotW / progress.areas.length;
  const y = (v) => margin.top + plotH - (v * plotH) / 100;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'ds-chart-title ds-chart-desc',
    class: 'line-chart', focusable: 'false' });
  chart.append(svg('title', { id: 'ds-chart-title' }, 'Digital skills by area: first and latest assessment'));
  chart.append(svg('desc', { id: 'ds-chart-desc' }, progress.areas.map((a) => `${a.title} from ${a.baseline} to ${a.latest}`).join('; ')));
  const defs = svg('defs');
  const pattern = svg('pattern', { id: 'ds-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
  pattern.append(svg('rect', { width: 6, height: 6, fill: '#ffffff' }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#4c6272', 'stroke-width': 3 }));
  defs.append(pattern);
  chart.append(defs);
  for (let v = 0; v <= 100; v += 20) {
    chart.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v), stroke: '#d8dde0' }));
    chart.append(svg('text', { x: margin.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, v));
  }
  progress.areas.forEach((area, i) => {
    const x0 = margin.left + i * groupW + groupW * 0.15;
    const barW = groupW * 0.33;
    chart.append(svg('rect', { x: x0, y: y(area.baseline), width: barW, height: y(0) - y(area.baseline), fill: 'url(#ds-hatch)', stroke: '#4c6272' }));
    chart.append(svg('rect', { x: x0 + barW + 2, y: y(area.latest), width: barW, height: y(0) - y(area.latest), fill: '#005eb8' }));
    const label = svg('text', { x: x0 + barW, y: height - margin.bottom + 16, 'text-anchor': 'middle', class: 'axis' });
    const words = area.title.replace('Handling information and content', 'Information').replace('Being safe and legal online', 'Safe online').split(' ');
    words.slice(0, 3).forEach((word, k) => label.append(svg('tspan', { x: x0 + barW, dy: k === 0 ? 0 : 14 }, word)));
    chart.append(label);
  });
  container.append(chart, el('ul', { class: 'legend' },
    el('li', { text: 'Hatched bars: first assessment' }), el('li', { text: 'Solid blue bars: latest assessment' })));
}

// ---------------------------------------------------------------- plan and follow-ups

function checkboxes(container, name, items, chosen) {
  container.replaceChildren();
  for (const item of items) {
    const id = `ds-${name}-${item.code}`;
    const box = el('input', { type: 'checkbox', id, name, value: item.code, checked: chosen.includes(item.code), class: 'nhsuk-checkboxes__input' });
    container.append(el('div', { class: 'nhsuk-checkboxes__item' }, box,
      el('label', { for: id, class: 'nhsuk-label nhsuk-checkboxes__label', text: item.label })));
  }
}

async function loadPlan() {
  const answer = await call('GET', `${base()}/plan`);
  if (!answer || answer.status !== 200) return;
  const plan = answer.data;
  planVersion = answer.etag || `"${plan.version}"`;
  $('ds-plan-state').textContent = plan.agreedOn
    ? `Agreed on ${formatDate(plan.agreedOn)} by ${plan.agreedBy}.`
    : 'Not agreed yet. Saving the plan agrees it and schedules the follow-ups.';
  checkboxes($('ds-goals'), 'goal', framework.goals.filter((g) => g.code !== 'other'), (plan.goals || []).map((g) => g.code));
  checkboxes($('ds-barriers'), 'barrier', framework.barriers.filter((b) => b.code !== 'other'), plan.barriers || []);
  checkboxes($('ds-actions'), 'action', framework.actions.filter((a) => a.code !== 'other'), (plan.actions || []).map((a) => a.code));
  $('ds-barrier-note').value = plan.barrierNote || '';
  const goals = $('ds-goal-list');
  goals.replaceChildren();
  for (const goal of plan.goals || []) {
    const button = el('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small',
      text: goal.achievedOn ? `Mark "${goal.text}" not achieved` : `Mark "${goal.text}" achieved` });
    button.addEventListener('click', oneAtATime(() => markGoal(goal.id, !goal.achievedOn)));
    goals.append(el('li', { class: 'entry' }, el('span', { class: 'entry-heading',
      text: `${goal.text} (${areaTitle(goal.skillArea)})${goal.achievedOn ? `: achieved ${formatDate(goal.achievedOn)}` : ''}` }), button));
  }
  renderFollowUps(plan.followUps || []);
  const equality = await call('GET', `${base()}/equality`);
  const select = $('ds-ethnicity');
  if (select.options.length === 1) {
    for (const e of framework.ethnicity) select.append(el('option', { value: e.code, text: e.label }));
  }
  select.value = (equality && equality.status === 200 && equality.data.ethnicity) || '';
}

function renderFollowUps(followUps) {
  const body = $('ds-follow-ups').querySelector('tbody');
  body.replaceChildren();
  $('ds-follow-ups').hidden = !followUps.length;
  for (const f of followUps) {
    const tr = el('tr', { class: 'nhsuk-table__row' });
    const cell = el('td', { class: 'nhsuk-table__cell' });
    if (f.status === 'scheduled') {
      const id = `ds-move-${f.seq}`;
      const input = el('input', { type: 'date', id, value: f.dueOn, class: 'nhsuk-input nhsuk-input--width-10' });
      const button = el('button', { type: 'button', class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', text: 'Move' });
      button.addEventListener('click', oneAtATime(() => moveFollowUp(f.id, input.value)));
      cell.append(el('label', { for: id, class: 'nhsuk-u-visually-hidden', text: `New date for the ${f.label} follow-up` }), input, button);
    }
    tr.append(el('th', { scope: 'row', class: 'nhsuk-table__header', text: f.label }),
      el('td', { class: 'nhsuk-table__cell', text: formatDate(f.dueOn) }),
      el('td', { class: 'nhsuk-table__cell', text: f.status === 'done' ? 'Done' : f.status === 'cancelled' ? 'Cancelled: the referral is closed'
        : f.remindedAt ? 'Scheduled, reminders sent' : 'Scheduled' }), cell);
    body.append(tr);
  }
}

async function submitPlan(event) {
  event.preventDefault();
  const picked = (name) => [...document.querySelectorAll(`#ds-plan-form input[name="${name}"]:checked`)].map((b) => b.value);
  const body = {
    goals: picked('goal').map((code) => ({ code })),
    barriers: picked('barrier'),
    barrierNote: $('ds-barrier-note').value,
    actions: picked('action').map((code) => ({ code, note: code === 'skills-group' ? $('ds-group-note').value : undefined })),
  };
  const answer = await call('PUT', `${base()}/plan`, body, { 'If-Match': planVersion });
  if (!answer) return;
  if (answer.status === 412) {
    showMessage('Someone else changed this plan meanwhile. It has been reloaded: check it and save again.');
    await loadPlan();
    return;
  }
  if (answer.status !== 200) {
    problem(answer, 'The plan could not be saved.');
    return;
  }
  showMessage('');
  announce(answer.data.followUps.length
    ? `Plan saved. Follow-ups: ${answer.data.followUps.map((f) => formatDate(f.dueOn)).join(', ')}.`
    : 'Plan saved.');
  await Promise.all([loadPlan(), loadProgress()]);
}

async function markGoal(goalId, achieved) {
  const answer = await call('POST', `${base()}/plan/goals/${encodeURIComponent(goalId)}`, { achieved });
  if (!answer) return;
  if (answer.status !== 200) {
    problem(answer, 'The goal could not be updated.');
    return;
  }
  announce(achieved ? 'Goal marked achieved.' : 'Goal marked not achieved.');
  await Promise.all([loadPlan(), loadProgress()]);
}

async function moveFollowUp(followUpId, dueOn) {
  const answer = await call('PUT', `${base()}/follow-ups/${encodeURIComponent(followUpId)}`, { dueOn });
  if (!answer) return;
  if (answer.status !== 200) {
    problem(answer, 'The follow-up could not be moved.');
    return;
  }
  showMessage('');
  announce(`Follow-up moved to ${formatDate(answer.data.dueOn)}; its reminder moves with it.`);
  await loadPlan();
}

async function saveEthnicity() {
  const value = $('ds-ethnicity').value || null;
  const answer = await call('PUT', `${base()}/equality`, { ethnicity: value });
  if (!answer) return;
  if (answer.status !== 200) {
    problem(answer, 'Could not be saved.');
    return;
  }
  announce('Saved.');
}

// ---------------------------------------------------------------- area report (admins)

export async function showDigitalSkillsReport() {
  showMessage('');
  show('ds-report');
  const select = $('ds-report-area');
  if (!select.options.length) {
    for (const area of state.session.areas) select.append(el('option', { value: area, text: area }));
  }
  if (!$('ds-report-to').value) {
    const today = new Date();
    $('ds-report-to').value = today.toISOString().slice(0, 10);
    const from = new Date(today);
    from.setFullYear(today.getFullYear() - 1);
    from.setDate(from.getDate() + 1);
    $('ds-report-from').value = from.toISOString().slice(0, 10);
  }
  $('ds-report-title').focus();
  await loadReport();
}

function reportQuery() {
  const params = new URLSearchParams({ area: $('ds-report-area').value, from: $('ds-report-from').value, to: $('ds-report-to').value });
  return params.toString();
}

async function loadReport(event) {
  if (event) event.preventDefault();
  const answer = await call('GET', `/api/digital-skills/reports?${reportQuery()}`);
  if (!answer) return;
  const root = $('ds-report-root');
  root.replaceChildren();
  if (answer.status !== 200) {
    problem(answer, 'The report could not be made.');
    return;
  }
  showMessage('');
  const report = answer.data;
  $('ds-report-csv').href = `/api/digital-skills/reports.csv?${reportQuery()}`;
  root.append(el('p', { class: 'nhsuk-hint', text: `Referrals received in ${report.area} from ${formatDate(report.from)} to `
    + `${formatDate(report.to)}, counting each person once however often they were referred. Counts from 1 to `
    + `${report.threshold - 1} are shown as *, and other counts (a total too) are hidden where they would give one away.` }));
  root.append(el('h2', { class: 'nhsuk-heading-m', text: 'From referral to improvement' }));
  root.append(funnelChart(report.funnel));
  root.append(table('The funnel', ['Stage', 'People'], report.funnel.map((s) => [s.label, s.count])));
  root.append(el('h2', { class: 'nhsuk-heading-m', text: 'Follow-ups' }));
  root.append(table('Follow-ups due so far and done', ['Due', 'Done', 'Completion'],
    [[report.followUps.due, report.followUps.done, report.followUps.completion]], true));
  root.append(el('h2', { class: 'nhsuk-heading-m', text: 'Change per skill area' }));
  root.append(table('Mean change in score (0 to 100) between the first and latest assessment, for people assessed twice or more',
    ['Skill area', 'People', 'Mean change'], report.skillAreaChange.map((r) => [r.title, r.people, r.meanChange])));
  root.append(el('h2', { class: 'nhsuk-heading-m', text: 'Wellbeing and other outcome measures' }));
  root.append(report.outcomeChange.length
    ? table('Mean change between the first and latest response, for the people assessed who answered a measure twice or more',
      ['Measure and item', 'People', 'Mean change'], report.outcomeChange.map((r) => [`${r.measure}: ${r.item.replace(/-/g, ' ')}`, r.people, r.meanChange]))
    : el('p', { class: 'nhsuk-hint', text: 'No one assessed has answered an outcome measure twice yet.' }));
  root.append(el('h2', { class: 'nhsuk-heading-m', text: 'Who are we missing?' }));
  for (const group of report.equity) {
    root.append(el('h3', { class: 'nhsuk-heading-s', text: group.label }));
    if (!group.available) root.append(el('p', { class: 'nhsuk-hint', text: group.note }));
    root.append(table(`The funnel by ${group.label.toLowerCase()}`, ['Group', 'Referred', 'Engaged', 'Assessed', 'Followed up', 'Improved'],
      group.rows.map((r) => [r.category, r.referred, r.engaged, r.assessed, r.followedUp, r.improved])));
  }
  announce('Report ready.');
}

function table(caption, headings, rows, noRowHeadings) {
  const t = el('table', { class: 'nhsuk-table' }, el('caption', { class: 'nhsuk-table__caption nhsuk-table__caption--s', text: caption }));
  const head = el('tr', { class: 'nhsuk-table__row' });
  headings.forEach((h) => head.append(el('th', { scope: 'col', class: 'nhsuk-table__header', text: h })));
  t.append(el('thead', { class: 'nhsuk-table__head' }, head));
  const body = el('tbody', { class: 'nhsuk-table__body' });
  for (const row of rows) {
    const tr = el('tr', { class: 'nhsuk-table__row' });
    row.forEach((value, i) => tr.append(el(i === 0 && !noRowHeadings ? 'th' : 'td', i === 0 && !noRowHeadings
      ? { scope: 'row', class: 'nhsuk-table__header', text: value } : { class: 'nhsuk-table__cell', text: value })));
    body.append(tr);
  }
  t.append(body);
  return t;
}

/** Horizontal bars, one per stage; a suppressed count has no bar and says so. */
function funnelChart(funnel) {
  const width = 640;
  const rowH = 36;
  const left = 120;
  const height = funnel.length * rowH + 10;
  const shown = funnel.map((s) => (s.count === '*' ? null : Number(s.count)));
  const max = Math.max(1, ...shown.filter((v) => v !== null));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'ds-funnel-title ds-funnel-desc',
    class: 'line-chart', focusable: 'false' });
  chart.append(svg('title', { id: 'ds-funnel-title' }, 'People at each stage'));
  chart.append(svg('desc', { id: 'ds-funnel-desc' }, funnel.map((s) => `${s.label}: ${s.count === '*' ? 'not shown' : s.count}`).join('; ')));
  funnel.forEach((stage, i) => {
    const yTop = 5 + i * rowH;
    chart.append(svg('text', { x: left - 8, y: yTop + 22, 'text-anchor': 'end', class: 'axis' }, stage.label));
    if (shown[i] === null) {
      chart.append(svg('text', { x: left + 4, y: yTop + 22, class: 'axis' }, '* (not shown: a small number, or one that would give one away)'));
      return;
    }
    const w = ((width - left - 60) * shown[i]) / max;
    chart.append(svg('rect', { x: left, y: yTop + 6, width: Math.max(w, 1), height: rowH - 12, fill: '#005eb8' }));
    chart.append(svg('text', { x: left + w + 6, y: yTop + 22, class: 'axis' }, stage.count));
  });
  return el('div', { class: 'chart' }, chart);
}

export function initDigitalSkills() {
  $('ds-assess-form').addEventListener('submit', oneAtATime(submitAssessment));
  // One link at a time whichever button: a double click on "send" texted the person two links.
  const link = oneAtATime((send) => sendLink(send));
  $('ds-link-make').addEventListener('click', () => link(false));
  $('ds-link-send').addEventListener('click', () => link(true));
  $('ds-plan-form').addEventListener('submit', oneAtATime(submitPlan));
  $('ds-ethnicity-save').addEventListener('click', oneAtATime(saveEthnicity));
  $('ds-report-form').addEventListener('submit', loadReport);
}
