// A member of staff turning on two-factor sign-in for themselves (roles that need it are asked at sign-in), and
// choosing their own password.
import { $, api, showMessage, announce, show, sessionEnded, oneAtATime } from './common.js';

export async function showTwoFactor() {
  show('two-factor');
  $('two-factor-form').hidden = true;
  const { status, data } = await api('GET', '/api/me/two-factor');
  if (status === 401) return sessionEnded();
  if (status !== 200) {
    showMessage('Your two-factor sign-in could not be loaded.');
    return;
  }
  const on = data.status === 'enrolled';
  $('two-factor-status').textContent = on
    ? 'Two-factor sign-in is on: you sign in with your password and a code from your authenticator app. '
      + 'If you lose your phone, ask an admin to reset it.'
    : 'Two-factor sign-in is off: you sign in with your password alone. Turning it on protects the people on your '
      + 'caseload if your password is ever stolen.';
  $('two-factor-start').hidden = on;
  $('two-factor-title').focus();
}

async function start() {
  const { status, data } = await api('POST', '/api/me/two-factor');
  if (status === 401) return sessionEnded();
  if (status !== 200) {
    showMessage((data && data.detail) || 'Two-factor sign-in could not be set up.');
    return;
  }
  $('two-factor-qr').src = data.qrSvgDataUri;
  $('two-factor-secret').textContent = data.secret.replace(/(.{4})/g, '$1 ').trim();
  $('two-factor-start').hidden = true;
  $('two-factor-form').hidden = false;
  $('two-factor-code').value = '';
  $('two-factor-code').focus();
}

async function confirm(event) {
  event.preventDefault();
  const code = $('two-factor-code').value.trim();
  if (!code) {
    showMessage('Enter the code your authenticator app shows.');
    $('two-factor-code').focus();
    return;
  }
  const { status, data } = await api('POST', '/api/me/two-factor/confirm', { code });
  if (status === 401) return sessionEnded();
  if (status !== 200) {
    showMessage((data && data.detail) || 'The code could not be checked.');
    $('two-factor-code').focus();
    return;
  }
  showMessage('');
  await showTwoFactor();
  announce('Two-factor sign-in is on.');
}

/** The person's own password, in place of an admin's temporary one; their other sessions end. */
async function changePassword(event) {
  event.preventDefault();
  const currentPassword = $('password-current').value;
  const newPassword = $('password-new').value;
  if (!currentPassword || !newPassword) {
    showMessage('Enter your current password and a new one.');
    $(currentPassword ? 'password-new' : 'password-current').focus();
    return;
  }
  if (newPassword !== $('password-repeat').value) {
    showMessage('The two new passwords are not the same.');
    $('password-repeat').focus();
    return;
  }
  const { status, data } = await api('POST', '/api/me/password', { currentPassword, newPassword });
  if (status === 401) return sessionEnded();
  if (status !== 204) {
    showMessage(status === 429 ? 'Too many wrong passwords: try again later.'
      : (data && data.detail) || 'The password could not be changed.');
    $('password-current').focus();
    return;
  }
  for (const id of ['password-current', 'password-new', 'password-repeat']) $(id).value = '';
  showMessage('');
  announce('Your password is changed. You stay signed in here; anywhere else you are signed out.');
}

export function initTwoFactor() {
  $('two-factor-start').addEventListener('click', oneAtATime(start));
  $('two-factor-form').addEventListener('submit', oneAtATime(confirm));
  $('password-form').addEventListener('submit', oneAtATime(changePassword));
}
