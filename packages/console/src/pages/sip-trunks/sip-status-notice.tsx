import { format, type Language } from '../../i18n.js';
import { Notice } from '../../ui/index.js';
import type { SipStatus } from './sip-api.js';
import { trunksText } from './text.js';

/** Whether SIP runs: off, a warning with how to turn it on (settings can be prepared anyway); on, where it listens. */
export function SipStatusNotice({ status, lang }: { status: SipStatus | undefined; lang: Language }) {
  if (!status) return null;
  const t = trunksText[lang];
  if (!status.enabled) {
    return (
      <div class="sip-status" data-sip="off">
        <Notice kind="warning">{t.sipOff}</Notice>
      </div>
    );
  }
  return (
    <p class="sip-status muted" data-sip="on">
      {format(t.sipOn, { proxy: status.outboundProxy })}
    </p>
  );
}
