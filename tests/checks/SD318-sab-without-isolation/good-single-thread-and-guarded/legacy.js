// ffmpeg.wasm 0.11 with the single-threaded core.
const ffmpeg = createFFmpeg({
  corePath: "https://unpkg.com/@ffmpeg/core-st/dist/ffmpeg-core.js",
  mainName: "main",
});
