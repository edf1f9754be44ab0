// A line chart of a measure's item scores over time, drawn as SVG (no library, nothing inline, so the strict CSP
// holds). Each item has its own colour, dash pattern and marker shape, so the lines differ without colour too; the
// chart has a text summary for screen readers, and the table next to it holds every number.
const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 640;
const HEIGHT = 280;
const MARGIN = { top: 16, right: 16, bottom: 40, left: 40 };
const SERIES = [
  { colour: '#005eb8', dash: '', marker: 'circle' },
  { colour: '#007f3b', dash: '8 4', marker: 'square' },
  { colour: '#7c2855', dash: '2 4', marker: 'diamond' },
  { colour: '#8a1538', dash: '12 4 2 4', marker: 'triangle' },
];

function node(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) element.setAttribute(name, String(value));
  if (text != null) element.textContent = text;
  return element;
}

function marker(shape, x, y, colour) {
  const size = 5;
  switch (shape) {
    case 'square': return node('rect', { x: x - size, y: y - size, width: size * 2, height: size * 2, fill: colour });
    case 'diamond': return node('polygon', { points: `${x},${y - size - 1} ${x + size + 1},${y} ${x},${y + size + 1} ${x - size - 1},${y}`, fill: colour });
    case 'triangle': return node('polygon', { points: `${x},${y - size - 1} ${x + size + 1},${y + size} ${x - size - 1},${y + size}`, fill: colour });
    default: return node('circle', { cx: x, cy: y, r: size, fill: colour });
  }
}

/** Draws the responses (oldest first) into the container; an empty container when there is nothing to chart. */
export function renderChart(container, definition, responses) {
  container.replaceChildren();
  if (!responses.length) {
    const empty = document.createElement('p');
    empty.className = 'nhsuk-hint';
    empty.textContent = 'No scores recorded yet. Record them at the first contact and at each follow-up to see the change.';
    container.appendChild(empty);
    return;
  }
  const { min, max } = definition.scale;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (i) => MARGIN.left + (responses.length === 1 ? plotWidth / 2 : (i * plotWidth) / (responses.length - 1));
  const y = (v) => MARGIN.top + plotHeight - ((v - min) * plotHeight) / (max - min);

  const svg = node('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc',
    class: 'line-chart', focusable: 'false' });
  svg.appendChild(node('title', { id: 'chart-title' }, `${definition.title}: change over ${responses.length} `
    + `${responses.length === 1 ? 'recording' : 'recordings'}`));
  const changes = definition.items.map((item) => {
    const first = responses[0].answers[item.id];
    const last = responses[responses.length - 1].answers[item.id];
    return `${item.id.replace('-', ' ')} ${responses.length === 1 ? `is ${first}` : `from ${first} to ${last}`}`;
  });
  svg.appendChild(node('desc', { id: 'chart-desc' }, `Scores from ${min} to ${max}: ${changes.join('; ')}.`));

  for (let v = min; v <= max; v += 2) {
    svg.appendChild(node('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(v), y2: y(v), stroke: '#d8dde0' }));
    svg.appendChild(node('text', { x: MARGIN.left - 8, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(v)));
  }
  responses.forEach((r, i) => {
    svg.appendChild(node('text', { x: x(i), y: HEIGHT - MARGIN.bottom + 20, 'text-anchor': 'middle', class: 'axis' },
      new Date(r.recordedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })));
  });
  definition.items.forEach((item, index) => {
    const style = SERIES[index % SERIES.length];
    const points = responses.map((r, i) => `${x(i)},${y(r.answers[item.id])}`).join(' ');
    const group = node('g', { class: 'series', 'data-item': item.id });
    group.appendChild(node('polyline', { points, fill: 'none', stroke: style.colour, 'stroke-width': 3,
      'stroke-dasharray': style.dash || 'none' }));
    responses.forEach((r, i) => {
      const point = marker(style.marker, x(i), y(r.answers[item.id]), style.colour);
      point.appendChild(node('title', {}, `${item.text} ${r.answers[item.id]}`));
      group.appendChild(point);
    });
    svg.appendChild(group);
  });
  container.appendChild(svg);

  const legend = document.createElement('ul');
  legend.className = 'legend';
  definition.items.forEach((item, index) => {
    const style = SERIES[index % SERIES.length];
    const li = document.createElement('li');
    const key = node('svg', { width: 36, height: 12, 'aria-hidden': 'true', focusable: 'false' });
    key.appendChild(node('line', { x1: 0, x2: 36, y1: 6, y2: 6, stroke: style.colour, 'stroke-width': 3,
      'stroke-dasharray': style.dash || 'none' }));
    key.appendChild(marker(style.marker, 18, 6, style.colour));
    li.append(key, document.createTextNode(` ${item.text}`));
    legend.appendChild(li);
  });
  container.appendChild(legend);
}
