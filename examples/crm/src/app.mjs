// The CRM's backend: its own users and sessions, the customer data, and the three things a TCCC
// integration asks of a backend: keep the keys, sync the agents, mint a login token per page load.
import { readFile } from 'node:fs/promises';
import Fastify from 'fastify';
import { cccClient, describeCloudError } from './ccc-client.mjs';
import { seedDemoData } from './demo-data.mjs';
import { LoginLimiter } from './login-limiter.mjs';
import { verifyPassword } from './passwords.mjs';
import { SESSION_COOKIE, Sessions } from './sessions.mjs';
import { syncStaff } from './staff-sync.mjs';
import { Store, normalisePhone } from './store.mjs';

/**
 * @typedef {import('./ccc-client.mjs').OpenCccConfig} OpenCccConfig
 * @typedef {import('fastify').FastifyRequest} Request
 * @typedef {import('fastify').FastifyReply} Reply
 * @typedef {{
 *   openccc: OpenCccConfig,
 *   port?: number,
 *   host?: string,
 *   dataDir: string,
 *   skillGroupName?: string,
 *   seed?: boolean,
 *   log?: (line: string) => void,
 * }} CrmOptions
 */

const PUBLIC = new URL('../public/', import.meta.url);
const ASSETS = /** @type {const} */ ({
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/i18n.js': ['i18n.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
});
const HISTORY_DAYS = 30;

/** @param {string | undefined} header @param {string} name */
function cookie(header, name) {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** @param {unknown} body @returns {Record<string, unknown>} */
function fields(body) {
  return typeof body === 'object' && body !== null ? /** @type {Record<string, unknown>} */ (body) : {};
}

/** @param {import('./store.mjs').Customer} customer */
function customerView(customer) {
  return { id: customer.id, name: customer.name, company: customer.company, phone: customer.phone, level: customer.level };
}

/**
 * Starts the CRM: loads (or seeds) its data, syncs its agents to OpenCCC, and serves the page and
 * its API. Resolves once it listens.
 * @param {CrmOptions} options
 */
export async function startCrm(options) {
  const { openccc, port = 3000, host = '127.0.0.1', skillGroupName = 'CRM 热线', log = () => {} } = options;
  const store = new Store(options.dataDir);
  if (options.seed !== false && (await seedDemoData(store))) log('demo users and customers created');
  const client = cccClient(openccc);
  const sdkAppId = openccc.sdkAppId;

  const report = await syncStaff({ client, sdkAppId, store, skillGroupName });
  log(`staff synced to OpenCCC: ${report.created.length} created, ${report.updated.length} updated, ${report.deleted.length} deleted${report.kept.length ? `, ${report.kept.join(', ')} online and kept` : ''}`);

  const sessions = new Sessions();
  const limiter = new LoginLimiter();
  const cccOrigin = new URL(openccc.url).origin;
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });

  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff').header('Referrer-Policy', 'no-referrer').header('X-Frame-Options', 'DENY');
  });

  /** The signed-in user of a request, or null after answering 401. @param {Request} request @param {Reply} reply */
  function signedIn(request, reply) {
    const id = cookie(request.headers.cookie, SESSION_COOKIE);
    const session = sessions.find(id);
    const user = session && store.userById(session.userId);
    if (!id || !user) {
      void reply.code(401).send({ error: 'signedOut' });
      return null;
    }
    return { id, user };
  }

  /** Like signedIn, and the request must carry the session's CSRF token. @param {Request} request @param {Reply} reply */
  function signedInChange(request, reply) {
    const found = signedIn(request, reply);
    if (!found) return null;
    if (!sessions.checkCsrf(found.id, request.headers['x-csrf-token'])) {
      void reply.code(403).send({ error: 'csrf' });
      return null;
    }
    return found;
  }

  // A change may come only from the CRM's own pages: browsers send Origin on every POST.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `${request.protocol}://${request.headers.host}`) return reply.code(403).send({ error: 'origin' });
  });

  for (const [path, [file, type]] of Object.entries(ASSETS)) {
    app.get(path, async (_request, reply) => {
      const body = await readFile(new URL(file, PUBLIC));
      reply.header('Content-Type', type).header('Cache-Control', 'no-cache');
      if (file === 'index.html') {
        // TCCC's snippet loads the SDK from OpenCCC, which then frames its workbench and plays recordings.
        reply.header(
          'Content-Security-Policy',
          `default-src 'self'; script-src 'self' ${cccOrigin}; frame-src ${cccOrigin}; connect-src 'self' ${cccOrigin}; media-src ${cccOrigin}; img-src 'self' data:; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        );
      }
      return reply.send(body);
    });
  }

  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());

  app.post('/api/login', async (request, reply) => {
    const { mail, password } = fields(request.body);
    if (typeof mail !== 'string' || typeof password !== 'string' || mail.length > 254 || password.length > 256) return reply.code(400).send({ error: 'invalid' });
    if (!limiter.allow(request.ip, mail)) return reply.code(429).send({ error: 'rateLimited' });
    const user = store.userByMail(mail);
    if (!(await verifyPassword(password, user?.passwordHash)) || !user) return reply.code(401).send({ error: 'badCredentials' });
    sessions.close(cookie(request.headers.cookie, SESSION_COOKIE));
    const id = sessions.open(user.id);
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header('Set-Cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=28800${secure}`);
    log(`${user.mail} signed in`);
    return { user: { mail: user.mail, name: user.name }, csrfToken: sessions.csrfToken(id) };
  });

  app.post('/api/logout', async (request, reply) => {
    const found = signedInChange(request, reply);
    if (!found) return reply;
    sessions.close(found.id);
    reply.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return { ok: true };
  });

  app.get('/api/me', async (request, reply) => {
    const found = signedIn(request, reply);
    if (!found) return reply;
    reply.header('Cache-Control', 'no-store');
    return { user: { mail: found.user.mail, name: found.user.name }, csrfToken: sessions.csrfToken(found.id) };
  });

  // Step 3 of TCCC's integration: a one-time login token for the signed-in user's own staff
  // account, minted for each load of the SDK. The SecretKey stays here.
  app.post('/api/ccc/token', async (request, reply) => {
    const found = signedInChange(request, reply);
    if (!found) return reply;
    try {
      const minted = await client.CreateSDKLoginToken({ SdkAppId: sdkAppId, SeatUserId: found.user.mail, OnlyOnce: true });
      reply.header('Cache-Control', 'no-store');
      return { token: minted.Token, sdkUrl: minted.SdkURL, expiredTime: minted.ExpiredTime, sdkAppId, userId: found.user.mail };
    } catch (error) {
      log(`CreateSDKLoginToken for ${found.user.mail} failed: ${describeCloudError(error)}`);
      return reply.code(502).send({ error: 'openccc' });
    }
  });

  app.get('/api/customers', async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    return { customers: store.data.customers.map(customerView) };
  });

  // The screen-pop: who is calling, by the caller's number from `callIn`.
  app.get('/api/customers/by-phone/:phone', async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const { phone } = /** @type {{ phone: string }} */ (request.params);
    const customer = store.customerByPhone(phone);
    if (!customer) return reply.code(404).send({ error: 'unknownCustomer', phone: normalisePhone(phone) });
    return { customer: customerView(customer) };
  });

  // The customer's calls, from OpenCCC's call records, with the CRM's notes on them.
  app.get('/api/customers/:id/calls', async (request, reply) => {
    if (!signedIn(request, reply)) return reply;
    const { id } = /** @type {{ id: string }} */ (request.params);
    const customer = store.customerById(id);
    if (!customer) return reply.code(404).send({ error: 'unknownCustomer' });
    const now = Math.floor(Date.now() / 1000);
    let records;
    try {
      const answer = await client.DescribeTelCdr({ SdkAppId: sdkAppId, StartTimeStamp: now - HISTORY_DAYS * 86400, EndTimeStamp: now + 60, PageSize: 100, PageNumber: 0, Phones: [customer.phone] });
      records = answer.TelCdrList ?? [];
    } catch (error) {
      log(`DescribeTelCdr failed: ${describeCloudError(error)}`);
      return reply.code(502).send({ error: 'openccc' });
    }
    const notes = new Map(store.notesOf(customer.id).map((note) => [note.sessionId, note]));
    reply.header('Cache-Control', 'no-store');
    return {
      calls: records
        .sort((a, b) => (b.StartTimestamp ?? 0) - (a.StartTimestamp ?? 0))
        .map((record) => ({
          sessionId: record.SessionId,
          startedAt: record.StartTimestamp,
          direction: record.Direction === 0 ? 'inbound' : 'outbound',
          duration: record.Duration,
          endStatus: record.EndStatusString,
          agent: record.SeatUser?.Mail ?? '',
          recordUrl: record.RecordURL ?? '',
          note: notes.get(record.SessionId ?? '')?.text ?? '',
        })),
    };
  });

  app.post('/api/notes', async (request, reply) => {
    const found = signedInChange(request, reply);
    if (!found) return reply;
    const { sessionId, customerId, text } = fields(request.body);
    if (typeof sessionId !== 'string' || !/^[\w-]{1,64}$/.test(sessionId) || typeof customerId !== 'string' || typeof text !== 'string' || text.length > 4000) {
      return reply.code(400).send({ error: 'invalid' });
    }
    if (!store.customerById(customerId)) return reply.code(404).send({ error: 'unknownCustomer' });
    store.saveNote({ sessionId, customerId, text, author: found.user.mail, createdAt: Date.now() });
    return { ok: true };
  });

  await app.listen({ port, host });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    /** The page's address; its origin must be allowed to embed the workbench (`openccc origins add`). */
    url: `http://localhost:${actualPort}`,
    port: actualPort,
    store,
    close: () => app.close(),
  };
}
