// The slips come once, as the answer of a POST: fetched and handed to the browser as a file.
// Resolves to '' when saved, else the error body's text (or 'network').
export async function save_posted_pdf(path, body, name) {
  try {
    const r = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/pdf' },
      body,
    });
    if (!r.ok) {
      return await r.text();
    }
    const url = URL.createObjectURL(await r.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    return '';
  } catch (e) {
    return 'network';
  }
}
