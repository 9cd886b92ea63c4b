/**
 * sipp scenarios for a carrier calling OpenCCC over a trunk (and for callers no trunk trusts). Each
 * is a function of what the test varies; sipp fills in the bracketed keywords. The INVITE's branch is
 * written out so that its CANCEL and the ACK of a non-2xx answer can repeat it.
 */

const SCENARIO_END = `
  <ResponseTimeRepartition value="10, 20, 30, 40, 50, 100, 150, 200"/>
  <CallLengthRepartition value="10, 50, 100, 500, 1000, 5000, 10000"/>
</scenario>
`;

const INVITE_BRANCH = 'z9hG4bK-[pid]-[call_number]-invite';

/** The headers every request of the call repeats. */
function dialogHeaders(caller: string, requestUri: string, to: 'withTag' | 'withoutTag'): string {
  return [
    `From: "Carrier" <sip:${caller}@[local_ip]:[local_port]>;tag=[pid]carrier[call_number]`,
    `To: <${requestUri}>${to === 'withTag' ? '[peer_tag_param]' : ''}`,
    'Call-ID: [call_id]',
    'Max-Forwards: 70',
  ].join('\n      ');
}

interface InviteOptions {
  /** The caller's number (the From user). */
  caller: string;
  /** The Request-URI: `sip:<dialled>@<host>`; `sip:[service]@[remote_ip]:[remote_port]` (sipp's `-s`) unless given. */
  requestUri?: string;
  /** The SDP's audio port: sipp's `[media_port]` unless given (`[media_port+N]` moves it, and the port pcaps are played from). */
  mediaPort?: string;
}

function invite({ caller, requestUri = 'sip:[service]@[remote_ip]:[remote_port]', mediaPort = '[media_port]' }: InviteOptions): string {
  return `
  <send retrans="500">
    <![CDATA[

      INVITE ${requestUri} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${INVITE_BRANCH}
      ${dialogHeaders(caller, requestUri, 'withoutTag')}
      CSeq: 1 INVITE
      Contact: <sip:${caller}@[local_ip]:[local_port]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=carrier 53655765 2353687637 IN IP[local_ip_type] [media_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio ${mediaPort} RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=ptime:30

    ]]>
  </send>
`;
}

function ack(caller: string, requestUri: string, branch: string): string {
  return `
  <send>
    <![CDATA[

      ACK ${requestUri} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${branch}
      ${dialogHeaders(caller, requestUri, 'withTag')}
      CSeq: 1 ACK
      Content-Length: 0

    ]]>
  </send>
`;
}

function bye(caller: string, requestUri: string): string {
  return `
  <send retrans="500">
    <![CDATA[

      BYE ${requestUri} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      ${dialogHeaders(caller, requestUri, 'withTag')}
      CSeq: 2 BYE
      Content-Length: 0

    ]]>
  </send>

  <recv response="200" crlf="true"/>
`;
}

const ANSWERED = `
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
`;

const PLAY_SPEECH = `
  <nop><action><exec play_pcap_audio="pcap/g711a.pcap"/></action></nop>
  <pause milliseconds="7200"/>
`;

/**
 * The bundled `uac_pcap` call, its speech played `plays` times (7.1 s each: PCMA at 30 ms) and
 * then RFC 4733 digits, before the carrier hangs up. The SDP's port is `[media_port+offset]`:
 * where OpenCCC sends the carrier's side of the call, and the port the pcaps are sent from.
 */
export function speakingCarrierScenario(options: { caller: string; plays: number; digits: string; mediaPortOffset: number }): string {
  const requestUri = 'sip:[service]@[remote_ip]:[remote_port]';
  const digits = [...options.digits].map((digit) => `
  <nop><action><exec play_pcap_audio="pcap/dtmf_2833_${digit}.pcap"/></action></nop>
  <pause milliseconds="1000"/>
`);
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier call with speech and digits">
${invite({ caller: options.caller, mediaPort: `[media_port+${options.mediaPortOffset}]` })}
${ANSWERED}
${ack(options.caller, requestUri, '[branch]')}
${PLAY_SPEECH.repeat(options.plays)}
${digits.join('')}
${bye(options.caller, requestUri)}
${SCENARIO_END}`;
}

/** A carrier call that stays up until OpenCCC hangs up (its BYE is answered). */
export function waitingCarrierScenario(options: { caller: string }): string {
  const requestUri = 'sip:[service]@[remote_ip]:[remote_port]';
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier call ended by OpenCCC">
${invite({ caller: options.caller })}
${ANSWERED}
${ack(options.caller, requestUri, '[branch]')}
  <recv request="BYE"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
${SCENARIO_END}`;
}

/** A carrier call that is hung up after `holdMs` of talk or queueing (BYE from the carrier). */
export function shortCarrierScenario(options: { caller: string; holdMs: number }): string {
  const requestUri = 'sip:[service]@[remote_ip]:[remote_port]';
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier call that hangs up">
${invite({ caller: options.caller })}
${ANSWERED}
${ack(options.caller, requestUri, '[branch]')}
  <pause milliseconds="${options.holdMs}"/>
${bye(options.caller, requestUri)}
${SCENARIO_END}`;
}

/** An INVITE that must be refused with `status` (then acknowledged, as for any non-2xx). */
export function refusedInviteScenario(options: { caller: string; requestUri: string; status: number }): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="INVITE refused with ${options.status}">
${invite({ caller: options.caller, requestUri: options.requestUri })}
  <recv response="100" optional="true"/>
  <recv response="${options.status}"/>
${ack(options.caller, options.requestUri, INVITE_BRANCH)}
${SCENARIO_END}`;
}

/** A carrier that gives up before the answer: CANCEL once the INVITE has its 100 Trying; 200 to the CANCEL, 487 to the INVITE. */
export function cancellingCarrierScenario(options: { caller: string }): string {
  const requestUri = 'sip:[service]@[remote_ip]:[remote_port]';
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carrier call cancelled before the answer">
${invite({ caller: options.caller })}
  <recv response="100"/>
  <send>
    <![CDATA[

      CANCEL ${requestUri} SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${INVITE_BRANCH}
      ${dialogHeaders(options.caller, requestUri, 'withoutTag')}
      CSeq: 1 CANCEL
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
  <recv response="487"/>
${ack(options.caller, requestUri, INVITE_BRANCH)}
${SCENARIO_END}`;
}

/** An OPTIONS ping that must be answered 200. */
export function optionsPingScenario(): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="OPTIONS ping">
  <send retrans="500">
    <![CDATA[

      OPTIONS sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:ping@[local_ip]:[local_port]>;tag=[pid]ping[call_number]
      To: <sip:[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 OPTIONS
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
${SCENARIO_END}`;
}
