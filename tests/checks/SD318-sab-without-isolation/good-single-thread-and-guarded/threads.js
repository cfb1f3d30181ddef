// Uses shared memory only when the page is isolated; falls back otherwise.
const buffer = self.crossOriginIsolated ? new SharedArrayBuffer(1024) : new ArrayBuffer(1024);
