import { format, type Language } from '../../i18n.js';
import { Button, CopyButton, Dialog, Notice } from '../../ui/index.js';
import { extensionsText } from './text.js';

/** What a phone registers with: everything but the password comes from the server's SIP settings. */
export interface PhoneAccount {
  extensionId: string;
  domain: string;
  outboundProxy: string;
  transport: string;
  /** Only right after creating or resetting; otherwise null (it is never shown again). */
  password: string | null;
}

/** The account's settings, one per row, each with a copy button. */
export function PhoneSettings({ account, lang }: { account: PhoneAccount; lang: Language }) {
  const t = extensionsText[lang];
  const rows: Array<{ key: string; label: string; value: string | null; note?: string }> = [
    { key: 'username', label: t.username, value: account.extensionId },
    { key: 'authUsername', label: t.authUsername, value: account.extensionId },
    { key: 'password', label: t.password, value: account.password, note: t.passwordHidden },
    { key: 'domain', label: t.domain, value: account.domain },
    { key: 'outboundProxy', label: t.outboundProxy, value: account.outboundProxy },
    { key: 'transport', label: t.transport, value: account.transport.toUpperCase() },
    { key: 'aor', label: t.aor, value: `sip:${account.extensionId}@${account.domain}` },
  ];
  return (
    <dl class="phone-settings">
      {rows.map((row) => (
        <div class="phone-setting" key={row.key} data-setting={row.key}>
          <dt>{row.label}</dt>
          <dd>
            {row.value === null ? (
              <span class="muted">{row.note}</span>
            ) : (
              <>
                <span class={`mono${row.key === 'password' ? ' phone-password' : ''}`}>{row.value}</span>
                <CopyButton text={row.value} lang={lang} label={row.label} />
              </>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The settings of a new extension or of one whose password was just reset, the password shown this
 * once; it lives only in this dialog and is gone when it closes.
 */
export function AccountDialog({ account, created, lang, onClose }: { account: PhoneAccount; created: boolean; lang: Language; onClose: () => void }) {
  const t = extensionsText[lang];
  return (
    <Dialog
      open
      wide
      title={format(created ? t.accountCreated : t.accountReset, { id: account.extensionId })}
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t.done}
        </Button>
      }
    >
      <Notice kind="warning">{t.passwordOnce}</Notice>
      <p class="phone-lead">{t.setupLead}</p>
      <PhoneSettings account={account} lang={lang} />
    </Dialog>
  );
}

/** The phone settings of an extension, without its password. */
export function PhoneSetupDialog({ account, lang, onClose }: { account: PhoneAccount; lang: Language; onClose: () => void }) {
  const t = extensionsText[lang];
  return (
    <Dialog
      open
      wide
      title={format(t.setupTitle, { id: account.extensionId })}
      onClose={onClose}
      footer={
        <Button variant="primary" onClick={onClose}>
          {t.done}
        </Button>
      }
    >
      <p class="phone-lead">{t.setupLead}</p>
      <PhoneSettings account={account} lang={lang} />
    </Dialog>
  );
}
