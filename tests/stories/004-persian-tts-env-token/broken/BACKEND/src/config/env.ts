import dotenv from 'dotenv';

dotenv.config();

const NODE_ENVS = ['development', 'production', 'test'] as const;
type NodeEnv = (typeof NODE_ENVS)[number];

function port(value: string | undefined): number {
  const n = Number(value ?? 3001);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`PORT must be a number between 1 and 65535, got ${value}`);
  }
  return n;
}

const nodeEnv = (process.env.NODE_ENV ?? 'development') as NodeEnv;
if (!NODE_ENVS.includes(nodeEnv)) {
  throw new Error(`NODE_ENV must be one of ${NODE_ENVS.join(', ')}`);
}

const token = process.env.HUGGINGFACE_TOKEN;
if (!token) {
  console.warn('[env] HUGGINGFACE_TOKEN is not set: gated or private models will fail');
} else if (!token.startsWith('hf_')) {
  console.warn('[env] HUGGINGFACE_TOKEN does not look like a Hugging Face token (hf_...)');
}

if (nodeEnv === 'production' && !process.env.JWT_SECRET) {
  throw new Error('JWT_SECRET is required in production');
}

export const ENV = {
  NODE_ENV: nodeEnv,
  PORT: port(process.env.PORT),
  HUGGINGFACE_TOKEN: token,
  JWT_SECRET: process.env.JWT_SECRET ?? 'dev-only-secret',
  CORS_ORIGIN: (process.env.CORS_ORIGIN ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean),
};
