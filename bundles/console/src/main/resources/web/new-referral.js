// Entering a referral by hand (self-referral, VCSE partner, phone, email). Typed text is kept as a draft until saved.
import { state, $, api, showMessage, announce, show, sessionEnded, oneAtATime } from './common.js';

const draftKey = (field) => `waymark-draft:${state.session ? state.session.username : ''}:new-referral:${field}`;

export function showNewReferral() {
  show('new-referral');
  const area = $('new-area');
  if (!area.options.length) {
    for (const name of state.session.areas) {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = name;
      area.appendChild(option);
    }
  }
  for (const input of document.querySelectorAll('#new-referral-form [data-draft]')) {
    input.value = localStorage.getItem(draftKey(input.dataset.draft)) || '';
  }
  $('new-referral-title').focus();
}

async function save(event) {
  event.preventDefault();
  const value = (id) => $(id).value.trim() || null;
  if (!value('new-family') || !value('new-reason')) {
    showMessage('Give at least the family name and the reason for referral.');
    $(value('new-family') ? 'new-reason' : 'new-family').focus();
    return;
  }
  const body = { area: $('new-area').value, source: $('new-source').value, given: value('new-given'), family: value('new-family'),
    birthDate: value('new-birth'), gender: value('new-gender'), nhsNumber: value('new-nhs'), postcode: value('new-postcode'),
    reason: value('new-reason'), referrer: value('new-referrer'), priority: $('new-priority').value };
  const { status, data } = await api('POST', '/api/referrals', body);
  if (status === 401) return sessionEnded();
  if (status !== 201) {
    showMessage((data && data.detail) || 'The referral could not be saved. What you typed is kept.');
    return;
  }
  showMessage('');
  for (const input of document.querySelectorAll('#new-referral-form input, #new-referral-form textarea')) {
    if (input.dataset.draft) localStorage.removeItem(draftKey(input.dataset.draft));
    input.value = '';
  }
  announce('Referral saved.');
  window.location.hash = `#/referrals/${encodeURIComponent(data.id)}`;
}

export function initNewReferral() {
  $('new-referral-form').addEventListener('submit', oneAtATime(save));
  for (const input of document.querySelectorAll('#new-referral-form [data-draft]')) {
    input.addEventListener('input', () => {
      if (input.value) localStorage.setItem(draftKey(input.dataset.draft), input.value);
      else localStorage.removeItem(draftKey(input.dataset.draft));
    });
  }
}
