// A still frame of the video shown by the element `selector` names, drawn on a canvas at the
// frame the office paused on, as JPEG bytes (a Uint8Array); null when there is no picture.
export async function stillFrame(selector) {
  const v = document.querySelector(selector);
  if (!v || !v.videoWidth || !v.videoHeight) return null;
  const c = document.createElement('canvas');
  c.width = v.videoWidth;
  c.height = v.videoHeight;
  c.getContext('2d').drawImage(v, 0, 0, c.width, c.height);
  const blob = await new Promise((ok) => c.toBlob(ok, 'image/jpeg', 0.9));
  return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
}
