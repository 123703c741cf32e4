// fhirclient uses this only when globalThis.crypto is missing (pre-2017 browsers, old Node).
// CARAC Watch needs a browser with Web Crypto (PKCE S256), so the built-in one is all there is.
// An ES module on purpose: Vite converts CommonJS only inside node_modules, and this folder is
// linked from outside it.
export default globalThis.crypto;
