// The ballot page's one touch of the browser's history: the spent code leaves the address bar.
export function forget_address(path) {
  history.replaceState(null, '', path);
}
