import axios from 'axios';
import fs from 'fs';
import path from 'path';
import { randomUUID } from 'crypto';

import { ENV } from '../config/env';

export interface DownloadJob {
  id: string;
  modelId: string;
  status: 'pending' | 'downloading' | 'completed' | 'failed';
  progress: number;
  error?: string;
}

const jobs = new Map<string, DownloadJob>();
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

function isHuggingFace(url: string): boolean {
  return /^https:\/\/huggingface\.co\//.test(url);
}

async function downloadFile(url: string, dest: string, job: DownloadJob, attempt = 0): Promise<void> {
  const headers: Record<string, string> = {};
  if (isHuggingFace(url) && ENV.HUGGINGFACE_TOKEN) {
    headers.Authorization = `Bearer ${ENV.HUGGINGFACE_TOKEN}`;
    console.log(`[downloads] using token for ${url.slice(0, 60)}`);
  }
  try {
    const res = await axios.get(url, { headers, responseType: 'stream', timeout: 60_000 });
    const total = Number(res.headers['content-length'] ?? 0);
    let done = 0;
    let lastUpdate = 0;
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    await new Promise<void>((resolve, reject) => {
      const out = fs.createWriteStream(dest);
      res.data.on('data', (chunk: Buffer) => {
        done += chunk.length;
        const now = Date.now();
        if (total && now - lastUpdate > 1000) {
          job.progress = Math.min(99, Math.round((done / total) * 100));
          lastUpdate = now;
        }
      });
      res.data.pipe(out);
      out.on('finish', resolve);
      out.on('error', reject);
    });
  } catch (err: any) {
    const status = err?.response?.status;
    if (attempt < 3 && (status === undefined || RETRY_STATUS.has(status))) {
      await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 10_000)));
      return downloadFile(url, dest, job, attempt + 1);
    }
    await fs.promises.rm(dest, { force: true });
    throw err;
  }
}

export function startDownload(modelId: string, urls: string[], destDir: string): DownloadJob {
  const job: DownloadJob = { id: randomUUID(), modelId, status: 'pending', progress: 0 };
  jobs.set(job.id, job);
  (async () => {
    job.status = 'downloading';
    try {
      for (const url of urls) {
        await downloadFile(url, path.join(destDir, path.basename(url)), job);
      }
      job.status = 'completed';
      job.progress = 100;
    } catch (err: any) {
      job.status = 'failed';
      job.error = err?.message ?? String(err);
    }
  })();
  return job;
}

export function getDownloadJob(id: string): DownloadJob | undefined {
  return jobs.get(id);
}
