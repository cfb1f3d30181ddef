const { createFFmpeg } = FFmpeg;
const ffmpeg = createFFmpeg({ log: true });
