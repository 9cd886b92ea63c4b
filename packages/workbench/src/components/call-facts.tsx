import type { CallView } from '../call-desk.js';
import type { Translate } from '../i18n.js';

/** What the agent should know about a call: the hotline it came in on (or the caller ID shown), the IVR keys pressed, the remark. */
export function CallFacts({ call, t }: { call: CallView; t: Translate }) {
  const number = call.direction === 'in' ? call.calleePhoneNumber : call.callerPhoneNumber;
  const hasFacts = (call.type !== 'internal' && number) || call.ivrPath.length > 0 || call.remark;
  if (!hasFacts) return null;
  return (
    <dl class="facts call-facts">
      {call.type !== 'internal' && number && (
        <>
          <dt>{call.direction === 'in' ? t('callHotline') : t('callCallerId')}</dt>
          <dd class="mono" data-testid="call-line">
            {number}
          </dd>
        </>
      )}
      {call.ivrPath.length > 0 && (
        <>
          <dt>{t('callIvr')}</dt>
          <dd>
            <ol class="ivr-path" data-testid="call-ivr">
              {call.ivrPath.map((step, i) => (
                <li key={i}>
                  <kbd>{step.key}</kbd>
                  {step.label && <span>{step.label}</span>}
                </li>
              ))}
            </ol>
          </dd>
        </>
      )}
      {call.remark && (
        <>
          <dt>{t('callRemark')}</dt>
          <dd data-testid="call-remark">{call.remark}</dd>
        </>
      )}
    </dl>
  );
}
