const memory = new WebAssembly.Memory({ initial: 16, maximum: 256, shared: true });
const buf = new SharedArrayBuffer(64);
