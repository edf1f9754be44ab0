// Panels that pathfinder plugins add (GET /api/console/panels): each is a web component whose script the console
// loads from /console/panels/{id}.js and places with the referral (or the home page) it belongs to.
import { api, el } from './common.js';

// Each panel's script address as loaded in this page; the address names the plugin's version.
const loaded = new Map();

/**
 * Fills `container` with the plugin panels for this placement and area (null: any of the caller's areas, which the
 * server already chose); attributes go on each element.
 */
export async function showPanels(container, placement, area, attributes) {
  container.replaceChildren();
  const response = await api('GET', '/api/console/panels');
  if (response.status !== 200 || !Array.isArray(response.data)) return;
  for (const panel of response.data) {
    if (panel.placement !== placement || (area && panel.area && panel.area !== area)) continue;
    const script = panel.script || `/console/panels/${encodeURIComponent(panel.id)}.js`;
    if (loaded.has(panel.id) && loaded.get(panel.id) !== script) {
      // The plugin was upgraded while this page was open: its element is defined by the earlier version's script, and
      // a page cannot define an element twice. A fresh page loads the new version.
      window.location.reload();
      return;
    }
    try {
      if (!loaded.has(panel.id)) {
        await import(script);
        loaded.set(panel.id, script);
      }
    } catch (e) {
      continue; // a plugin's broken script leaves its panel out, never the page
    }
    const section = el('section', null, 'nhsuk-card panel plugin-panel');
    const content = el('div', null, 'nhsuk-card__content');
    const headingId = `plugin-panel-${panel.id}`;
    const heading = el('h2', panel.title, 'nhsuk-heading-m');
    heading.id = headingId;
    section.setAttribute('aria-labelledby', headingId);
    section.dataset.plugin = panel.plugin;
    const element = document.createElement(panel.element);
    for (const [name, value] of Object.entries(attributes || {})) element.setAttribute(name, value);
    content.append(heading, element);
    section.append(content);
    container.append(section);
  }
}
