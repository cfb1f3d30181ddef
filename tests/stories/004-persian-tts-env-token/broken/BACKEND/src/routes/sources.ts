import { Router } from 'express';

import { getDownloadJob, startDownload } from '../services/downloads';

const CATALOG: Record<string, { urls: string[]; defaultDest: string }> = {
  'Kamtera/persian-tts-male-vits': {
    urls: [
      'https://huggingface.co/Kamtera/persian-tts-male-vits/resolve/main/config.json',
      'https://huggingface.co/Kamtera/persian-tts-male-vits/resolve/main/checkpoint_88000.pth',
    ],
    defaultDest: 'models/tts/male',
  },
};

const router = Router();

router.get('/catalog', (_req, res) => {
  res.json(Object.keys(CATALOG));
});

router.post('/download', (req, res) => {
  const entry = CATALOG[req.body?.modelId];
  if (!entry) return res.status(404).json({ error: 'unknown model' });
  const job = startDownload(req.body.modelId, entry.urls, entry.defaultDest);
  return res.status(202).json({ jobId: job.id });
});

router.get('/download/:jobId', (req, res) => {
  const job = getDownloadJob(req.params.jobId);
  if (!job) return res.status(404).json({ error: 'unknown job' });
  return res.json(job);
});

export default router;
