// Put into the bundled speedscope app's index.html (by build.mjs) to receive a profile from
// the pyprof page without any network or file access. The page opens the app with
// `#localProfilePath=pyprof-receive`: speedscope then defines its own load-from-data entry
// point, `window.speedscope.loadFileFromBase64` (what `speedscope FILE` uses), and appends a
// <script src="file:///pyprof-receive">. This receiver keeps that placeholder script from
// loading, tells the opener it is ready, and passes the profile it is sent by postMessage
// to `loadFileFromBase64`.
(() => {
  const placeholder = 'file:///pyprof-receive';
  let ready = false;
  let profile;
  let delivered = false;
  const deliver = async () => {
    const app = window.speedscope;
    if (!ready || !profile || !app || delivered) return;
    delivered = true;
    const { name, blob } = profile;
    profile = undefined;
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let at = 0; at < bytes.length; at += 0x8000)
      binary += String.fromCharCode.apply(null, bytes.subarray(at, at + 0x8000));
    app.loadFileFromBase64(name, btoa(binary));
  };
  const append = document.head.appendChild;
  document.head.appendChild = function (node) {
    if (node instanceof HTMLScriptElement && node.src === placeholder) {
      ready = true;
      window.opener?.postMessage({ pyprof: 'ready' }, '*');
      deliver();
      return node;
    }
    return append.call(this, node);
  };
  window.addEventListener('message', (event) => {
    if (event.source !== window.opener || event.data?.pyprof !== 'profile') return;
    profile = event.data;
    deliver();
  });
})();
