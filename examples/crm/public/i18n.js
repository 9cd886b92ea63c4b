// The page's two languages: zh-CN (default) and English, switched in the header and remembered.

/** @typedef {'zh-CN' | 'en'} Lang */

const TEXT = {
  'zh-CN': {
    title: '客户管理',
    signIn: '登录',
    signInTitle: '坐席登录',
    mail: '邮箱',
    password: '密码',
    badCredentials: '邮箱或密码错误。',
    rateLimited: '尝试次数过多，请稍后再试。',
    signOut: '退出',
    customers: '客户',
    name: '姓名',
    company: '公司',
    phone: '电话',
    level: '级别',
    call: '呼叫',
    pickCustomer: '请选择客户，或等待来电。',
    incoming: '来电',
    unknownCaller: '未知来电',
    answer: '接听',
    hangUp: '挂断',
    dialling: '正在呼叫',
    inCall: '通话中',
    callEnded: '通话已结束',
    notes: '通话备注',
    notesFor: '本次通话',
    saveNote: '保存备注',
    noteSaved: '备注已保存。',
    history: '通话记录',
    noCalls: '暂无通话记录。',
    time: '时间',
    direction: '方向',
    duration: '时长',
    result: '结果',
    agent: '坐席',
    recording: '录音',
    note: '备注',
    inbound: '呼入',
    outbound: '呼出',
    refresh: '刷新',
    status: '坐席状态',
    'status.free': '空闲',
    'status.busy': '忙碌',
    'status.notReady': '示忙',
    'status.rest': '小休',
    'status.arrange': '话后整理',
    'status.offline': '离线',
    connecting: '正在连接呼叫中心…',
    renewing: '登录凭证已过期，正在重新获取…',
    signedOutElsewhere: '您的坐席已在其他页面登录。',
    signedOutOther: '坐席已退出。',
    reconnect: '在此页面重新连接',
    failed: '呼叫中心不可用：',
    'end.ok': '已接通',
    'end.notAnswer': '未接听',
    'end.busy': '占线',
    'end.userReject': '拒接',
    'end.ivrGiveUp': '客户放弃',
    'end.waitingGiveUp': '客户放弃',
    'end.ringingGiveUp': '客户放弃',
    'end.noSeatOnline': '无坐席在线',
  },
  en: {
    title: 'Customers',
    signIn: 'Sign in',
    signInTitle: 'Agent sign-in',
    mail: 'Email',
    password: 'Password',
    badCredentials: 'Wrong email or password.',
    rateLimited: 'Too many attempts; please try again later.',
    signOut: 'Sign out',
    customers: 'Customers',
    name: 'Name',
    company: 'Company',
    phone: 'Phone',
    level: 'Level',
    call: 'Call',
    pickCustomer: 'Pick a customer, or wait for a call.',
    incoming: 'Incoming call',
    unknownCaller: 'Unknown caller',
    answer: 'Answer',
    hangUp: 'Hang up',
    dialling: 'Calling',
    inCall: 'In a call',
    callEnded: 'Call ended',
    notes: 'Call notes',
    notesFor: 'This call',
    saveNote: 'Save note',
    noteSaved: 'Note saved.',
    history: 'Call history',
    noCalls: 'No calls yet.',
    time: 'Time',
    direction: 'Direction',
    duration: 'Duration',
    result: 'Result',
    agent: 'Agent',
    recording: 'Recording',
    note: 'Note',
    inbound: 'Inbound',
    outbound: 'Outbound',
    refresh: 'Refresh',
    status: 'Agent status',
    'status.free': 'Available',
    'status.busy': 'In a call',
    'status.notReady': 'Not ready',
    'status.rest': 'On break',
    'status.arrange': 'After-call work',
    'status.offline': 'Offline',
    connecting: 'Connecting to the contact center…',
    renewing: 'The login token expired; getting a new one…',
    signedOutElsewhere: 'Your agent signed in on another page.',
    signedOutOther: 'The agent was signed out.',
    reconnect: 'Reconnect on this page',
    failed: 'The contact center is unavailable: ',
    'end.ok': 'Answered',
    'end.notAnswer': 'No answer',
    'end.busy': 'Busy',
    'end.userReject': 'Rejected',
    'end.ivrGiveUp': 'Abandoned',
    'end.waitingGiveUp': 'Abandoned',
    'end.ringingGiveUp': 'Abandoned',
    'end.noSeatOnline': 'No agent online',
  },
};

/** @typedef {keyof typeof TEXT['zh-CN']} TextKey */

/** @type {Lang} */
let lang = localStorage.getItem('crm-lang') === 'en' ? 'en' : 'zh-CN';

export function currentLang() {
  return lang;
}

/** @param {string} key */
export function t(key) {
  const table = /** @type {Record<string, string>} */ (TEXT[lang]);
  return table[key] ?? key;
}

/** Fills every element marked `data-i18n` with its text. */
export function translatePage() {
  document.documentElement.lang = lang;
  for (const element of document.querySelectorAll('[data-i18n]')) {
    element.textContent = t(/** @type {HTMLElement} */ (element).dataset.i18n ?? '');
  }
}

/** @param {Lang} next */
export function setLang(next) {
  lang = next;
  localStorage.setItem('crm-lang', next);
  translatePage();
}
