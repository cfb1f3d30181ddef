import cors from 'cors';
import express from 'express';

import { ENV } from './config/env';
import sourcesRouter from './routes/sources';

const app = express();

app.use(
  cors({
    origin(origin, callback) {
      // Requests with no origin (curl, Postman, mobile apps) carry no browser credentials
      if (!origin) return callback(null, true);
      if (ENV.CORS_ORIGIN.includes(origin)) return callback(null, true);
      if (ENV.NODE_ENV === 'development' && /^http:\/\/localhost:\d+$/.test(origin)) {
        return callback(null, true);
      }
      return callback(new Error(`Origin ${origin} not allowed by CORS`));
    },
    methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'],
    allowedHeaders: ['Content-Type', 'Authorization', 'X-Requested-With', 'X-Request-ID', 'Accept', 'Origin'],
    exposedHeaders: ['X-Request-ID', 'X-RateLimit-Remaining'],
    credentials: true,
    maxAge: 86400,
  }),
);
app.use(express.json());

app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});
app.use('/api/sources', sourcesRouter);

app.listen(ENV.PORT, '0.0.0.0', () => {
  console.log(`[server] listening on ${ENV.PORT} (${ENV.NODE_ENV})`);
});
