/** UI strings: zh-CN by default, en-US by switch. Every key exists in both. */
export type Language = 'zh-CN' | 'en-US';

const zh = {
  appTitle: '坐席工作台',
  loginTitle: '登录坐席工作台',
  mail: '邮箱',
  password: '密码',
  sdkAppId: 'SdkAppId（可选）',
  login: '登录',
  loggingIn: '正在登录…',
  logout: '退出登录',
  waitingForHost: '正在连接页面…',
  connectionOpen: '已连接',
  connectionConnecting: '连接中',
  connectionReconnecting: '正在重连…',
  connectionClosed: '已断开',
  status: '状态',
  statusFree: '空闲',
  statusBusy: '忙碌',
  statusNotReady: '示忙',
  statusRest: '小休',
  statusArrange: '话后整理',
  statusOffline: '离线',
  restReason: '小休原因',
  goOnline: '上线',
  goOffline: '下线',
  dialPad: '拨号盘',
  phonePlaceholder: '输入电话号码',
  dial: '呼叫',
  currentCall: '当前通话',
  noCall: '暂无通话',
  sessions: '会话列表',
  noSessions: '暂无会话',
  microphone: '麦克风',
  allowMicrophone: '允许使用麦克风',
  microphoneDenied: '麦克风权限被拒绝，请在浏览器设置中允许。',
  microphoneDefault: '系统默认',
  signedOutElsewhere: '您的账号已在其他地方登录，当前工作台已退出。',
  signedOutForced: '管理员已将您的账号下线。',
  signedOutLogout: '您已退出登录。',
  signedOutExpired: '登录已失效，请重新登录。',
  signInAgain: '重新登录',
  originRefused: '此页面无权嵌入坐席工作台。',
  language: '语言',
  callsUnavailable: '当前服务器尚未启用通话引擎。',
  errorPrefix: '出错了：',
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  appTitle: 'Agent workbench',
  loginTitle: 'Sign in to the agent workbench',
  mail: 'Email',
  password: 'Password',
  sdkAppId: 'SdkAppId (optional)',
  login: 'Sign in',
  loggingIn: 'Signing in…',
  logout: 'Sign out',
  waitingForHost: 'Connecting to the page…',
  connectionOpen: 'Connected',
  connectionConnecting: 'Connecting',
  connectionReconnecting: 'Reconnecting…',
  connectionClosed: 'Disconnected',
  status: 'Status',
  statusFree: 'Available',
  statusBusy: 'In a call',
  statusNotReady: 'Not ready',
  statusRest: 'On break',
  statusArrange: 'After-call work',
  statusOffline: 'Offline',
  restReason: 'Break reason',
  goOnline: 'Go online',
  goOffline: 'Go offline',
  dialPad: 'Dial pad',
  phonePlaceholder: 'Enter a phone number',
  dial: 'Call',
  currentCall: 'Current call',
  noCall: 'No call',
  sessions: 'Sessions',
  noSessions: 'No sessions',
  microphone: 'Microphone',
  allowMicrophone: 'Allow microphone',
  microphoneDenied: 'Microphone access was denied; allow it in the browser settings.',
  microphoneDefault: 'System default',
  signedOutElsewhere: 'You signed in somewhere else; this workbench was signed out.',
  signedOutForced: 'An administrator took your account offline.',
  signedOutLogout: 'You have signed out.',
  signedOutExpired: 'Your login has expired; please sign in again.',
  signInAgain: 'Sign in again',
  originRefused: 'This page is not allowed to embed the agent workbench.',
  language: 'Language',
  callsUnavailable: 'The call engine is not enabled on this server yet.',
  errorPrefix: 'Error: ',
};

const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { 'zh-CN': zh, 'en-US': en };

export function translate(language: Language, key: MessageKey): string {
  return DICTIONARIES[language][key];
}

/** zh-CN unless the URL asks for English (`?lang=en-US`). */
export function detectLanguage(): Language {
  return new URLSearchParams(location.search).get('lang') === 'en-US' ? 'en-US' : 'zh-CN';
}
