// <sheffield-letters referral-id="..."> lists the letters posted to the referral's person (Sheffield plugin).
class SheffieldLetters extends HTMLElement {
  async connectedCallback() {
    const id = this.getAttribute('referral-id');
    const response = await fetch(`/api/pathfinder-sheffield/referrals/${encodeURIComponent(id)}/letters`, {
      headers: { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' }, credentials: 'same-origin' });
    this.replaceChildren();
    if (response.status !== 200) {
      this.append(Object.assign(document.createElement('p'), { textContent: 'The letters could not be loaded.' }));
      return;
    }
    const letters = await response.json();
    if (!letters.length) {
      this.append(Object.assign(document.createElement('p'), { textContent: 'No letters have been posted to this person.' }));
      return;
    }
    const list = document.createElement('ul');
    for (const letter of letters) {
      const when = new Date(letter.writtenAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
      list.append(Object.assign(document.createElement('li'), { textContent: `${when}: ${letter.subject}` }));
    }
    this.append(list);
  }
}
if (!customElements.get('sheffield-letters')) customElements.define('sheffield-letters', SheffieldLetters);
