import { format, type Language } from '../../i18n.js';
import { Button, Dialog } from '../../ui/index.js';
import { endStatusNameOf, waitsOf, type CallRecord, type KeyPress } from './call-record.js';
import { endStatusText } from './end-status-text.js';
import { detailText } from './records-text.js';
import { formatClock, formatDuration, formatTime } from './time-format.js';

/** A record's details in a dialog: the recording first, then who took part and when, the keys pressed and the survey. */
export function RecordDetail({ record, lang, onClose }: { record: CallRecord; lang: Language; onClose: () => void }) {
  const t = detailText[lang];
  const waits = waitsOf(record);
  const endStatus = endStatusNameOf(record);
  const side = record.hungUpSide === 'seat' ? t.seat : record.hungUpSide === 'user' ? t.user : record.hungUpSide === 'system' ? t.system : record.hungUpSide;
  const clock = (seconds: number) => (seconds ? formatClock(seconds) : '—');
  return (
    <Dialog
      open
      wide
      title={`${t.title} · ${formatTime(record.startTimestamp)}`}
      onClose={onClose}
      footer={
        <Button onClick={onClose} autoFocus>
          {t.close}
        </Button>
      }
    >
      <div class="record-detail">
        <dl class="record-facts">
          <dt>{t.session}</dt>
          <dd class="mono">{record.sessionId}</dd>
          <dt>{t.endStatus}</dt>
          <dd>
            <span class={`tag end-status end-status-${endStatus === 'ok' ? 'ok' : 'other'}`}>{endStatusText(endStatus, lang)}</span>{' '}
            <span class="muted mono">
              {record.endStatus} {endStatus}
            </span>
          </dd>
          <dt>{t.hungUpSide}</dt>
          <dd>{side || '—'}</dd>
          <dt>{t.skillGroup}</dt>
          <dd>{record.skillGroup || '—'}</dd>
          <dt>{t.queuedGroup}</dt>
          <dd>{record.queuedSkillGroupName || '—'}</dd>
        </dl>

        <section aria-labelledby="record-recording">
          <h3 id="record-recording">{t.recording}</h3>
          {record.recordId && record.recordUrl ? (
            <>
              <audio class="record-audio" controls preload="metadata" src={record.recordUrl} aria-labelledby="record-recording" />
              <p class="field-hint">{t.recordingHint}</p>
            </>
          ) : (
            <p class="muted">{t.noRecordingText}</p>
          )}
        </section>

        <section aria-labelledby="record-times">
          <h3 id="record-times">{t.times}</h3>
          <dl class="record-timeline">
            <div>
              <dt>{t.start}</dt>
              <dd>{clock(record.startTimestamp)}</dd>
            </div>
            <div>
              <dt>{t.queued}</dt>
              <dd>{clock(record.queuedTimestamp)}</dd>
            </div>
            <div>
              <dt>{t.ring}</dt>
              <dd>{clock(record.ringTimestamp)}</dd>
            </div>
            <div>
              <dt>{t.accept}</dt>
              <dd>{clock(record.acceptTimestamp)}</dd>
            </div>
            <div>
              <dt>{t.ended}</dt>
              <dd>{clock(record.endedTimestamp)}</dd>
            </div>
          </dl>
          <dl class="record-timeline record-waits" aria-label={t.waits}>
            <div>
              <dt>{t.ivrTime}</dt>
              <dd>{formatDuration(waits.ivr)}</dd>
            </div>
            <div>
              <dt>{t.queueTime}</dt>
              <dd>{waits.queue === null ? '—' : formatDuration(waits.queue)}</dd>
            </div>
            <div>
              <dt>{t.ringTime}</dt>
              <dd>{waits.ring === null ? '—' : formatDuration(waits.ring)}</dd>
            </div>
            <div>
              <dt>{t.talkTime}</dt>
              <dd>{formatDuration(waits.talk)}</dd>
            </div>
          </dl>
        </section>

        <section aria-labelledby="record-participants">
          <h3 id="record-participants">{t.participants}</h3>
          {record.participants.length === 0 ? (
            <p class="muted">{t.noParticipants}</p>
          ) : (
            <div class="table-wrap">
              <table class="table table-compact">
                <caption class="visually-hidden">{t.participantsCaption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t.sequence}</th>
                    <th scope="col">{t.agent}</th>
                    <th scope="col">{t.skillGroup}</th>
                    <th scope="col">{t.ring}</th>
                    <th scope="col">{t.accept}</th>
                    <th scope="col">{t.ended}</th>
                    <th scope="col">{t.endStatus}</th>
                    <th scope="col">{t.transfer}</th>
                  </tr>
                </thead>
                <tbody>
                  {record.participants.map((p) => (
                    <tr key={p.sequence}>
                      <td>{p.sequence}</td>
                      <td class="record-agent-cell">
                        {p.mail}
                        {p.type ? <span class="muted record-seat-type">{p.type}</span> : null}
                      </td>
                      <td>{p.skillGroupName || '—'}</td>
                      <td>{clock(p.ringTimestamp)}</td>
                      <td>{clock(p.acceptTimestamp)}</td>
                      <td>{clock(p.endedTimestamp)}</td>
                      <td>{p.endStatusString ? endStatusText(p.endStatusString, lang) : '—'}</td>
                      <td>{[p.transferFrom ? format(t.transferFrom, { who: p.transferFrom }) : '', p.transferTo ? format(t.transferTo, { who: p.transferTo }) : ''].filter(Boolean).join('，') || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section aria-labelledby="record-keys">
          <h3 id="record-keys">{t.ivrKeys}</h3>
          {record.ivrKeys.length === 0 ? <p class="muted">{t.noKeys}</p> : <Keys keys={record.ivrKeys} lang={lang} />}
        </section>

        <section aria-labelledby="record-survey">
          <h3 id="record-survey">{t.survey}</h3>
          {record.surveyKeys.length === 0 ? (
            <p class="muted">{t.noSurvey}</p>
          ) : record.surveyKeys.every((k) => k.key === 'noInput') ? (
            <p class="record-survey-result">{t.noInput}</p>
          ) : (
            <Keys keys={record.surveyKeys.filter((k) => k.key !== 'noInput')} lang={lang} />
          )}
        </section>

      </div>
    </Dialog>
  );
}

function Keys({ keys, lang }: { keys: KeyPress[]; lang: Language }) {
  const t = detailText[lang];
  return (
    <ol class="record-keys">
      {keys.map((k, i) => (
        <li key={i}>
          <kbd class="record-key" aria-label={`${t.key} ${k.key}`}>
            {k.key}
          </kbd>
          <span>{k.label || '—'}</span>
          {k.nodeLabel ? <span class="muted"> · {k.nodeLabel}</span> : null}
          {k.timestampMs ? <span class="muted mono"> · {formatClock(Math.floor(k.timestampMs / 1000))}</span> : null}
        </li>
      ))}
    </ol>
  );
}
