import type { Language } from '../../i18n.js';
import { Button, CopyButton } from '../../ui/index.js';
import { nodeSnippet, type SignedExchange } from './send-signed.js';
import { text } from './text.js';

export interface ResultProps {
  lang: Language;
  action: string;
  exchange: SignedExchange;
  /** The body as an object, for the code sample. */
  params: unknown;
  /** Counts the requests sent from this page, so that each answer is told from the one before. */
  sequence: number;
  /** Set when the answer is a login token: opens the SDK test page with it. */
  onOpenSdkTest?: () => void;
}

function responseError(response: unknown): { Code: string; Message: string } | null {
  const envelope = typeof response === 'object' && response !== null ? (response as { Response?: { Error?: { Code?: unknown; Message?: unknown } } }).Response : undefined;
  const error = envelope?.Error;
  return error && typeof error.Code === 'string' ? { Code: error.Code, Message: typeof error.Message === 'string' ? error.Message : '' } : null;
}

function Block({ title, body, id, lang }: { title: string; body: string; id?: string; lang: Language }) {
  return (
    <section class="explorer-block" aria-label={title}>
      <header>
        <h3>{title}</h3>
        <CopyButton text={body} lang={lang} />
      </header>
      <pre class="mono" id={id} tabIndex={0}>
        {body}
      </pre>
    </section>
  );
}

/** What was sent and what came back: the response first, then how the request was signed. */
export function ResultPanel({ lang, action, exchange, params, sequence, onOpenSdkTest }: ResultProps) {
  const t = text[lang];
  const failed = exchange.failure !== undefined || responseError(exchange.response) !== null || (exchange.status ?? 0) >= 400;
  const error = responseError(exchange.response);
  const response = typeof exchange.response === 'string' ? exchange.response : JSON.stringify(exchange.response, null, 2);
  const headers = exchange.headers.map(([name, value]) => `${name}: ${value}`).join('\n');
  return (
    <div class="explorer-result" id="explorer-result" data-outcome={failed ? 'failure' : 'success'} data-sent={sequence}>
      <div class={`explorer-outcome ${failed ? 'is-failure' : 'is-success'}`} role="status">
        <strong>{failed ? t.failure : t.success}</strong>
        {exchange.status !== undefined ? (
          <span>
            {t.httpStatus} {exchange.status}
          </span>
        ) : null}
        {error ? (
          <span class="explorer-error-code mono" id="explorer-error-code">
            {error.Code}
          </span>
        ) : null}
        {error ? <span class="explorer-error-message">{error.Message}</span> : null}
        {exchange.failure !== undefined ? <span>{t.networkError.replace('{message}', exchange.failure)}</span> : null}
      </div>
      {onOpenSdkTest && !failed ? (
        <div class="explorer-sdk-test">
          <Button variant="primary" id="explorer-open-sdk-test" onClick={onOpenSdkTest}>
            {t.openSdkTest} ↗
          </Button>
          <span class="muted">{t.sdkTestHint}</span>
        </div>
      ) : null}
      {exchange.response !== undefined ? <Block title={t.response} body={response} id="explorer-response" lang={lang} /> : null}
      <Block title={t.endpoint} body={exchange.endpoint} lang={lang} />
      <Block title={t.requestHeaders} body={headers} id="explorer-request-headers" lang={lang} />
      <Block title={t.requestBody} body={exchange.body} id="explorer-request-body" lang={lang} />
      <Block title={t.canonicalRequest} body={exchange.signature.canonicalRequest} id="explorer-canonical-request" lang={lang} />
      <Block title={t.stringToSign} body={exchange.signature.stringToSign} id="explorer-string-to-sign" lang={lang} />
      <Block title={t.snippet} body={nodeSnippet(action, params, location.origin)} id="explorer-snippet" lang={lang} />
      <p class="muted explorer-note">{t.secretNote}</p>
    </div>
  );
}
